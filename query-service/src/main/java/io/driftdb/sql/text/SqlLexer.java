package io.driftdb.sql.text;

import io.driftdb.sql.SqlError;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits SQL text into tokens, skipping comments, understanding PostgreSQL quoting ('..' with ''
 * escapes, E'..', "ident", $tag$..$tag$) and $n parameters. The engine uses it to route
 * statements, to parse DDL and to rewrite $n into the ? Calcite expects.
 */
public final class SqlLexer {
  private final String sql;
  private int pos;

  private SqlLexer(String sql) {
    this.sql = sql;
  }

  public static List<Token> tokenize(String sql) {
    SqlLexer lx = new SqlLexer(sql);
    List<Token> out = new ArrayList<>();
    Token t;
    do {
      t = lx.next();
      out.add(t);
    } while (t.kind() != Token.Kind.EOF);
    return out;
  }

  private Token next() {
    skipSpaceAndComments();
    int start = pos;
    if (pos >= sql.length()) {
      return new Token(Token.Kind.EOF, "", start, start);
    }
    char c = sql.charAt(pos);
    if ((c == 'E' || c == 'e') && pos + 1 < sql.length() && sql.charAt(pos + 1) == '\'') {
      pos++;
      return string(start, true);
    }
    if (c == '\'') {
      return string(start, false);
    }
    if (c == '"') {
      StringBuilder b = new StringBuilder();
      pos++;
      while (true) {
        if (pos >= sql.length()) {
          throw new SqlError(SqlError.SYNTAX_ERROR, "unterminated quoted identifier at or near \"" + sql.substring(start) + "\"");
        }
        char d = sql.charAt(pos++);
        if (d == '"') {
          if (pos < sql.length() && sql.charAt(pos) == '"') {
            b.append('"');
            pos++;
          } else {
            break;
          }
        } else {
          b.append(d);
        }
      }
      return new Token(Token.Kind.QUOTED_IDENT, b.toString(), start, pos);
    }
    if (c == '$') {
      int p = pos + 1;
      while (p < sql.length() && Character.isDigit(sql.charAt(p))) {
        p++;
      }
      if (p > pos + 1) {
        pos = p;
        return new Token(Token.Kind.PARAM, sql.substring(start + 1, p), start, p);
      }
      int q = pos + 1;
      while (q < sql.length() && (Character.isLetterOrDigit(sql.charAt(q)) || sql.charAt(q) == '_')) {
        q++;
      }
      if (q < sql.length() && sql.charAt(q) == '$') {
        String tag = sql.substring(pos, q + 1);
        int close = sql.indexOf(tag, q + 1);
        if (close < 0) {
          throw new SqlError(SqlError.SYNTAX_ERROR, "unterminated dollar-quoted string at or near \"" + tag + "\"");
        }
        pos = close + tag.length();
        return new Token(Token.Kind.STRING, sql.substring(q + 1, close), start, pos);
      }
    }
    if (Character.isLetter(c) || c == '_') {
      while (pos < sql.length() && (Character.isLetterOrDigit(sql.charAt(pos)) || sql.charAt(pos) == '_' || sql.charAt(pos) == '$')) {
        pos++;
      }
      return new Token(Token.Kind.WORD, sql.substring(start, pos).toLowerCase(Locale.ROOT), start, pos);
    }
    if (Character.isDigit(c) || (c == '.' && pos + 1 < sql.length() && Character.isDigit(sql.charAt(pos + 1)))) {
      while (pos < sql.length() && (Character.isDigit(sql.charAt(pos)) || sql.charAt(pos) == '.')) {
        pos++;
      }
      if (pos < sql.length() && (sql.charAt(pos) == 'e' || sql.charAt(pos) == 'E')) {
        int p = pos + 1;
        if (p < sql.length() && (sql.charAt(p) == '+' || sql.charAt(p) == '-')) {
          p++;
        }
        if (p < sql.length() && Character.isDigit(sql.charAt(p))) {
          pos = p;
          while (pos < sql.length() && Character.isDigit(sql.charAt(pos))) {
            pos++;
          }
        }
      }
      return new Token(Token.Kind.NUMBER, sql.substring(start, pos), start, pos);
    }
    for (String op : new String[] {"::", "<=", ">=", "<>", "!=", "||", "->>", "->"}) {
      if (sql.startsWith(op, pos)) {
        pos += op.length();
        return new Token(Token.Kind.SYMBOL, op, start, pos);
      }
    }
    pos++;
    return new Token(Token.Kind.SYMBOL, String.valueOf(c), start, pos);
  }

  private Token string(int start, boolean escapes) {
    StringBuilder b = new StringBuilder();
    pos++;
    while (true) {
      if (pos >= sql.length()) {
        throw new SqlError(SqlError.SYNTAX_ERROR, "unterminated quoted string at or near \"" + sql.substring(start) + "\"");
      }
      char d = sql.charAt(pos++);
      if (d == '\'') {
        if (pos < sql.length() && sql.charAt(pos) == '\'') {
          b.append('\'');
          pos++;
        } else {
          break;
        }
      } else if (escapes && d == '\\' && pos < sql.length()) {
        char e = sql.charAt(pos++);
        switch (e) {
          case 'n' -> b.append('\n');
          case 't' -> b.append('\t');
          case 'r' -> b.append('\r');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          default -> b.append(e);
        }
      } else {
        b.append(d);
      }
    }
    return new Token(Token.Kind.STRING, b.toString(), start, pos);
  }

  private void skipSpaceAndComments() {
    while (pos < sql.length()) {
      char c = sql.charAt(pos);
      if (Character.isWhitespace(c)) {
        pos++;
      } else if (c == '-' && sql.startsWith("--", pos)) {
        int nl = sql.indexOf('\n', pos);
        pos = nl < 0 ? sql.length() : nl + 1;
      } else if (c == '/' && sql.startsWith("/*", pos)) {
        int depth = 0;
        do {
          if (sql.startsWith("/*", pos)) {
            depth++;
            pos += 2;
          } else if (sql.startsWith("*/", pos)) {
            depth--;
            pos += 2;
          } else {
            pos++;
          }
        } while (depth > 0 && pos < sql.length());
      } else {
        return;
      }
    }
  }

  /** Splits a script into statements on top-level semicolons (quotes and comments respected). */
  public static List<String> splitStatements(String sql) {
    List<String> out = new ArrayList<>();
    int from = 0;
    int depth = 0;
    for (Token t : tokenize(sql)) {
      if (t.kind() == Token.Kind.SYMBOL && (t.text().equals("(") || t.text().equals("{") || t.text().equals("["))) {
        depth++;
      } else if (t.kind() == Token.Kind.SYMBOL && (t.text().equals(")") || t.text().equals("}") || t.text().equals("]"))) {
        depth--;
      }
      if ((t.isSymbol(";") && depth <= 0) || t.kind() == Token.Kind.EOF) {
        String stmt = sql.substring(from, t.start()).trim();
        if (!stmt.isEmpty()) {
          out.add(stmt);
        }
        from = t.end();
      }
    }
    return out;
  }

  /**
   * Rewrites PostgreSQL {@code $n} placeholders to JDBC {@code ?} and returns, per {@code ?} in
   * order, the 0-based index of the client parameter it stands for.
   */
  public static Rewritten rewriteParams(String sql) {
    List<Token> tokens = tokenize(sql);
    StringBuilder b = new StringBuilder();
    List<Integer> order = new ArrayList<>();
    int last = 0;
    boolean any = false;
    for (Token t : tokens) {
      if (t.kind() == Token.Kind.PARAM) {
        any = true;
        b.append(sql, last, t.start()).append('?');
        order.add(Integer.parseInt(t.text()) - 1);
        last = t.end();
      } else if (t.isSymbol("?")) {
        order.add(order.size());
      }
    }
    if (!any) {
      return new Rewritten(sql, order);
    }
    b.append(sql.substring(last));
    return new Rewritten(b.toString(), order);
  }

  /** SQL with ? placeholders and, per placeholder, the client parameter index it reads. */
  public record Rewritten(String sql, List<Integer> paramOrder) {}
}
