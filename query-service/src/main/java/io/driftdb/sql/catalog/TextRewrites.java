package io.driftdb.sql.catalog;

import io.driftdb.sql.text.SqlLexer;
import io.driftdb.sql.text.Token;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Rewrites, on the token stream, the PostgreSQL spellings that Calcite's grammar cannot parse
 * at all. Each pass re-tokenizes, so string literals and comments are never touched.
 *
 * <ul>
 *   <li>{@code E'a\nb'} → a standard literal holding the unescaped text (Calcite reads E'' as
 *       UTF-16 text that does not mix with ordinary strings)</li>
 *   <li>{@code OPERATOR(pg_catalog.~)} → {@code ~}</li>
 *   <li>{@code COLLATE name} → nothing (text compares by code point anyway)</li>
 *   <li>{@code a ~ b}, {@code a ~* b}, {@code a !~ b}, {@code a !~* b} → {@code [NOT] RLIKE}
 *       (Java regular expressions; {@code (?i)} for the case-insensitive forms)</li>
 *   <li>{@code a & b}, {@code a | b} → {@code BITAND(a, b)}, {@code BITOR(a, b)}</li>
 *   <li>{@code ::type[]} → {@code ::type ARRAY}</li>
 *   <li>{@code FROM generate_series(...) s} → {@code FROM TABLE(generate_series(...)) s(s)};
 *       {@code FROM pg_catalog.unnest(a) x} → {@code FROM UNNEST(a) x(x)}</li>
 *   <li>words Calcite reserves and PostgreSQL does not are quoted: {@code result} and
 *       {@code member} anywhere, any Calcite key word after {@code .} or {@code AS}
 *       ({@code tmp.CARDINALITY}), except in CAST and {@code AS OF}</li>
 * </ul>
 */
final class TextRewrites {
  /** Words that end an operand of a binary operator. */
  private static final Set<String> KEYWORDS = Set.of("select", "from", "where", "and", "or", "not", "when", "then",
      "else", "end", "case", "on", "as", "in", "is", "like", "ilike", "between", "group", "order", "by", "having",
      "limit", "offset", "union", "except", "intersect", "join", "left", "right", "inner", "outer", "full", "cross",
      "using", "asc", "desc", "nulls", "distinct", "all", "any", "some", "exists", "with", "values", "set", "into",
      "returning", "escape", "similar", "rlike", "collate", "for", "window", "over", "partition", "fetch", "only",
      "lateral", "natural", "true", "false", "null");
  private static final Set<String> SET_RETURNING = Set.of("generate_series", "unnest");
  /** Words PostgreSQL does not reserve but Calcite does, quoted wherever they appear. */
  private static final Set<String> CALCITE_ONLY_RESERVED = Set.of("result", "member");
  private static final org.apache.calcite.sql.parser.SqlAbstractParserImpl.Metadata CALCITE =
      io.driftdb.sql.parser.DriftSqlParserImpl.FACTORY.getParser(new java.io.StringReader("")).getMetadata();

  private TextRewrites() {}

  static String apply(String sql) {
    // Each pass runs only when its trigger appears in the text: most statements need none.
    String lower = sql.toLowerCase(Locale.ROOT);
    String s = sql;
    if (lower.contains("e'")) {
      s = escapeStrings(s);
    }
    if (lower.contains("operator")) {
      s = operatorSyntax(s);
    }
    if (lower.contains("collate")) {
      s = collate(s);
    }
    if (lower.indexOf('~') >= 0) {
      s = regexMatch(s);
    }
    if (lower.indexOf('&') >= 0) {
      s = bitwise(s, "&", "BITAND");
    }
    if (lower.replace("||", "").indexOf('|') >= 0) {
      s = bitwise(s, "|", "BITOR");
    }
    if (lower.contains("[]")) {
      s = arrayTypes(s);
    }
    if (lower.contains("generate_series") || lower.contains("unnest")) {
      s = tableFunctions(s);
    }
    if (lower.indexOf('.') >= 0 || lower.contains(" as ") || lower.contains("result") || lower.contains("member")) {
      s = reservedWords(s);
    }
    return s;
  }

  private static String escapeStrings(String sql) {
    List<Token> t = SqlLexer.tokenize(sql);
    StringBuilder b = new StringBuilder();
    int last = 0;
    for (Token k : t) {
      char first = k.kind() == Token.Kind.STRING ? sql.charAt(k.start()) : ' ';
      if (first == 'e' || first == 'E') {
        b.append(sql, last, k.start()).append('\'').append(k.text().replace("'", "''")).append('\'');
        last = k.end();
      }
    }
    return b.append(sql.substring(last)).toString();
  }

  private static String operatorSyntax(String sql) {
    List<Token> t = SqlLexer.tokenize(sql);
    StringBuilder b = new StringBuilder();
    int last = 0;
    for (int i = 0; i < t.size(); i++) {
      if (t.get(i).is("operator") && i + 1 < t.size() && t.get(i + 1).isSymbol("(")) {
        int j = i + 2;
        StringBuilder op = new StringBuilder();
        while (j < t.size() && !t.get(j).isSymbol(")") && t.get(j).kind() != Token.Kind.EOF) {
          if (t.get(j).kind() == Token.Kind.SYMBOL && !t.get(j).isSymbol(".")) {
            op.append(t.get(j).text());
          }
          j++;
        }
        if (j < t.size() && t.get(j).isSymbol(")") && op.length() > 0) {
          b.append(sql, last, t.get(i).start()).append(' ').append(op).append(' ');
          last = t.get(j).end();
          i = j;
        }
      }
    }
    return b.append(sql.substring(last)).toString();
  }

  private static String collate(String sql) {
    List<Token> t = SqlLexer.tokenize(sql);
    StringBuilder b = new StringBuilder();
    int last = 0;
    for (int i = 0; i < t.size(); i++) {
      if (t.get(i).is("collate") && i + 1 < t.size() && t.get(i + 1).isIdentifier()) {
        int j = i + 1;
        while (j + 2 < t.size() && t.get(j + 1).isSymbol(".") && t.get(j + 2).isIdentifier()) {
          j += 2;
        }
        b.append(sql, last, t.get(i).start()).append(' ');
        last = t.get(j).end();
        i = j;
      }
    }
    return b.append(sql.substring(last)).toString();
  }

  /** Does token {@code i} end an operand (so that a following operator is binary)? */
  private static boolean endsOperand(List<Token> t, int i) {
    if (i < 0) {
      return false;
    }
    Token p = t.get(i);
    return switch (p.kind()) {
      case WORD -> !KEYWORDS.contains(p.text());
      case QUOTED_IDENT, STRING, NUMBER, PARAM -> true;
      case SYMBOL -> p.isSymbol(")") || p.isSymbol("]") || p.isSymbol("?");
      default -> false;
    };
  }

  private static boolean adjacent(List<Token> t, int i) {
    return i + 1 < t.size() && t.get(i + 1).start() == t.get(i).end();
  }

  private static String regexMatch(String sql) {
    List<Token> t = SqlLexer.tokenize(sql);
    StringBuilder b = new StringBuilder();
    int last = 0;
    for (int i = 0; i < t.size(); i++) {
      boolean not = t.get(i).isSymbol("!") && adjacent(t, i) && t.get(i + 1).isSymbol("~");
      if (!(t.get(i).isSymbol("~") || not) || !endsOperand(t, i - 1)) {
        continue;
      }
      int tilde = not ? i + 1 : i;
      boolean insensitive = adjacent(t, tilde) && t.get(tilde + 1).isSymbol("*");
      int end = insensitive ? tilde + 1 : tilde;
      b.append(sql, last, t.get(i).start()).append(not ? " NOT RLIKE " : " RLIKE ")
          .append(insensitive ? "'(?i)' || " : "");
      last = t.get(end).end();
      i = end;
    }
    return b.append(sql.substring(last)).toString();
  }

  private static String bitwise(String sql, String symbol, String function) {
    List<Token> t = SqlLexer.tokenize(sql);
    for (int i = 1; i < t.size(); i++) {
      if (t.get(i).isSymbol(symbol) && endsOperand(t, i - 1)) {
        int from = operandStart(t, i - 1);
        int to = operandEnd(t, i + 1);
        if (from < 0 || to < 0) {
          return sql;
        }
        String rewritten = sql.substring(0, t.get(from).start()) + function + "("
            + sql.substring(t.get(from).start(), t.get(i).start()) + ", "
            + sql.substring(t.get(i).end(), t.get(to).end()) + ")" + sql.substring(t.get(to).end());
        return bitwise(rewritten, symbol, function);
      }
    }
    return sql;
  }

  /** First token of the operand that ends at token {@code i}, or -1. */
  private static int operandStart(List<Token> t, int i) {
    int depth = 0;
    int j = i;
    for (; j >= 0; j--) {
      Token k = t.get(j);
      if (k.isSymbol(")") || k.isSymbol("]")) {
        depth++;
      } else if (k.isSymbol("(") || k.isSymbol("[")) {
        if (depth == 0) {
          break;
        }
        depth--;
      } else if (depth == 0 && !partOfOperand(k)) {
        break;
      }
    }
    return j + 1 <= i ? j + 1 : -1;
  }

  /** Last token of the operand that starts at token {@code i}, or -1. */
  private static int operandEnd(List<Token> t, int i) {
    int depth = 0;
    int j = i;
    for (; j < t.size(); j++) {
      Token k = t.get(j);
      if (k.kind() == Token.Kind.EOF) {
        break;
      }
      if (k.isSymbol("(") || k.isSymbol("[")) {
        depth++;
      } else if (k.isSymbol(")") || k.isSymbol("]")) {
        if (depth == 0) {
          break;
        }
        depth--;
      } else if (depth == 0 && !partOfOperand(k)) {
        break;
      }
    }
    return j - 1 >= i ? j - 1 : -1;
  }

  /** Tokens that bind tighter than PostgreSQL's bitwise operators. */
  private static boolean partOfOperand(Token k) {
    return switch (k.kind()) {
      case WORD -> !KEYWORDS.contains(k.text());
      case QUOTED_IDENT, STRING, NUMBER, PARAM -> true;
      case SYMBOL -> Set.of(".", "::", "+", "-", "*", "/", "%", "?").contains(k.text());
      default -> false;
    };
  }

  private static String arrayTypes(String sql) {
    List<Token> t = SqlLexer.tokenize(sql);
    StringBuilder b = new StringBuilder();
    int last = 0;
    for (int i = 0; i < t.size(); i++) {
      if (!t.get(i).isSymbol("::")) {
        continue;
      }
      int j = i + 1;
      while (j < t.size() && (t.get(j).isIdentifier() || t.get(j).isSymbol("."))) {
        j++;
      }
      if (j < t.size() && t.get(j).isSymbol("(")) {
        while (j < t.size() && !t.get(j).isSymbol(")") && t.get(j).kind() != Token.Kind.EOF) {
          j++;
        }
        j++;
      }
      while (j + 1 < t.size() && t.get(j).isSymbol("[") && t.get(j + 1).isSymbol("]")) {
        b.append(sql, last, t.get(j).start()).append(" ARRAY");
        last = t.get(j + 1).end();
        j += 2;
      }
      i = j - 1;
    }
    return b.append(sql.substring(last)).toString();
  }

  /**
   * Set-returning functions in FROM become Calcite table functions; a bare alias also names the
   * single column, as PostgreSQL does for a function returning a scalar.
   */
  private static String tableFunctions(String sql) {
    List<Token> t = SqlLexer.tokenize(sql);
    StringBuilder b = new StringBuilder();
    int last = 0;
    for (int i = 1; i < t.size(); i++) {
      if (t.get(i).kind() != Token.Kind.WORD || !SET_RETURNING.contains(t.get(i).text()) || i + 1 >= t.size()
          || !t.get(i + 1).isSymbol("(")) {
        continue;
      }
      int start = i;
      if (i >= 2 && t.get(i - 1).isSymbol(".") && t.get(i - 2).is("pg_catalog")) {
        start = i - 2;
      }
      if (start < 1 || !inFromList(t, start - 1)) {
        continue;
      }
      int close = matching(t, i + 1);
      if (close < 0) {
        return sql;
      }
      if (t.get(i).is("unnest")) {
        // UNNEST is Calcite syntax already; only the schema prefix has to go.
        b.append(sql, last, t.get(start).start()).append(sql, t.get(i).start(), t.get(close).end());
      } else {
        b.append(sql, last, t.get(start).start()).append("TABLE(")
            .append(sql, t.get(start).start(), t.get(close).end()).append(')');
      }
      last = t.get(close).end();
      int a = close + 1;
      if (a < t.size() && t.get(a).is("as")) {
        a++;
      }
      if (a < t.size() && t.get(a).isIdentifier() && !KEYWORDS.contains(t.get(a).text())
          && !(a + 1 < t.size() && t.get(a + 1).isSymbol("("))) {
        b.append(sql, last, t.get(a).end()).append('(').append(sql, t.get(a).start(), t.get(a).end()).append(')');
        last = t.get(a).end();
      }
      i = close;
    }
    return b.append(sql.substring(last)).toString();
  }

  /** Is token {@code i} (FROM, JOIN or a comma) followed by a FROM-list item? */
  private static boolean inFromList(List<Token> t, int i) {
    Token p = t.get(i);
    if (p.is("from") || p.is("join")) {
      return true;
    }
    if (!p.isSymbol(",")) {
      return false;
    }
    int depth = 0;
    for (int j = i - 1; j >= 0; j--) {
      Token k = t.get(j);
      if (k.isSymbol(")")) {
        depth++;
      } else if (k.isSymbol("(")) {
        if (depth == 0) {
          return false;
        }
        depth--;
      } else if (depth == 0 && (k.is("from"))) {
        return true;
      } else if (depth == 0 && (k.is("select") || k.is("where") || k.is("group") || k.is("order"))) {
        return false;
      }
    }
    return false;
  }

  /** Is token {@code i} inside the parentheses of a CAST (where AS is followed by a type)? */
  private static boolean insideCast(List<Token> t, int i) {
    int depth = 0;
    for (int j = i - 1; j >= 0; j--) {
      if (t.get(j).isSymbol(")")) {
        depth++;
      } else if (t.get(j).isSymbol("(")) {
        if (depth == 0) {
          return j > 0 && t.get(j - 1).is("cast");
        }
        depth--;
      }
    }
    return false;
  }

  private static int matching(List<Token> t, int open) {
    int depth = 0;
    for (int j = open; j < t.size(); j++) {
      if (t.get(j).isSymbol("(")) {
        depth++;
      } else if (t.get(j).isSymbol(")") && --depth == 0) {
        return j;
      }
    }
    return -1;
  }

  /**
   * Quotes words Calcite reserves where PostgreSQL reads them as names: the fixed list anywhere,
   * any Calcite key word in a qualified name ({@code tmp.cardinality}, {@code result.x}) or
   * after AS.
   */
  private static String reservedWords(String sql) {
    List<Token> t = SqlLexer.tokenize(sql);
    StringBuilder b = new StringBuilder();
    int last = 0;
    for (int i = 0; i < t.size(); i++) {
      Token k = t.get(i);
      if (k.kind() != Token.Kind.WORD) {
        continue;
      }
      boolean call = i + 1 < t.size() && t.get(i + 1).isSymbol("(");
      boolean qualified = i > 0 && t.get(i - 1).isSymbol(".") && !call
          || i + 2 < t.size() && t.get(i + 1).isSymbol(".") && t.get(i + 2).isIdentifier()
          || i > 0 && t.get(i - 1).is("as") && !call && !k.is("of") && !insideCast(t, i);
      if (CALCITE_ONLY_RESERVED.contains(k.text()) || qualified && !Definitions.isPgReserved(k.text())
          && CALCITE.isReservedWord(k.text().toUpperCase(Locale.ROOT))) {
        b.append(sql, last, k.start()).append('"').append(k.text()).append('"');
        last = k.end();
      }
    }
    return b.append(sql.substring(last)).toString();
  }
}
