package io.driftdb.materializer;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Total order over in-memory values: nulls first, numbers by value across Java types,
 * strings by code point, byte arrays lexicographically unsigned. Keys and indexes use it.
 */
public final class ValueComparator implements Comparator<Object> {
  public static final ValueComparator INSTANCE = new ValueComparator();

  private ValueComparator() {}

  @Override
  public int compare(Object a, Object b) {
    return compareValues(a, b);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  public static int compareValues(Object a, Object b) {
    if (a == b) {
      return 0;
    }
    if (a == null) {
      return -1;
    }
    if (b == null) {
      return 1;
    }
    // Fast paths for the usual key types (primary-key lookups compare keys a few dozen times).
    if (a instanceof Long x && b instanceof Long y) {
      return Long.compare(x, y);
    }
    if (a instanceof Integer x && b instanceof Integer y) {
      return Integer.compare(x, y);
    }
    if (a instanceof String x && b instanceof String y) {
      return x.compareTo(y);
    }
    if (a instanceof Number x && b instanceof Number y && a.getClass() != b.getClass()) {
      if (x instanceof BigDecimal || y instanceof BigDecimal || x instanceof Double || y instanceof Double
          || x instanceof Float || y instanceof Float) {
        return toBig(x).compareTo(toBig(y));
      }
      return Long.compare(x.longValue(), y.longValue());
    }
    if (a instanceof byte[] x && b instanceof byte[] y) {
      return Arrays.compareUnsigned(x, y);
    }
    if (a.getClass() == b.getClass() && a instanceof Comparable c) {
      return c.compareTo(b);
    }
    // Different non-numeric types (only in document tables): order by type name, then text.
    int c = a.getClass().getName().compareTo(b.getClass().getName());
    return c != 0 ? c : a.toString().compareTo(b.toString());
  }

  private static BigDecimal toBig(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    if (n instanceof Double || n instanceof Float) {
      return BigDecimal.valueOf(n.doubleValue());
    }
    return BigDecimal.valueOf(n.longValue());
  }
}
