package io.driftdb.server.cli;

/** Process exit codes of the CLI and the server. */
public final class ExitCodes {
  public static final int OK = 0;
  /** A statement or operation failed; the message is on stderr. */
  public static final int FAILURE = 1;
  /** Bad usage: unknown command or flag, missing argument, or an option that is not available. */
  public static final int USAGE = 2;

  private ExitCodes() {}
}
