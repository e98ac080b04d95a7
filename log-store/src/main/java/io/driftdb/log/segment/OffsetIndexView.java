package io.driftdb.log.segment;

import java.nio.ByteBuffer;

/**
 * Read-only view of a Kafka offset index: 8-byte big-endian entries of (int32 last offset of a
 * batch relative to the segment base, int32 file position of that batch). Safe to share
 * between threads: it only uses absolute reads on a buffer nobody writes below {@code count}.
 */
public final class OffsetIndexView {
  public static final int ENTRY_SIZE = 8;

  private final long baseOffset;
  private final ByteBuffer entries;
  private final int count;

  public OffsetIndexView(long baseOffset, ByteBuffer entries, int count) {
    if ((long) count * ENTRY_SIZE > entries.limit()) {
      throw new IllegalArgumentException(count + " entries do not fit in " + entries.limit() + " bytes");
    }
    this.baseOffset = baseOffset;
    this.entries = entries;
    this.count = count;
  }

  public static OffsetIndexView empty(long baseOffset) {
    return new OffsetIndexView(baseOffset, ByteBuffer.allocate(0), 0);
  }

  public int count() {
    return count;
  }

  public long lastOffset(int i) {
    return baseOffset + entries.getInt(i * ENTRY_SIZE);
  }

  public int position(int i) {
    return entries.getInt(i * ENTRY_SIZE + 4);
  }

  /**
   * Where to start scanning for the batch holding {@code offset}: the position of the last
   * indexed batch whose last offset is at or below it (that batch or one after it holds the
   * offset), or 0 when no entry qualifies.
   */
  public int scanStartFor(long offset) {
    int lo = 0;
    int hi = count - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (lastOffset(mid) <= offset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? 0 : position(found);
  }
}
