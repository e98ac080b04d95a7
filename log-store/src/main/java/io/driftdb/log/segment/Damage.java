package io.driftdb.log.segment;

import java.nio.file.Path;

/**
 * The first place in a segment file where the bytes stop being a valid continuation of the
 * log: the position of the bad batch and the offset a good batch there would have started at.
 */
public record Damage(Path file, long position, long expectedOffset, Kind kind, String detail) {

  /** What is wrong at the damaged position. */
  public enum Kind {
    /** The file ends inside a batch header or body. */
    INCOMPLETE,
    /** The header is not a valid v2 header (magic, lengths, counts). */
    BAD_HEADER,
    /** The CRC32C over the batch does not match. */
    BAD_CHECKSUM,
    /** A well-formed batch, but not the one that must come next (offsets or time go back). */
    OUT_OF_SEQUENCE;

    /** Whether an interrupted write could have produced this (only then may a tail be cut). */
    public boolean mayBeTornWrite() {
      return this != OUT_OF_SEQUENCE;
    }
  }

  public String describe() {
    return file + " at byte position " + position + " (where the batch starting at offset "
        + expectedOffset + " should be): " + detail;
  }
}
