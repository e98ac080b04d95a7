package io.driftdb.server;

/** What a finished {@code driftdb} process printed and returned. */
record CliResult(int exitCode, String stdout, String stderr) {

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
  }
}
