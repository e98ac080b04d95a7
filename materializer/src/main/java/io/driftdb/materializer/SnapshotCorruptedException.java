package io.driftdb.materializer;

import java.io.IOException;

/** A snapshot file failed its checksum or could not be decoded; it must not be trusted. */
public class SnapshotCorruptedException extends IOException {
  public SnapshotCorruptedException(String message) {
    super(message);
  }

  public SnapshotCorruptedException(String message, Throwable cause) {
    super(message, cause);
  }
}
