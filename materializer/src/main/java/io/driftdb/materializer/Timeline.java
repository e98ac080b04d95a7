package io.driftdb.materializer;

import java.util.Arrays;

/**
 * Commit timestamp of every applied SEQ, so AS OF TIMESTAMP resolves to a SEQ with a binary
 * search in memory. Timestamps never decrease along the log. One writer, many readers.
 */
public final class Timeline {
  private volatile long[] stamps = new long[1024];
  private volatile long base = 0;
  private volatile int count;

  /** Writer only: records the commit time of {@code seq}, which must be the next SEQ. */
  public void record(long seq, long timestampMs) {
    int n = count;
    if (n == 0) {
      base = seq;
    } else if (seq != base + n) {
      throw new IllegalStateException("SEQ " + seq + " applied out of order, expected " + (base + n));
    }
    long[] s = stamps;
    if (n == s.length) {
      s = Arrays.copyOf(s, n * 2);
      stamps = s;
    }
    s[n] = timestampMs;
    count = n + 1;
  }

  /** Last SEQ committed at or before {@code timestampMs}, or {@code firstSeq()-1} if none. */
  public long seqAtOrBefore(long timestampMs) {
    int n = count;
    long[] s = stamps;
    int lo = 0;
    int hi = n - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (s[mid] <= timestampMs) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return base + found;
  }

  /** Last SEQ committed strictly before {@code timestampMs}. */
  public long seqBefore(long timestampMs) {
    return timestampMs == Long.MIN_VALUE ? base - 1 : seqAtOrBefore(timestampMs - 1);
  }

  public long timestampOf(long seq) {
    int n = count;
    long i = seq - base;
    if (i < 0 || i >= n) {
      throw new IllegalArgumentException("SEQ " + seq + " is not in the timeline");
    }
    return stamps[(int) i];
  }

  public long firstSeq() {
    return base;
  }

  /** Last recorded SEQ, or firstSeq()-1 when empty. */
  public long lastSeq() {
    return base + count - 1;
  }
}
