package io.driftdb.log.format;

/** The bytes of a record batch do not follow the v2 format (or fail their checksum). */
public final class BatchFormatException extends RuntimeException {
  public BatchFormatException(String message) {
    super(message);
  }

  public BatchFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
