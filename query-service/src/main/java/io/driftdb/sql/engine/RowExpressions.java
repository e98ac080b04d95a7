package io.driftdb.sql.engine;

import io.driftdb.materializer.ColumnInfo;
import io.driftdb.materializer.TableSchema;
import org.apache.calcite.avatica.util.ByteString;

/**
 * Expressions evaluated over one row image (CHECK constraints, RETURNING lists): the row is fed
 * to a cached query as parameters, {@code SELECT expr FROM (VALUES (CAST(? AS type), ...)) AS
 * "t"(cols)}, so the expression sees the table's column names and types.
 */
final class RowExpressions {
  private RowExpressions() {}

  static String sql(TableSchema s, String expr) {
    StringBuilder values = new StringBuilder();
    StringBuilder names = new StringBuilder();
    for (ColumnInfo col : s.columns()) {
      values.append(values.length() == 0 ? "" : ", ").append("CAST(? AS ")
          .append(DmlExecutor.calciteTypeName(col.type())).append(')');
      names.append(names.length() == 0 ? "" : ", ").append('"').append(col.name()).append('"');
    }
    return "SELECT " + expr + " FROM (VALUES (" + values + ")) AS \"" + s.name() + "\" (" + names + ")";
  }

  /** The row image's values in column order, as the query's parameters. */
  static Object[] params(TableSchema s, Object[] image) {
    Object[] p = new Object[s.columns().size()];
    for (int i = 0; i < p.length; i++) {
      int id = s.columns().get(i).id();
      Object v = id < image.length ? image[id] : null;
      p[i] = v instanceof byte[] b ? new ByteString(b) : v;
    }
    return p;
  }
}
