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

  /** Arrays replaced as a whole when they grow, so readers never see a half-copied array. */
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

  private volatile Slots slots = new Slots(1);
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
    Slots s = slots;
    if (n == s.seqs.length) {
      Slots bigger = new Slots(Math.max(2, n * 2));
      System.arraycopy(s.seqs, 0, bigger.seqs, 0, n);
      System.arraycopy(s.rows, 0, bigger.rows, 0, n);
      System.arraycopy(s.ops, 0, bigger.ops, 0, n);
      slots = bigger;
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
    int n = size;
    Slots s = slots;
    int i = indexAt(s, n, seq);
    if (i < 0 || s.ops[i] == DELETE) {
      return null;
    }
    return s.rows[i];
  }

  /** Index of the version visible at {@code seq} (the last with SEQ at or before it), or -1. */
  public int versionIndexAt(long seq) {
    return indexAt(slots, size, seq);
  }

  private static int indexAt(Slots s, int n, long seq) {
    if (n == 0 || s.seqs[0] > seq) {
      return -1;
    }
    if (s.seqs[n - 1] <= seq) {
      return n - 1;
    }
    int i = Arrays.binarySearch(s.seqs, 0, n, seq);
    return i >= 0 ? i : -i - 2;
  }

  /** True when the key was written by the transaction at exactly {@code seq}. */
  public boolean hasVersionAt(long seq) {
    int i = indexAt(slots, size, seq);
    return i >= 0 && slots.seqs[i] == seq;
  }

  /** SEQ of the newest version (the last write to this key), or -1. */
  public long lastSeq() {
    int n = size;
    return n == 0 ? -1 : slots.seqs[n - 1];
  }

  public long seqAt(int index) {
    return slots.seqs[index];
  }

  public Object[] rowAtIndex(int index) {
    return slots.rows[index];
  }

  public byte opAt(int index) {
    return slots.ops[index];
  }

  /**
   * A new chain holding this chain's versions from index {@code from} on (deleting history
   * builds it and swaps it in, so readers of this chain never see it shrink). Writer only.
   */
  VersionChain suffix(int from) {
    int n = size;
    Slots s = slots;
    VersionChain c = new VersionChain();
    Slots t = new Slots(Math.max(1, n - from));
    System.arraycopy(s.seqs, from, t.seqs, 0, n - from);
    System.arraycopy(s.rows, from, t.rows, 0, n - from);
    System.arraycopy(s.ops, from, t.ops, 0, n - from);
    c.slots = t;
    c.size = n - from;
    return c;
  }

  /** A consistent copy of the first {@code n} versions' SEQs and ops for history scans. */
  public Snapshot snapshot() {
    int n = size;
    Slots s = slots;
    return new Snapshot(s.seqs, s.rows, s.ops, n);
  }

  /** Versions as a reader saw them at one moment (arrays are shared, never mutated below n). */
  public record Snapshot(long[] seqs, Object[][] rows, byte[] ops, int size) {}
}
