package io.driftdb.materializer;

import java.util.Arrays;

/**
 * The keys a table's rows were written under, with the SEQ of each write, since the SEQ the
 * newest snapshot or delta reached: what the next delta must hold. Without it a delta visited
 * every row of a changed table to find the few written since its base, so a large table under
 * a stream of small commits paid for all its rows at every delta.
 *
 * <p>One writer appends (the materializer's apply, in SEQ order); a snapshot thread reads. The
 * arrays are never changed below the size a reader saw: appends go past it, growing and
 * forgetting make new arrays. So a reader copies the three fields under the lock and reads
 * without it, and the apply never waits for a delta being written.
 */
final class RecentWrites {
  /** Past this many entries (12 bytes each) nothing is kept, and the next delta visits every row. */
  static final int MAX_ENTRIES = 1 << 23;

  private long[] seqs = new long[16];
  private RowKey[] keys = new RowKey[16];
  private int size;
  /** Writes at or before this SEQ are no longer known (-1: none forgotten). */
  private long forgottenThrough = -1;
  private final int maxEntries;

  RecentWrites() {
    this(MAX_ENTRIES);
  }

  RecentWrites(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  synchronized void add(long seq, RowKey key) {
    if (size == maxEntries || (size > 0 && seq < seqs[size - 1])) {
      // Too many, or out of SEQ order (never expected): keep nothing known before this write.
      forgottenThrough = Math.max(forgottenThrough, Math.max(seq, seqs[size - 1]));
      seqs = new long[16];
      keys = new RowKey[16];
      size = 0;
      return;
    }
    if (size == seqs.length) {
      int n = Math.min(maxEntries, size * 2);
      seqs = Arrays.copyOf(seqs, n);
      keys = Arrays.copyOf(keys, n);
    }
    seqs[size] = seq;
    keys[size] = key;
    size++;
  }

  /**
   * The writes after {@code since} and at or before {@code through}, in SEQ order (a key
   * appears once per write), or null when writes after {@code since} may have been forgotten
   * (then every row must be visited).
   */
  Writes writtenBetween(long since, long through) {
    long[] s;
    RowKey[] k;
    int n;
    synchronized (this) {
      if (since < forgottenThrough) {
        return null;
      }
      s = seqs;
      k = keys;
      n = size;
    }
    int from = firstAfter(s, n, since);
    int to = firstAfter(s, n, through);
    return new Writes(s, k, from, to);
  }

  /**
   * Entries {@code from} (inclusive) to {@code to} (exclusive) of arrays the writer no longer
   * changes below its size: a view, no copy, since a delta may cover millions of writes.
   */
  record Writes(long[] seqs, RowKey[] keys, int from, int to) {
    int size() {
      return to - from;
    }
  }

  /** Drops the writes at or before {@code seq}: a snapshot or delta holds them. */
  synchronized void forgetThrough(long seq) {
    if (seq <= forgottenThrough) {
      return;
    }
    int from = firstAfter(seqs, size, seq);
    int left = size - from;
    long[] s = new long[Math.max(16, left)];
    RowKey[] k = new RowKey[s.length];
    System.arraycopy(seqs, from, s, 0, left);
    System.arraycopy(keys, from, k, 0, left);
    seqs = s;
    keys = k;
    size = left;
    forgottenThrough = seq;
  }

  synchronized int size() {
    return size;
  }

  /** The index of the first entry with a SEQ above {@code seq} (entries are in SEQ order). */
  private static int firstAfter(long[] seqs, int n, long seq) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (seqs[mid] <= seq) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
