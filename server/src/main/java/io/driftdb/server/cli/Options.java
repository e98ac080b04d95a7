package io.driftdb.server.cli;

import io.driftdb.log.FsyncPolicy;

/** Validation of option values shared by the CLI and the server, failing as usage errors. */
public final class Options {
  private Options() {}

  /** Checks an fsync policy string ({@code group}, {@code interval:<ms>}, {@code none}) and returns it. */
  public static String fsyncPolicy(String text) {
    try {
      return FsyncPolicy.parse(text).toString();
    } catch (IllegalArgumentException e) {
      throw new CliException("--fsync: " + e.getMessage(), ExitCodes.USAGE);
    }
  }
}
