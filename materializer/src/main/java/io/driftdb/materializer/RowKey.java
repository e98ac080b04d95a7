package io.driftdb.materializer;

import java.util.Arrays;

/** A primary-key value (one or more columns), ordered so tables scan in key order. */
public record RowKey(Object[] values) implements Comparable<RowKey> {

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
    int h = 1;
    for (Object v : values) {
      // Consistent with equals (ValueComparator): equal numbers of different Java types hash
      // alike, byte arrays by content.
      h = 31 * h + (v instanceof Number n ? Double.hashCode(n.doubleValue())
          : v instanceof byte[] b ? Arrays.hashCode(b) : v == null ? 0 : v.hashCode());
    }
    return h;
  }

  @Override
  public String toString() {
    return values.length == 1 ? String.valueOf(values[0]) : Arrays.toString(values);
  }
}
