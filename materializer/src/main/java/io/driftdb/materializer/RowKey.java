package io.driftdb.materializer;

import java.util.Arrays;

/**
 * A primary-key value (one or more columns), ordered so tables scan in key order. Immutable:
 * the values array is never changed after construction, which lets the hash be cached (a key
 * is hashed several times on its way from a produced record into the table).
 */
public final class RowKey implements Comparable<RowKey> {
  /**
   * The value of a one-column key (then {@link #values} is null): a table keeps one key per
   * row, most keys have one column, and this saves the array.
   */
  private final Object single;
  /** The values of a key of zero or several columns; null for a one-column key. */
  private final Object[] values;
  /** 0 until computed, as String's cache (a race only computes the same value twice). */
  private int hash;

  public RowKey(Object[] values) {
    if (values.length == 1) {
      this.single = values[0];
      this.values = null;
    } else {
      this.single = null;
      this.values = values;
    }
  }

  /** The key's values in key-column order (a fresh array for a one-column key; callers must not change it). */
  public Object[] values() {
    return values == null ? new Object[] {single} : values;
  }

  public static RowKey of(Object... values) {
    return new RowKey(values);
  }

  private int width() {
    return values == null ? 1 : values.length;
  }

  private Object at(int i) {
    return values == null ? single : values[i];
  }

  @Override
  public int compareTo(RowKey o) {
    if (values == null && o.values == null) {
      return ValueComparator.compareValues(single, o.single);
    }
    int w = width();
    int ow = o.width();
    int n = Math.min(w, ow);
    for (int i = 0; i < n; i++) {
      int c = ValueComparator.compareValues(at(i), o.at(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(w, ow);
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
    for (int i = 0, w = width(); i < w; i++) {
      Object v = at(i);
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
    return values == null ? String.valueOf(single) : Arrays.toString(values);
  }
}
