package io.driftdb.log;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The log's bytes are damaged somewhere a crash cannot explain (or a read met a bad batch).
 * Names the file, the byte position and the offset at which the damage starts. Opening the
 * log refuses to continue; {@link LogRepair} can cut the log there.
 */
public final class LogCorruptedException extends IOException {
  private final Path file;
  private final long position;
  private final long offset;

  public LogCorruptedException(Path file, long position, long offset, String message) {
    super(message);
    this.file = file;
    this.position = position;
    this.offset = offset;
  }

  /** The damaged segment file. */
  public Path file() {
    return file;
  }

  /** Byte position of the damaged batch in {@link #file()}. */
  public long position() {
    return position;
  }

  /** The offset (SEQ) the damaged batch starts at, or should start at. */
  public long offset() {
    return offset;
  }
}
