package io.driftdb.log.segment;

import io.driftdb.log.format.BatchHeader;

/** A batch already encoded into a write buffer, starting at {@code bufferOffset}. */
public record EncodedBatch(BatchHeader header, int bufferOffset) {
  public int size() {
    return (int) header.sizeInBytes();
  }
}
