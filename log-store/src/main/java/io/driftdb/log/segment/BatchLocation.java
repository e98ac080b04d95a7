package io.driftdb.log.segment;

import io.driftdb.log.format.BatchHeader;

/** A valid batch found in a segment file: where it starts and its header. */
public record BatchLocation(long position, BatchHeader header) {
  public long end() {
    return position + header.sizeInBytes();
  }
}
