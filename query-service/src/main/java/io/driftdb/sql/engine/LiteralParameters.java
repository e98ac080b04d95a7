package io.driftdb.sql.engine;

import io.driftdb.sql.SqlError;
import io.driftdb.sql.text.SqlLexer;
import io.driftdb.sql.text.Token;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.calcite.rel.type.RelDataType;

/**
 * Lets statements that differ only in their literals share one plan. Clients in simple-query
 * mode (psql, psycopg2, pgbench {@code -M simple}) send every statement with its values spelled
 * out: {@code SELECT ... WHERE id = 17}, then {@code ... WHERE id = 42}. Each text is new, and
 * planning one (Calcite validation, Volcano, Janino) costs tens of milliseconds. Here such a
 * SELECT becomes its <em>shape</em>, the same text with {@code $1, $2, ...} in place of the
 * literals, which is planned once like a prepared statement and executed with the literals'
 * values bound to the parameters.
 *
 * <p>Only literals whose meaning cannot change are replaced, so the result is always what the
 * literal statement would return:
 *
 * <ul>
 *   <li>only in SELECT statements, only after the first {@code WHERE}, and only as the whole
 *       right-hand operand of a comparison ({@code =, <>, !=, <, >, <=, >=}) whose left-hand
 *       side is not itself a literal or parameter, followed by {@code AND}, {@code OR},
 *       {@code )}, a clause keyword or the end. Never in the select list, {@code LIMIT},
 *       {@code OFFSET}, {@code FETCH}, type names ({@code VARCHAR(20)}), {@code INTERVAL} or
 *       {@code DATE}/{@code TIMESTAMP} literals, casts ({@code 5::bigint}), arithmetic,
 *       function arguments or temporal clauses ({@code FOR SYSTEM_TIME AS OF @SEQ:5}, which
 *       come before {@code WHERE} and are not comparison operands anyway);</li>
 *   <li>only integers (optionally signed) and plain {@code '...'} strings (no {@code E''},
 *       dollar quotes or {@code '{...}'} array text);</li>
 *   <li>not in statements that the catalog rewrites may change ({@code pg_*}, {@code ::},
 *       regular-expression operators);</li>
 *   <li>and each execution checks the parameter types Calcite inferred for the shape: an integer
 *       binds only to an integer type that holds its value, a string only to VARCHAR/TEXT (not
 *       to CHAR(n), whose comparison with a literal pads differently).
 *       Anything else ({@code int_col = 5000000000}, {@code int_col = 'x'}, a DATE compared
 *       with a string) runs as the literal statement.</li>
 * </ul>
 *
 * <p>{@code INSERT INTO t [(cols)] VALUES (...), ...} gets a shape too ({@link #ofInsert}): its
 * VALUES cells that are integer, decimal or plain string literals become parameters. An INSERT
 * runs its VALUES through the engine's insert template, which converts a parameter's value
 * exactly as it converts the literal's (a {@link Long} or {@link java.math.BigDecimal}, a
 * {@link String}), so the shape's template gives the same rows.
 *
 * <p>EXPLAIN is never rewritten: it shows the plan of the statement as written.
 */
final class LiteralParameters {
  private static final Set<String> COMPARISONS = Set.of("=", "<>", "!=", "<", ">", "<=", ">=");
  /** Words that may follow a complete comparison operand. */
  private static final Set<String> FOLLOWERS = Set.of("and", "or", "order", "group", "having", "limit", "offset",
      "fetch", "union", "except", "intersect", "window");

  /** Key words that cannot end an operand (or whose type is not a column's). */
  private static final Set<String> NOT_OPERANDS = Set.of("where", "and", "or", "not", "null", "true", "false",
      "unknown", "select", "case", "when", "then", "else", "in", "is", "like", "between", "exists", "any", "all",
      "some", "on", "having");

  private LiteralParameters() {}

  /** The literal replaced by {@code $n}: an integer (a {@link BigInteger}) or a string. */
  record Literal(Object value) {}

  /** The statement with {@code $1..$n} for its literals, and the literals in order. */
  record Shape(String sql, List<Literal> literals) {

    /**
     * The literals as parameter values for a plan whose parameters Calcite typed
     * {@code types}, or null when one of them would not mean the same as the literal.
     */
    Object[] bind(List<RelDataType> types) {
      if (types.size() != literals.size()) {
        return null;
      }
      Object[] out = new Object[literals.size()];
      for (int i = 0; i < out.length; i++) {
        Object v = literals.get(i).value();
        RelDataType t = types.get(i);
        if (t == null) {
          return null;
        }
        Object bound = switch (t.getSqlTypeName()) {
          case TINYINT -> v instanceof BigInteger b ? fits(b, Byte.MIN_VALUE, Byte.MAX_VALUE) : null;
          case SMALLINT -> v instanceof BigInteger b ? fits(b, Short.MIN_VALUE, Short.MAX_VALUE) : null;
          case INTEGER -> v instanceof BigInteger b ? fits(b, Integer.MIN_VALUE, Integer.MAX_VALUE) : null;
          case BIGINT -> v instanceof BigInteger b ? fits(b, Long.MIN_VALUE, Long.MAX_VALUE) : null;
          // Not CHAR(n): a CHAR(n) column compared with a literal pads differently than with a parameter.
          case VARCHAR -> v instanceof String s ? s : null;
          default -> null;
        };
        if (bound == null) {
          return null;
        }
        out[i] = bound;
      }
      return out;
    }

    /** The literals' values, for an INSERT template. */
    List<Object> values() {
      List<Object> out = new ArrayList<>(literals.size());
      for (Literal l : literals) {
        out.add(l.value());
      }
      return out;
    }

    private static Object fits(BigInteger b, long min, long max) {
      return b.bitLength() < 64 && b.longValue() >= min && b.longValue() <= max ? (Object) b.longValue() : null;
    }
  }

  /** The shape of {@code sql}, or null when it has no literal that may be replaced. */
  static Shape of(String sql) {
    if (!mayStartWith(sql, "select")) {
      return null;
    }
    String lower = sql.toLowerCase(Locale.ROOT);
    if (lower.contains("pg_") || lower.contains("::") || lower.indexOf('~') >= 0) {
      return null;
    }
    List<Token> t;
    try {
      t = SqlLexer.tokenize(sql);
    } catch (SqlError e) {
      return null; // let the ordinary path report it
    }
    if (t.isEmpty() || !t.get(0).is("select")) {
      return null;
    }
    for (Token k : t) {
      if (k.kind() == Token.Kind.PARAM || k.isSymbol("?")) {
        return null; // already parameterized
      }
    }
    ShapeBuilder shape = new ShapeBuilder(sql);
    boolean afterWhere = false;
    for (int i = 1; i < t.size() - 1; i++) {
      Token k = t.get(i);
      if (k.is("where")) {
        afterWhere = true;
        continue;
      }
      if (!afterWhere || (k.kind() != Token.Kind.NUMBER && k.kind() != Token.Kind.STRING)) {
        continue;
      }
      int first = i; // first token of the literal (its sign, if any)
      boolean negative = false;
      if (t.get(i - 1).isSymbol("-") || t.get(i - 1).isSymbol("+")) {
        negative = t.get(i - 1).isSymbol("-");
        first = i - 1;
      }
      if (first < 2 || !isComparison(t.get(first - 1)) || !endsLeftOperand(t.get(first - 2))
          || !endsOperand(t.get(i + 1))) {
        continue;
      }
      Literal lit = literal(sql, k, negative, first != i);
      if (lit == null) {
        continue;
      }
      shape.replace(t.get(first).start(), k.end(), lit);
    }
    return shape.build();
  }

  /**
   * The shape of {@code INSERT INTO name [(columns)] VALUES (row), ...} with the cells of its
   * rows that are integer, decimal or plain string literals (signed numbers included) replaced
   * by parameters, holding {@link Long}, {@link java.math.BigDecimal} or {@link String} values;
   * null for any other statement (RETURNING, ON CONFLICT, INSERT ... SELECT, parameters).
   */
  static Shape ofInsert(String sql) {
    if (!mayStartWith(sql, "insert")) {
      return null;
    }
    List<Token> t;
    try {
      t = SqlLexer.tokenize(sql);
    } catch (SqlError e) {
      return null;
    }
    if (t.size() < 4 || !t.get(0).is("insert") || !t.get(1).is("into")) {
      return null;
    }
    int values = -1;
    int depth = 0;
    for (int i = 2; i < t.size(); i++) {
      Token k = t.get(i);
      if (k.kind() == Token.Kind.PARAM || k.isSymbol("?") || k.is("select") || k.is("returning")
          || k.is("conflict") || k.is("with")) {
        return null;
      }
      if (k.isSymbol("(")) {
        depth++;
      } else if (k.isSymbol(")")) {
        depth--;
      } else if (depth == 0 && k.is("values") && values < 0) {
        values = i;
      }
    }
    if (values < 0) {
      return null;
    }
    ShapeBuilder shape = new ShapeBuilder(sql);
    depth = 0;
    for (int i = values + 1; i < t.size() - 1; i++) {
      Token k = t.get(i);
      if (k.isSymbol("(")) {
        depth++;
        continue;
      }
      if (k.isSymbol(")")) {
        depth--;
        continue;
      }
      if (depth != 1 || (k.kind() != Token.Kind.NUMBER && k.kind() != Token.Kind.STRING)) {
        continue;
      }
      int first = i;
      boolean negative = false;
      if (t.get(i - 1).isSymbol("-") || t.get(i - 1).isSymbol("+")) {
        negative = t.get(i - 1).isSymbol("-");
        first = i - 1;
      }
      Token before = t.get(first - 1);
      Token after = t.get(i + 1);
      if (!(before.isSymbol("(") || before.isSymbol(",")) || !(after.isSymbol(",") || after.isSymbol(")"))) {
        continue; // part of an expression or a call, not a whole cell
      }
      Literal lit = insertLiteral(sql, k, negative, first != i);
      if (lit == null) {
        continue;
      }
      shape.replace(t.get(first).start(), k.end(), lit);
    }
    return shape.build();
  }

  /** A VALUES cell's value as the insert path reads the literal: Long, BigDecimal or String. */
  private static Literal insertLiteral(String sql, Token k, boolean negative, boolean signed) {
    if (k.kind() == Token.Kind.NUMBER) {
      String text = k.text();
      if (text.indexOf('e') >= 0 || text.indexOf('E') >= 0 || text.startsWith(".") || text.endsWith(".")
          || text.indexOf('.') != text.lastIndexOf('.')) {
        return null; // approximate (1e3) or odd spellings keep their literal reading
      }
      java.math.BigDecimal d = new java.math.BigDecimal(text);
      if (negative) {
        d = d.negate();
      }
      if (d.scale() <= 0) {
        try {
          return new Literal(d.longValueExact());
        } catch (ArithmeticException e) {
          return new Literal(d);
        }
      }
      return new Literal(d);
    }
    return literal(sql, k, negative, signed);
  }

  private static Literal literal(String sql, Token k, boolean negative, boolean signed) {
    if (k.kind() == Token.Kind.NUMBER) {
      String digits = k.text();
      for (int j = 0; j < digits.length(); j++) {
        if (!Character.isDigit(digits.charAt(j))) {
          return null; // decimals and exponents keep their literal types
        }
      }
      BigInteger v = new BigInteger(digits);
      return new Literal(negative ? v.negate() : v);
    }
    if (signed || sql.charAt(k.start()) != '\'' || k.text().startsWith("{")) {
      return null; // -'x', E'..', $$..$$ and '{...}' (array text the catalog rewrites read) stay
    }
    return new Literal(k.text());
  }

  /** False when the text certainly does not start with {@code word} (checked before tokenizing). */
  private static boolean mayStartWith(String sql, String word) {
    int i = 0;
    while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
      i++;
    }
    if (i < sql.length() && (sql.charAt(i) == '-' || sql.charAt(i) == '/')) {
      return true; // a comment first: let the lexer decide
    }
    return sql.regionMatches(true, i, word, 0, word.length())
        && (i + word.length() == sql.length() || !Character.isLetterOrDigit(sql.charAt(i + word.length())));
  }

  private static boolean isComparison(Token k) {
    return k.kind() == Token.Kind.SYMBOL && COMPARISONS.contains(k.text());
  }

  /**
   * Whether {@code k} can end the left-hand side of a comparison that types a parameter on the
   * right: a column, a call or a parenthesized expression. Not a literal or parameter (nothing
   * to infer a type from) nor a key word.
   */
  private static boolean endsLeftOperand(Token k) {
    if (k.kind() == Token.Kind.QUOTED_IDENT) {
      return true;
    }
    if (k.kind() == Token.Kind.WORD) {
      return !NOT_OPERANDS.contains(k.text());
    }
    return k.isSymbol(")") || k.isSymbol("]");
  }

  private static boolean endsOperand(Token k) {
    return k.kind() == Token.Kind.EOF || k.isSymbol(")") || k.isSymbol(";") || k.isSymbol(",")
        || k.kind() == Token.Kind.WORD && FOLLOWERS.contains(k.text());
  }

  /** Copies a statement's text, putting $1, $2, ... in place of the literals replaced. */
  private static final class ShapeBuilder {
    private final String sql;
    private final List<Literal> literals = new ArrayList<>(4);
    /** Allocated at the first literal: most statements checked have none. */
    private StringBuilder out;
    private int copied;

    ShapeBuilder(String sql) {
      this.sql = sql;
    }

    void replace(int start, int end, Literal lit) {
      if (out == null) {
        out = new StringBuilder(sql.length());
      }
      literals.add(lit);
      out.append(sql, copied, start).append('$').append(literals.size());
      copied = end;
    }

    /** The shape, or null when no literal was replaced. */
    Shape build() {
      if (out == null) {
        return null;
      }
      out.append(sql, copied, sql.length());
      return new Shape(out.toString(), List.copyOf(literals));
    }
  }
}
