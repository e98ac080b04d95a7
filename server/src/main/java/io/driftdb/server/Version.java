package io.driftdb.server;

/** The DriftDB version shown by --version and in the server's startup line. */
final class Version {
  static final String TEXT = "0.1.0-SNAPSHOT";

  private Version() {}
}
