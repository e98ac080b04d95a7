package io.driftdb.sql.engine;

import io.driftdb.sql.text.SqlLexer;
import io.driftdb.sql.text.Token;
import java.util.List;

/**
 * PostgreSQL's {@code EXPLAIN [ANALYZE] [VERBOSE] [(options)] stmt} in Calcite's spelling
 * ({@code EXPLAIN PLAN FOR stmt}). ANALYZE is not supported: the plan is shown, not executed.
 */
final class ExplainRewrite {
  private ExplainRewrite() {}

  static String toCalcite(String sql) {
    List<Token> t = SqlLexer.tokenize(sql);
    if (t.isEmpty() || !t.get(0).is("explain") || t.get(1).is("plan")) {
      return sql;
    }
    int i = 1;
    if (t.get(i).isSymbol("(")) {
      while (!t.get(i).isSymbol(")") && t.get(i).kind() != Token.Kind.EOF) {
        i++;
      }
      i++;
    }
    while (t.get(i).is("verbose") || t.get(i).is("costs")) {
      i++;
    }
    if (t.get(i).is("analyze")) {
      throw new io.driftdb.sql.SqlError(io.driftdb.sql.SqlError.FEATURE_NOT_SUPPORTED, "EXPLAIN ANALYZE is not supported");
    }
    return "EXPLAIN PLAN FOR " + sql.substring(t.get(i).start());
  }
}
