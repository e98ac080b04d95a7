package io.driftdb.materializer;

import java.util.Arrays;

/**
 * Every version of one row, oldest first. A version is valid from its SEQ until the next
 * version's SEQ; a DELETE version is a tombstone that keeps the deleted image (so history can
 * show what was deleted). One writer (the materializer) appends; any number of readers look
 * up versions concurrently: the writer fills the slot and then publishes the new size through
 * a volatile write, so a reader that read the size sees complete slots.
 */
public final class VersionChain {
  public static final byte INSERT = 0;
  public static final byte UPDATE = 1;
  public static final byte DELETE = 2;

  /**
   * Every version, the first included; replaced as a whole when it grows, so readers never see
   * a half-copied array. Null while the chain has at most one version.
   */
  private static final class Slots {
    final long[] seqs;
    final Object[][] rows;
    final byte[] ops;

    Slots(int capacity) {
      seqs = new long[capacity];
      rows = new Object[capacity][];
      ops = new byte[capacity];
    }
  }

  // The first version lives in fields, not in Slots: most keys of an append-heavy table (an
  // event log, a Kafka topic) are written once, and the arrays would cost every such key four
  // more objects (~96 bytes), kept for good and copied once by the garbage collector. Written
  // once, before size becomes 1, and never changed.
  private long firstSeq;
  private Object[] firstRow;
  private byte firstOp;
  private volatile Slots slots;
  private volatile int size;

  /**
   * Makes {@code row} reuse {@code previous}'s value objects where the values are equal, so a
   * version keeps only what changed: an UPDATE of one column of a wide row then retains one new
   * value instead of a copy of every cell (history is kept forever, and copying long-lived
   * objects is what the garbage collector spends replay time on). No-op without a previous row.
   */
  static void shareUnchangedCells(Object[] previous, Object[] row) {
    if (previous == null) {
      return;
    }
    int n = Math.min(previous.length, row.length);
    for (int i = 0; i < n; i++) {
      Object v = row[i];
      if (v != null && v != previous[i] && v.equals(previous[i])) {
        row[i] = previous[i];
      }
    }
  }

  /** Writer only. SEQs must increase. */
  public void append(long seq, Object[] row, byte op) {
    int n = size;
    if (n == 0) {
      firstSeq = seq;
      firstRow = row;
      firstOp = op;
      size = 1;
      return;
    }
    Slots s = slots;
    if (s == null || n == s.seqs.length) {
      Slots bigger = new Slots(Math.max(2, n * 2));
      if (s == null) {
        bigger.seqs[0] = firstSeq;
        bigger.rows[0] = firstRow;
        bigger.ops[0] = firstOp;
      } else {
        System.arraycopy(s.seqs, 0, bigger.seqs, 0, n);
        System.arraycopy(s.rows, 0, bigger.rows, 0, n);
        System.arraycopy(s.ops, 0, bigger.ops, 0, n);
      }
      slots = bigger; // before size: a reader that sees the new size sees these slots
      s = bigger;
    }
    s.seqs[n] = seq;
    s.rows[n] = row;
    s.ops[n] = op;
    size = n + 1;
  }

  /** Number of versions visible to a reader now. */
  public int size() {
    return size;
  }

  /** The row visible at {@code seq}, or null when the key did not exist or was deleted then. */
  public Object[] rowAt(long seq) {
    int i = versionIndexAt(seq);
    if (i < 0 || opAt(i) == DELETE) {
      return null;
    }
    return rowAtIndex(i);
  }

  /** Index of the version visible at {@code seq} (the last with SEQ at or before it), or -1. */
  public int versionIndexAt(long seq) {
    int n = size; // read before slots: slots then holds at least n versions
    if (n == 0 || firstSeq > seq) {
      return -1;
    }
    if (n == 1) {
      return 0;
    }
    long[] seqs = slots.seqs;
    if (seqs[n - 1] <= seq) {
      return n - 1;
    }
    int i = Arrays.binarySearch(seqs, 0, n, seq);
    return i >= 0 ? i : -i - 2;
  }

  /** True when the key was written by the transaction at exactly {@code seq}. */
  public boolean hasVersionAt(long seq) {
    int i = versionIndexAt(seq);
    return i >= 0 && seqAt(i) == seq;
  }

  /** SEQ of the newest version (the last write to this key), or -1. */
  public long lastSeq() {
    int n = size;
    return n == 0 ? -1 : seqAt(n - 1);
  }

  // The accessors take an index below a size the caller read: index 0 is in the fields, a
  // higher one means size was at least 2, hence slots was already set.

  public long seqAt(int index) {
    return index == 0 ? firstSeq : slots.seqs[index];
  }

  public Object[] rowAtIndex(int index) {
    return index == 0 ? firstRow : slots.rows[index];
  }

  public byte opAt(int index) {
    return index == 0 ? firstOp : slots.ops[index];
  }

  /**
   * A new chain holding this chain's versions from index {@code from} on (deleting history
   * builds it and swaps it in, so readers of this chain never see it shrink). Writer only.
   */
  VersionChain suffix(int from) {
    int n = size;
    VersionChain c = new VersionChain();
    for (int i = from; i < n; i++) {
      c.append(seqAt(i), rowAtIndex(i), opAt(i));
    }
    return c;
  }
}
