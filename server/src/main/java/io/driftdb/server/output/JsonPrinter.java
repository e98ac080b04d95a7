package io.driftdb.server.output;

import io.driftdb.sql.Column;
import io.driftdb.sql.PgType;
import io.driftdb.sql.QueryResult;
import java.io.PrintStream;
import java.util.List;

/**
 * One JSON array per result set, one object per row on its own line, keys in column order.
 * Numbers and booleans are JSON numbers and booleans (non-finite floats become strings), NULL
 * is null, json/jsonb values are embedded as JSON, everything else is its PostgreSQL text.
 */
final class JsonPrinter implements ResultPrinter {
  private final ValueText values;

  JsonPrinter(ValueText values) {
    this.values = values;
  }

  @Override
  public void printRows(QueryResult result, PrintStream out) {
    List<Column> columns = result.columns();
    List<Object[]> rows = result.rows();
    if (rows.isEmpty()) {
      out.println("[]");
      return;
    }
    out.println("[");
    for (int r = 0; r < rows.size(); r++) {
      StringBuilder b = new StringBuilder("  {");
      for (int c = 0; c < columns.size(); c++) {
        Column col = columns.get(c);
        b.append(c == 0 ? "" : ", ");
        JsonText.quote(col.name(), b);
        b.append(": ");
        value(col.type(), rows.get(r)[c], b);
      }
      b.append(r == rows.size() - 1 ? "}" : "},");
      out.println(b);
    }
    out.println("]");
  }

  private void value(PgType type, Object v, StringBuilder b) {
    String text = values.text(type, v);
    if (text == null) {
      b.append("null");
    } else if (type == PgType.BOOL) {
      b.append(Boolean.TRUE.equals(v) ? "true" : "false");
    } else if (ValueText.isNumeric(type) && isFiniteNumber(text)) {
      b.append(text);
    } else if (type == PgType.JSON || type == PgType.JSONB) {
      b.append(text);
    } else {
      JsonText.quote(text, b);
    }
  }

  private static boolean isFiniteNumber(String text) {
    return !(text.equals("NaN") || text.endsWith("Infinity"));
  }

  @Override
  public boolean printCommandTag(QueryResult result, PrintStream out) {
    return false;
  }
}
