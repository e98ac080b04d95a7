package io.driftdb.log.segment;

import java.nio.ByteBuffer;

/**
 * Read-only view of a Kafka time index: 12-byte big-endian entries of (int64 largest timestamp
 * so far, int32 last offset of the batch that reached it, relative to the segment base).
 * Timestamps strictly increase from entry to entry.
 */
public final class TimeIndexView {
  public static final int ENTRY_SIZE = 12;

  private final long baseOffset;
  private final ByteBuffer entries;
  private final int count;

  public TimeIndexView(long baseOffset, ByteBuffer entries, int count) {
    if ((long) count * ENTRY_SIZE > entries.limit()) {
      throw new IllegalArgumentException(count + " entries do not fit in " + entries.limit() + " bytes");
    }
    this.baseOffset = baseOffset;
    this.entries = entries;
    this.count = count;
  }

  public static TimeIndexView empty(long baseOffset) {
    return new TimeIndexView(baseOffset, ByteBuffer.allocate(0), 0);
  }

  public int count() {
    return count;
  }

  public long timestamp(int i) {
    return entries.getLong(i * ENTRY_SIZE);
  }

  public long offset(int i) {
    return baseOffset + entries.getInt(i * ENTRY_SIZE + 8);
  }

  /** Index of the first entry with a timestamp strictly after {@code timestampMs}, or -1. */
  public int firstAfter(long timestampMs) {
    int lo = 0;
    int hi = count - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (timestamp(mid) > timestampMs) {
        found = mid;
        hi = mid - 1;
      } else {
        lo = mid + 1;
      }
    }
    return found;
  }
}
