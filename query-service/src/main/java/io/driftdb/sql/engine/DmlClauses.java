package io.driftdb.sql.engine;

import io.driftdb.sql.text.SqlLexer;
import io.driftdb.sql.text.Token;
import java.util.List;

/**
 * PostgreSQL's DML tail clauses that Calcite's grammar lacks, cut off the statement text:
 * {@code ON CONFLICT ...} and {@code RETURNING ...} (both only at the top level).
 *
 * @param statement the statement without them
 * @param onConflict text after ON CONFLICT, or null
 * @param returning text after RETURNING, or null
 */
record DmlClauses(String statement, String onConflict, String returning) {

  static DmlClauses split(String sql) {
    List<Token> tokens = SqlLexer.tokenize(sql);
    int depth = 0;
    int onConflictAt = -1;
    int onConflictBody = -1;
    int returningAt = -1;
    int returningBody = -1;
    boolean dml = !tokens.isEmpty() && (tokens.get(0).is("insert") || tokens.get(0).is("update")
        || tokens.get(0).is("delete") || tokens.get(0).is("with"));
    if (!dml) {
      return new DmlClauses(sql, null, null);
    }
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.isSymbol("(")) {
        depth++;
      } else if (t.isSymbol(")")) {
        depth--;
      } else if (depth == 0 && t.is("on") && i + 1 < tokens.size() && tokens.get(i + 1).is("conflict") && onConflictAt < 0) {
        onConflictAt = t.start();
        onConflictBody = tokens.get(i + 1).end();
      } else if (depth == 0 && t.is("returning") && returningAt < 0) {
        returningAt = t.start();
        returningBody = t.end();
      }
    }
    int end = sql.length();
    String trimmed = sql.stripTrailing();
    if (trimmed.endsWith(";")) {
      end = trimmed.length() - 1;
    }
    String returning = returningAt < 0 ? null : sql.substring(returningBody, end).trim();
    int conflictEnd = returningAt < 0 ? end : returningAt;
    String onConflict = onConflictAt < 0 ? null : sql.substring(onConflictBody, conflictEnd).trim();
    int stmtEnd = onConflictAt >= 0 ? onConflictAt : returningAt >= 0 ? returningAt : end;
    return new DmlClauses(sql.substring(0, stmtEnd).trim(), onConflict, returning);
  }
}
