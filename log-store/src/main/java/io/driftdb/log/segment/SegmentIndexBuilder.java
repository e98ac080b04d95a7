package io.driftdb.log.segment;

import io.driftdb.log.format.GrowableByteArray;
import java.nio.ByteBuffer;

/**
 * Builds the offset and time index of one segment, one batch at a time, in Kafka's byte
 * format. Every batch gets an offset entry; a time entry is added only when the batch raises
 * the segment's largest timestamp, which keeps time-index timestamps strictly increasing.
 * Written by one thread; the views it hands out stay valid while it keeps appending.
 */
public final class SegmentIndexBuilder {
  /** Kafka's "no timestamp yet" marker. */
  public static final long NO_TIMESTAMP = -1L;

  private final long baseOffset;
  private final GrowableByteArray offsets = new GrowableByteArray(4096);
  private final GrowableByteArray times = new GrowableByteArray(4096);
  private long maxTimestamp = NO_TIMESTAMP;

  public SegmentIndexBuilder(long baseOffset) {
    this.baseOffset = baseOffset;
  }

  /** Records a batch ending at {@code lastOffset} that starts at byte {@code position}. */
  public void add(long lastOffset, long position, long batchMaxTimestamp) {
    long relative = lastOffset - baseOffset;
    if (relative < 0 || relative > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "offset " + lastOffset + " cannot be indexed in segment " + baseOffset);
    }
    if (position < 0 || position > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("position " + position + " does not fit an int32 index entry");
    }
    offsets.putInt((int) relative);
    offsets.putInt((int) position);
    if (batchMaxTimestamp > maxTimestamp) {
      times.putLong(batchMaxTimestamp);
      times.putInt((int) relative);
      maxTimestamp = batchMaxTimestamp;
    }
  }

  public int batchCount() {
    return offsets.size() / OffsetIndexView.ENTRY_SIZE;
  }

  public long maxTimestamp() {
    return maxTimestamp;
  }

  public OffsetIndexView offsetView() {
    return new OffsetIndexView(baseOffset, offsetBytes(), batchCount());
  }

  public TimeIndexView timeView() {
    return new TimeIndexView(baseOffset, timeBytes(), times.size() / TimeIndexView.ENTRY_SIZE);
  }

  /** The {@code .index} file content. */
  public ByteBuffer offsetBytes() {
    return offsets.view(0, offsets.size());
  }

  /** The {@code .timeindex} file content. */
  public ByteBuffer timeBytes() {
    return times.view(0, times.size());
  }
}
