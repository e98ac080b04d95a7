package io.driftdb.server.output;

import io.driftdb.sql.Column;
import io.driftdb.sql.QueryResult;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * psql's aligned format: centred headers, a {@code ---+---} separator, numbers right-aligned,
 * everything else left-aligned, NULL as an empty cell, and a {@code (N rows)} footer followed by
 * a blank line. Trailing blanks are trimmed from each line.
 */
final class AlignedTablePrinter implements ResultPrinter {
  private final ValueText values;

  AlignedTablePrinter(ValueText values) {
    this.values = values;
  }

  @Override
  public void printRows(QueryResult result, PrintStream out) {
    List<Column> columns = result.columns();
    int n = columns.size();
    List<String[]> cells = new ArrayList<>(result.rows().size());
    int[] width = new int[n];
    for (int c = 0; c < n; c++) {
      width[c] = displayWidth(columns.get(c).name());
    }
    for (Object[] row : result.rows()) {
      String[] line = new String[n];
      for (int c = 0; c < n; c++) {
        String t = values.text(columns.get(c).type(), row[c]);
        line[c] = t == null ? "" : t;
        width[c] = Math.max(width[c], displayWidth(line[c]));
      }
      cells.add(line);
    }
    StringBuilder header = new StringBuilder();
    StringBuilder rule = new StringBuilder();
    for (int c = 0; c < n; c++) {
      String name = columns.get(c).name();
      int pad = width[c] - displayWidth(name);
      header.append(c == 0 ? " " : " | ").append(" ".repeat(pad / 2)).append(name).append(" ".repeat(pad - pad / 2));
      rule.append(c == 0 ? "" : "+").append("-".repeat(width[c] + 2));
    }
    out.println(stripTrailing(header));
    out.println(rule);
    for (String[] line : cells) {
      StringBuilder b = new StringBuilder();
      for (int c = 0; c < n; c++) {
        int pad = width[c] - displayWidth(line[c]);
        b.append(c == 0 ? " " : " | ");
        if (ValueText.isNumeric(columns.get(c).type())) {
          b.append(" ".repeat(pad)).append(line[c]);
        } else {
          b.append(line[c]).append(" ".repeat(pad));
        }
      }
      out.println(stripTrailing(b));
    }
    int rows = cells.size();
    out.println("(" + rows + (rows == 1 ? " row)" : " rows)"));
    out.println();
  }

  @Override
  public boolean printCommandTag(QueryResult result, PrintStream out) {
    out.println(result.commandTag());
    return true;
  }

  /** Code points, so accented text lines up; wide (CJK) characters are not measured specially. */
  private static int displayWidth(String s) {
    return s.codePointCount(0, s.length());
  }

  private static String stripTrailing(CharSequence s) {
    return s.toString().stripTrailing();
  }
}
