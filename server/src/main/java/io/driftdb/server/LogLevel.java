package io.driftdb.server;

/** The system property logback.xml reads for the root log level (INFO unless set). */
final class LogLevel {
  static final String PROPERTY = "driftdb.log.level";

  private LogLevel() {}
}
