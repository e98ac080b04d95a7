package io.driftdb.materializer;

import java.util.Arrays;

/**
 * A primary-key value (one or more columns), ordered so tables scan in key order. Immutable:
 * the values array is never changed after construction, which lets the hash be cached (a key
 * is hashed several times on its way from a produced record into the table).
 */
public final class RowKey implements Comparable<RowKey> {
  private final Object[] values;
  /** 0 until computed, as String's cache (a race only computes the same value twice). */
  private int hash;

  public RowKey(Object[] values) {
    this.values = values;
  }

  public Object[] values() {
    return values;
  }

  public static RowKey of(Object... values) {
    return new RowKey(values);
  }

  @Override
  public int compareTo(RowKey o) {
    int n = Math.min(values.length, o.values.length);
    for (int i = 0; i < n; i++) {
      int c = ValueComparator.compareValues(values[i], o.values[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(values.length, o.values.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RowKey k && compareTo(k) == 0;
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = computeHash();
      hash = h;
    }
    return h;
  }

  private int computeHash() {
    int h = 1;
    for (Object v : values) {
      // Consistent with equals (ValueComparator): equal numbers of different Java types hash
      // alike, byte arrays by content.
      h = 31 * h + (v instanceof Number n ? numberHash(n.doubleValue())
          : v instanceof byte[] b ? Arrays.hashCode(b) : v == null ? 0 : v.hashCode());
    }
    return h;
  }

  /**
   * Numerically equal keys of different classes are equal, so the hash depends on the value as a
   * double only. Integral values hash as longs: Double.hashCode of consecutive integers differs
   * only in high bits, which put a batch of consecutive keys into a handful of HashMap buckets.
   */
  private static int numberHash(double d) {
    long l = (long) d;
    return l == d && l != Long.MAX_VALUE && l != Long.MIN_VALUE ? Long.hashCode(l) : Double.hashCode(d);
  }

  @Override
  public String toString() {
    return values.length == 1 ? String.valueOf(values[0]) : Arrays.toString(values);
  }
}
