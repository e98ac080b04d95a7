package io.driftdb.pgwire;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a simple-query string into statements at top-level semicolons, ignoring semicolons inside
 * quotes, dollar quotes, comments and parentheses. Statements holding nothing but white space and
 * comments are dropped, so {@code "select 1;;"} is one statement and {@code "-- hi"} is none (an
 * empty query). The statement text is passed on otherwise untouched (trimmed, no semicolon).
 */
public final class StatementSplitter {

  private StatementSplitter() {}

  public static List<String> split(String sql) {
    List<String> statements = new ArrayList<>();
    int n = sql.length();
    int start = 0;
    int depth = 0;
    boolean content = false;
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      int skipped = SqlLexer.skipSpecial(sql, i);
      if (skipped != i) {
        if (!SqlLexer.isComment(sql, i)) {
          content = true;
        }
        i = skipped;
        continue;
      }
      if (c == ';' && depth == 0) {
        if (content) {
          statements.add(sql.substring(start, i).strip());
        }
        start = i + 1;
        content = false;
      } else {
        if (c == '(') {
          depth++;
        } else if (c == ')' && depth > 0) {
          depth--;
        }
        if (!Character.isWhitespace(c)) {
          content = true;
        }
      }
      i++;
    }
    if (content) {
      statements.add(sql.substring(start).strip());
    }
    return statements;
  }
}
