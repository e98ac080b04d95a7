package io.driftdb.log.segment;

/**
 * Immutable snapshot of one segment as readers may see it: bytes below {@code sizeBytes} are
 * complete batches (durable under the fsync policy), holding offsets up to {@code nextOffset - 1}.
 * {@code maxTimestamp} is -1 for an empty segment.
 */
public record SegmentView(
    SegmentFiles files,
    long nextOffset,
    long sizeBytes,
    long maxTimestamp,
    OffsetIndexView offsetIndex,
    TimeIndexView timeIndex) {

  public long baseOffset() {
    return files.baseOffset();
  }

  public boolean isEmpty() {
    return nextOffset == files.baseOffset();
  }

  public boolean contains(long offset) {
    return offset >= baseOffset() && offset < nextOffset;
  }
}
