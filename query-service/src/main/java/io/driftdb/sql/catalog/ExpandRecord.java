package io.driftdb.sql.catalog;

/**
 * One element of {@code information_schema._pg_expandarray(array)}: the value {@code x} and its
 * 1-based position {@code n}. Calcite reads the public fields when a query asks for
 * {@code (record).x}.
 */
public final class ExpandRecord {
  public final Integer x;
  public final Integer n;

  private ExpandRecord(Integer x, Integer n) {
    this.x = x;
    this.n = n;
  }

  public static ExpandRecord of(Object x, Object n) {
    return new ExpandRecord(x == null ? null : ((Number) x).intValue(), n == null ? null : ((Number) n).intValue());
  }

  @Override
  public String toString() {
    return "(" + (x == null ? "" : x) + "," + (n == null ? "" : n) + ")";
  }
}
