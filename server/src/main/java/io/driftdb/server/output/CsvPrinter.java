package io.driftdb.server.output;

import io.driftdb.sql.Column;
import io.driftdb.sql.QueryResult;
import java.io.PrintStream;
import java.util.List;

/**
 * CSV as {@code psql --csv} writes it (LF line ends): a header line, then one line per row; a field is quoted
 * only when it is empty or contains a comma, quote, CR or LF (quotes doubled); NULL is an
 * empty unquoted field.
 */
final class CsvPrinter implements ResultPrinter {
  private final ValueText values;

  CsvPrinter(ValueText values) {
    this.values = values;
  }

  @Override
  public void printRows(QueryResult result, PrintStream out) {
    List<Column> columns = result.columns();
    StringBuilder b = new StringBuilder();
    for (int c = 0; c < columns.size(); c++) {
      b.append(c == 0 ? "" : ",").append(field(columns.get(c).name()));
    }
    out.print(b.append("\n"));
    for (Object[] row : result.rows()) {
      b.setLength(0);
      for (int c = 0; c < columns.size(); c++) {
        String t = values.text(columns.get(c).type(), row[c]);
        b.append(c == 0 ? "" : ",").append(t == null ? "" : field(t));
      }
      out.print(b.append("\n"));
    }
  }

  @Override
  public boolean printCommandTag(QueryResult result, PrintStream out) {
    return false;
  }

  static String field(String s) {
    // An empty string is quoted so it stays distinguishable from NULL (as COPY ... CSV does).
    boolean quote = s.isEmpty() || s.chars().anyMatch(ch -> ch == ',' || ch == '"' || ch == '\r' || ch == '\n');
    return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }
}
