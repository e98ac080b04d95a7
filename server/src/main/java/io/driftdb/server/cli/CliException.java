package io.driftdb.server.cli;

/**
 * A failure the user can act on, reported as {@code driftdb: <message>} without a stack trace.
 * Carries the process exit code.
 */
public final class CliException extends RuntimeException {
  private final int exitCode;

  public CliException(String message) {
    this(message, ExitCodes.FAILURE);
  }

  public CliException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
