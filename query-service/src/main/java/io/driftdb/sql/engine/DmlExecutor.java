package io.driftdb.sql.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftdb.materializer.ColumnInfo;
import io.driftdb.materializer.ColumnType;
import io.driftdb.materializer.RowKey;
import io.driftdb.materializer.TableData;
import io.driftdb.materializer.TableSchema;
import io.driftdb.schemas.ColumnDef;
import io.driftdb.schemas.DdlKind;
import io.driftdb.schemas.Schemas;
import io.driftdb.sql.Column;
import io.driftdb.sql.QueryResult;
import io.driftdb.sql.SqlError;
import io.driftdb.sql.exec.Values;
import io.driftdb.sql.plan.CompiledQuery;
import io.driftdb.sql.plan.TypeMapping;
import io.driftdb.sql.text.SqlLexer;
import io.driftdb.sql.text.Token;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlDelete;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlUpdate;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.TimestampString;

/**
 * INSERT, UPDATE, DELETE, DriftDB's document insert and COPY FROM. Calcite plans what rows a
 * statement touches (the UPDATE/DELETE WHERE as a query, INSERT ... SELECT's source); this
 * class turns them into row images, enforces keys and NOT NULL, and buffers the writes.
 */
final class DmlExecutor {
  private static final Object DEFAULT = new Object();

  /** A VALUES cell that reads the i-th (already ordered) statement parameter. */
  private record ParamRef(int index) {}

  /**
   * An INSERT ... VALUES of literals and parameters, kept by statement text so that repeated
   * executions (prepared INSERTs, pgbench) skip lexing and parsing. It names the table and
   * columns, so it stays valid across schema changes: they are resolved at each execution.
   */
  record InsertTemplate(String table, List<String> columns, List<Object[]> cells, List<Integer> paramOrder) {}
  private static final Object NOT_LITERAL = new Object();
  /** A template's clauses: no ON CONFLICT, no RETURNING (split once, not per execution). */
  private static final DmlClauses PLAIN_INSERT = DmlClauses.split("INSERT");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DriftEngine engine;
  private final DriftSession session;
  private final ConstraintChecker constraints;

  DmlExecutor(DriftEngine engine, DriftSession session) {
    this.engine = engine;
    this.session = session;
    this.constraints = new ConstraintChecker(engine, session);
  }

  QueryResult run(SqlNode node, DmlClauses clauses, Object[] params, String key) {
    return session.write((seq, out) -> switch (node.getKind()) {
      case INSERT -> insert((SqlInsert) node, clauses, params, seq, out, key);
      case UPDATE -> update((SqlUpdate) node, clauses, params, seq, out, key);
      default -> delete((SqlDelete) node, clauses, params, seq, out, key);
    });
  }

  // ---- common ----

  private TableData table(String name, long seq) {
    return engine.materializer().catalog().resolve(name, seq)
        .orElseThrow(() -> new SqlError(SqlError.UNDEFINED_TABLE, "relation \"" + name + "\" does not exist"));
  }

  private static String tableName(SqlNode target) {
    SqlIdentifier id = (SqlIdentifier) (target instanceof SqlCall c && c.getKind() == SqlKind.AS ? c.operand(0) : target);
    return id.names.get(id.names.size() - 1).toLowerCase();
  }

  private Object[] visible(TableData t, RowKey key, long seq, WriteSet stmt) {
    return session.visibleRow(t, key, seq, stmt);
  }

  private static RowKey keyOf(TableSchema s, Object[] image) {
    Object[] k = new Object[s.primaryKey().size()];
    for (int i = 0; i < k.length; i++) {
      int id = s.primaryKey().get(i);
      k[i] = id < image.length ? image[id] : null;
      if (k[i] == null) {
        throw new SqlError(SqlError.NOT_NULL_VIOLATION, "null value in column \"" + s.columnById(id).name()
            + "\" of relation \"" + s.name() + "\" violates not-null constraint");
      }
    }
    return new RowKey(k);
  }

  private static void checkNotNull(TableSchema s, Object[] image) {
    for (ColumnInfo c : s.columns()) {
      if (!c.nullable() && (c.id() >= image.length || image[c.id()] == null)) {
        throw new SqlError(SqlError.NOT_NULL_VIOLATION, "null value in column \"" + c.name() + "\" of relation \""
            + s.name() + "\" violates not-null constraint");
      }
    }
  }

  private static SqlError duplicate(TableSchema s, RowKey key) {
    return new SqlError(SqlError.UNIQUE_VIOLATION, "duplicate key value violates unique constraint \"" + s.name()
        + "_pkey\" (Key (" + String.join(", ", pkNames(s)) + ")=(" + key + ") already exists.)");
  }

  private static List<String> pkNames(TableSchema s) {
    List<String> out = new ArrayList<>();
    for (int id : s.primaryKey()) {
      out.add(s.columnById(id).name());
    }
    return out;
  }

  /** Stores a new row under its key; a key-less table gets a random hidden row id. */
  private boolean putNew(TableData t, TableSchema s, Object[] image, long seq, WriteSet out, OnConflict conflict,
                         Object[] params, List<Object[]> returned) {
    checkNotNull(s, image);
    RowKey key;
    if (s.hasPrimaryKey()) {
      key = keyOf(s, image);
      if (visible(t, key, seq, out) != null) {
        if (conflict != null && conflict.doNothing()) {
          return false;
        }
        if (conflict != null) {
          return conflictUpdate(t, s, key, image, conflict, seq, out, returned) > 0;
        }
        throw duplicate(s, key);
      }
    } else {
      key = new RowKey(new Object[] {ThreadLocalRandom.current().nextLong(Long.MAX_VALUE)});
    }
    constraints.checkRow(t, s, key, image, seq, out);
    out.put(t.tableId(), key, image, true);
    if (returned != null) {
      returned.add(image);
    }
    return true;
  }

  // ---- INSERT ----

  private QueryResult insert(SqlInsert ins, DmlClauses clauses, Object[] params, long seq, WriteSet out, String key) {
    String name = tableName(ins.getTargetTable());
    TableData t = table(name, seq);
    TableSchema s = t.latestSchema();
    List<ColumnInfo> targets = targetColumns(s, ins.getTargetColumnList());
    OnConflict conflict = clauses.onConflict() == null ? null : OnConflict.parse(clauses.onConflict());
    List<Object[]> cells = literalCells(ins.getSource());
    List<Object[]> rows = cells == null ? null : resolve(cells, params);
    if (rows == null) {
      SqlNode source = ins.getSource();
      castParamsInValues(source, targets);
      CompiledQuery q = engine.plan(key + "\u0000insert-source", () -> engine.planner().compile(source, engine.schema()));
      rows = session.runQuery(q, params, seq);
    }
    return insertRows(t, s, targets, rows, conflict, clauses, seq, out, params);
  }

  private QueryResult insertRows(TableData t, TableSchema s, List<ColumnInfo> targets, List<Object[]> rows,
                                 OnConflict conflict, DmlClauses clauses, long seq, WriteSet out, Object[] params) {
    List<Object[]> returned = clauses.returning() == null ? null : new ArrayList<>();
    int n = 0;
    for (Object[] row : rows) {
      if (row.length > targets.size()) {
        throw new SqlError(SqlError.SYNTAX_ERROR, "INSERT has more expressions than target columns");
      }
      if (row.length < targets.size()) {
        throw new SqlError(SqlError.SYNTAX_ERROR, "INSERT has more target columns than expressions");
      }
      Object[] image = new Object[s.rowWidth()];
      Set<Integer> given = new HashSet<>();
      for (int i = 0; i < row.length; i++) {
        if (row[i] != DEFAULT) {
          image[targets.get(i).id()] = Values.toColumn(row[i], targets.get(i));
          given.add(targets.get(i).id());
        }
      }
      applyDefaults(s, image, given, seq);
      if (putNew(t, s, image, seq, out, conflict, params, returned)) {
        n++;
      }
    }
    return result("INSERT 0 " + n, s, clauses, returned);
  }

  private void applyDefaults(TableSchema s, Object[] image, Set<Integer> given, long seq) {
    for (ColumnInfo c : s.columns()) {
      if (!given.contains(c.id()) && c.defaultExpr() != null) {
        image[c.id()] = Values.toColumn(evalDefault(c.defaultExpr(), seq), c);
      }
    }
  }

  Object evalDefault(String expr, long seq) {
    String sql = "SELECT " + expr;
    CompiledQuery q = engine.plan("default\u0000" + sql,
        () -> engine.planner().compile(engine.planner().parse(sql), engine.schema()));
    List<Object[]> r = session.runQuery(q, new Object[0], seq);
    return r.isEmpty() ? null : r.get(0)[0];
  }

  private static List<ColumnInfo> targetColumns(TableSchema s, SqlNodeList names) {
    if (names == null) {
      return s.columns();
    }
    List<ColumnInfo> out = new ArrayList<>();
    for (SqlNode n : names) {
      String c = ((SqlIdentifier) n).names.get(((SqlIdentifier) n).names.size() - 1);
      ColumnInfo col = s.column(c).orElseThrow(() -> new SqlError(SqlError.UNDEFINED_COLUMN,
          "column \"" + c.toLowerCase() + "\" of relation \"" + s.name() + "\" does not exist"));
      if (out.contains(col)) {
        throw new SqlError(SqlError.DUPLICATE_COLUMN, "column \"" + col.name() + "\" specified more than once");
      }
      out.add(col);
    }
    return out;
  }

  /** The template for {@code ins} when its VALUES hold only literals, parameters and DEFAULT. */
  static InsertTemplate template(SqlInsert ins, List<Integer> paramOrder) {
    List<Object[]> cells = literalCells(ins.getSource());
    if (cells == null) {
      return null;
    }
    List<String> cols = null;
    if (ins.getTargetColumnList() != null) {
      cols = new ArrayList<>();
      for (SqlNode n : ins.getTargetColumnList()) {
        cols.add(((SqlIdentifier) n).names.get(((SqlIdentifier) n).names.size() - 1));
      }
    }
    return new InsertTemplate(tableName(ins.getTargetTable()), cols, cells, paramOrder);
  }

  /** Executes a cached INSERT template with new parameter values. */
  QueryResult runTemplate(InsertTemplate tpl, Object[] params) {
    return session.write((seq, out) -> {
      TableData t = table(tpl.table(), seq);
      TableSchema s = t.latestSchema();
      List<ColumnInfo> targets = new ArrayList<>();
      if (tpl.columns() == null) {
        targets.addAll(s.columns());
      } else {
        for (String c : tpl.columns()) {
          targets.add(s.column(c).orElseThrow(() -> new SqlError(SqlError.UNDEFINED_COLUMN,
              "column \"" + c.toLowerCase() + "\" of relation \"" + s.name() + "\" does not exist")));
        }
      }
      return insertRows(t, s, targets, resolve(tpl.cells(), params), null, PLAIN_INSERT, seq, out, params);
    });
  }

  private static List<Object[]> resolve(List<Object[]> cells, Object[] params) {
    List<Object[]> rows = new ArrayList<>(cells.size());
    for (Object[] c : cells) {
      Object[] r = new Object[c.length];
      for (int i = 0; i < c.length; i++) {
        r[i] = c[i] instanceof ParamRef p ? Values.paramToInternal(params[p.index()]) : c[i];
      }
      rows.add(r);
    }
    return rows;
  }

  /** VALUES made only of literals, parameters and DEFAULT, as cells; else null. */
  private static List<Object[]> literalCells(SqlNode source) {
    Object[] params = null;
    if (source.getKind() != SqlKind.VALUES) {
      return null;
    }
    List<Object[]> rows = new ArrayList<>();
    for (SqlNode rowNode : ((SqlCall) source).getOperandList()) {
      List<SqlNode> cells = rowNode instanceof SqlCall rc && rc.getKind() == SqlKind.ROW ? rc.getOperandList() : List.of(rowNode);
      Object[] row = new Object[cells.size()];
      for (int i = 0; i < row.length; i++) {
        Object v = literal(cells.get(i), params);
        if (v == NOT_LITERAL) {
          return null;
        }
        row[i] = v;
      }
      rows.add(row);
    }
    return rows;
  }

  private static Object literal(SqlNode n, Object[] params) {
    if (n instanceof SqlDynamicParam p) {
      return new ParamRef(p.getIndex());
    }
    if (n instanceof SqlLiteral lit) {
      if (lit.getValue() == null) {
        return null;
      }
      if (lit instanceof SqlNumericLiteral num) {
        BigDecimal d = num.getValueAs(BigDecimal.class);
        if (num.isExact() && d.scale() <= 0) {
          try {
            return d.longValueExact();
          } catch (ArithmeticException e) {
            return d;
          }
        }
        return d;
      }
      if (lit instanceof SqlCharStringLiteral) {
        return lit.getValueAs(String.class);
      }
      return switch (lit.getTypeName()) {
        case BOOLEAN -> lit.booleanValue();
        case DATE -> lit.getValueAs(DateString.class).getDaysSinceEpoch();
        case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> lit.getValueAs(TimestampString.class).getMillisSinceEpoch();
        case BINARY -> lit.getValueAs(org.apache.calcite.util.BitString.class).getAsByteArray();
        default -> NOT_LITERAL;
      };
    }
    if (n instanceof SqlBasicCall call) {
      if (call.getKind() == SqlKind.DEFAULT) {
        return DEFAULT;
      }
      if (call.getKind() == SqlKind.MINUS_PREFIX) {
        Object v = literal(call.operand(0), params);
        if (v instanceof Long l) {
          return -l;
        }
        if (v instanceof BigDecimal d) {
          return d.negate();
        }
        return NOT_LITERAL;
      }
      if (call.getKind() == SqlKind.CAST && call.operand(1) instanceof SqlDataTypeSpec) {
        Object v = literal(call.operand(0), params);
        return v instanceof String || v == null ? v : NOT_LITERAL;
      }
    }
    return NOT_LITERAL;
  }

  /** {@code VALUES (?, f(?))}: Calcite cannot type a bare ?, so give it its target column's type. */
  private void castParamsInValues(SqlNode source, List<ColumnInfo> targets) {
    if (source.getKind() != SqlKind.VALUES) {
      return;
    }
    for (SqlNode rowNode : ((SqlCall) source).getOperandList()) {
      if (rowNode instanceof SqlCall rc && rc.getKind() == SqlKind.ROW) {
        for (int i = 0; i < rc.operandCount() && i < targets.size(); i++) {
          if (rc.operand(i) instanceof SqlDynamicParam p) {
            rc.setOperand(i, cast(p, targets.get(i).type()));
          }
        }
      }
    }
  }

  static SqlNode cast(SqlNode n, ColumnType type) {
    SqlNode spec = engineTypeSpec(type);
    return SqlStdOperatorTable.CAST.createCall(SqlParserPos.ZERO, n, spec);
  }

  private static SqlNode engineTypeSpec(ColumnType type) {
    String sql = calciteTypeName(type);
    try {
      SqlNode parsed = org.apache.calcite.sql.parser.SqlParser.create("SELECT CAST(NULL AS " + sql + ")").parseQuery();
      return ((SqlCall) ((SqlSelect) parsed).getSelectList().get(0)).operand(1);
    } catch (org.apache.calcite.sql.parser.SqlParseException e) {
      throw new IllegalStateException(e);
    }
  }

  static String calciteTypeName(ColumnType t) {
    return switch (t.kind()) {
      case SMALLINT -> "SMALLINT";
      case INTEGER -> "INTEGER";
      case BIGINT -> "BIGINT";
      case REAL -> "REAL";
      case DOUBLE -> "DOUBLE";
      case NUMERIC -> t.precision() < 0 ? "DECIMAL(38, 10)" : "DECIMAL(" + t.precision() + ", " + t.scale() + ")";
      case BOOLEAN -> "BOOLEAN";
      case CHAR -> "CHAR(" + t.length() + ")";
      case VARCHAR -> t.length() < 0 ? "VARCHAR" : "VARCHAR(" + t.length() + ")";
      case DATE -> "DATE";
      case TIMESTAMP, TIMESTAMPTZ -> "TIMESTAMP(3)";
      case BYTEA -> "VARBINARY";
      default -> "VARCHAR";
    };
  }

  // ---- UPDATE / DELETE ----

  /** SELECT every column (and the SET expressions) FROM the target WHERE the condition. */
  private static SqlSelect selectFor(SqlNode target, SqlIdentifier alias, TableSchema s, SqlNodeList extra, SqlNode where) {
    SqlNodeList list = new SqlNodeList(SqlParserPos.ZERO);
    String qualifier = alias != null ? alias.getSimple() : tableName(target);
    for (ColumnInfo c : s.columns()) {
      list.add(new SqlIdentifier(List.of(qualifier, c.name()), SqlParserPos.ZERO));
    }
    if (extra != null) {
      for (SqlNode e : extra) {
        list.add(e);
      }
    }
    SqlNode from = alias == null ? target
        : SqlStdOperatorTable.AS.createCall(SqlParserPos.ZERO, target, alias);
    return new SqlSelect(SqlParserPos.ZERO, null, list, from, where, null, null, null, null, null, null, null, null);
  }

  private QueryResult update(SqlUpdate upd, DmlClauses clauses, Object[] params, long seq, WriteSet out, String key) {
    String name = tableName(upd.getTargetTable());
    TableData t = table(name, seq);
    TableSchema s = t.latestSchema();
    List<ColumnInfo> targets = targetColumns(s, upd.getTargetColumnList());
    CompiledQuery q = engine.plan(key + "\u0000update", () -> engine.planner().compile(updateSelect(upd, s, targets),
        engine.schema()));
    List<Object[]> rows = session.runQuery(q, params, seq);
    List<Object[]> returned = clauses.returning() == null ? null : new ArrayList<>();
    int n = applyUpdates(t, s, targets, rows, seq, out, returned);
    return result("UPDATE " + n, s, clauses, returned);
  }

  /** The query an UPDATE reads: every column plus the SET expressions ({@code ?} typed by its target column). */
  private static SqlSelect updateSelect(SqlUpdate upd, TableSchema s, List<ColumnInfo> targets) {
    SqlNodeList exprs = upd.getSourceExpressionList();
    for (int i = 0; i < exprs.size(); i++) {
      if (exprs.get(i) instanceof SqlDynamicParam p) {
        exprs.set(i, cast(p, targets.get(i).type()));
      }
    }
    return selectFor(upd.getTargetTable(), upd.getAlias(), s, exprs, upd.getCondition());
  }

  private int applyUpdates(TableData t, TableSchema s, List<ColumnInfo> targets, List<Object[]> rows, long seq,
                           WriteSet out, List<Object[]> returned) {
    int width = s.columns().size();
    RowFinder finder = s.hasPrimaryKey() ? null : new RowFinder(t, s, seq);
    int n = 0;
    for (Object[] row : rows) {
      Object[] old = image(s, row);
      RowKey oldKey = s.hasPrimaryKey() ? keyOf(s, old) : finder.take(old);
      if (oldKey == null) {
        continue;
      }
      Object[] next = Arrays.copyOf(old, Math.max(old.length, s.rowWidth()));
      for (int j = 0; j < targets.size(); j++) {
        next[targets.get(j).id()] = Values.toColumn(row[width + j], targets.get(j));
      }
      checkNotNull(s, next);
      RowKey newKey = s.hasPrimaryKey() ? keyOf(s, next) : oldKey;
      if (!newKey.equals(oldKey)) {
        if (visible(t, newKey, seq, out) != null) {
          throw duplicate(s, newKey);
        }
        out.put(t.tableId(), oldKey, null, false);
        constraints.checkRow(t, s, newKey, next, seq, out);
        constraints.parentChanged(t, oldKey, newKey, seq, out, 0);
        out.put(t.tableId(), newKey, next, true);
      } else {
        constraints.checkRow(t, s, newKey, next, seq, out);
        out.put(t.tableId(), oldKey, next, false);
      }
      if (returned != null) {
        returned.add(next);
      }
      n++;
    }
    return n;
  }

  private QueryResult delete(SqlDelete del, DmlClauses clauses, Object[] params, long seq, WriteSet out, String key) {
    String name = tableName(del.getTargetTable());
    TableData t = table(name, seq);
    TableSchema s = t.latestSchema();
    CompiledQuery q = engine.plan(key + "\u0000delete", () -> engine.planner().compile(
        selectFor(del.getTargetTable(), del.getAlias(), s, null, del.getCondition()), engine.schema()));
    List<Object[]> rows = session.runQuery(q, params, seq);
    RowFinder finder = s.hasPrimaryKey() ? null : new RowFinder(t, s, seq);
    List<Object[]> returned = clauses.returning() == null ? null : new ArrayList<>();
    int n = 0;
    for (Object[] row : rows) {
      Object[] old = image(s, row);
      RowKey k = s.hasPrimaryKey() ? keyOf(s, old) : finder.take(old);
      if (k == null) {
        continue;
      }
      out.put(t.tableId(), k, null, false);
      if (s.hasPrimaryKey()) {
        constraints.parentChanged(t, k, null, seq, out, 0);
      }
      if (returned != null) {
        returned.add(old);
      }
      n++;
    }
    return result("DELETE " + n, s, clauses, returned);
  }

  /** A Calcite row (columns in schema order) as a stored row image (by column id). */
  private static Object[] image(TableSchema s, Object[] row) {
    Object[] img = new Object[s.rowWidth()];
    for (int i = 0; i < s.columns().size(); i++) {
      Object v = row[i];
      img[s.columns().get(i).id()] = v instanceof ByteString b ? b.getBytes() : v;
    }
    return img;
  }

  /** Finds the hidden row id of rows of a key-less table by content. */
  private final class RowFinder {
    private final Map<List<Object>, ArrayDeque<RowKey>> byContent = new HashMap<>();

    RowFinder(TableData t, TableSchema s, long seq) {
      Map<RowKey, Object[]> overlay = session.tx() == null ? null : session.tx().writes.overlay().get(t.tableId());
      for (var e : t.rows().entrySet()) {
        if (overlay != null && overlay.containsKey(e.getKey())) {
          continue;
        }
        Object[] r = e.getValue().rowAt(seq);
        if (r != null) {
          byContent.computeIfAbsent(content(s, r), k -> new ArrayDeque<>()).add(e.getKey());
        }
      }
      if (overlay != null) {
        overlay.forEach((k, r) -> {
          if (r != null) {
            byContent.computeIfAbsent(content(s, r), x -> new ArrayDeque<>()).add(k);
          }
        });
      }
      this.schema = s;
    }

    private final TableSchema schema;

    RowKey take(Object[] image) {
      ArrayDeque<RowKey> q = byContent.get(content(schema, image));
      return q == null ? null : q.poll();
    }

    private List<Object> content(TableSchema s, Object[] r) {
      List<Object> out = new ArrayList<>();
      for (ColumnInfo c : s.columns()) {
        Object v = c.id() < r.length ? r[c.id()] : null;
        out.add(v instanceof byte[] b ? new ByteString(b) : v);
      }
      return out;
    }
  }

  // ---- ON CONFLICT ----

  /** {@code ON CONFLICT [(cols)] DO NOTHING | DO UPDATE SET ... [WHERE ...]}. */
  record OnConflict(boolean doNothing, String setClause) {
    static OnConflict parse(String text) {
      List<Token> tokens = SqlLexer.tokenize(text);
      int i = 0;
      if (tokens.get(i).isSymbol("(")) {
        while (!tokens.get(i).isSymbol(")") && tokens.get(i).kind() != Token.Kind.EOF) {
          i++;
        }
        i++;
      } else if (tokens.get(i).is("on")) {
        i += 3;
      }
      if (!tokens.get(i).is("do")) {
        throw new SqlError(SqlError.SYNTAX_ERROR, "syntax error at or near \"" + tokens.get(i).text() + "\"");
      }
      i++;
      if (tokens.get(i).is("nothing")) {
        return new OnConflict(true, null);
      }
      if (tokens.get(i).is("update") && tokens.get(i + 1).is("set")) {
        return new OnConflict(false, text.substring(tokens.get(i + 1).end()).trim());
      }
      throw new SqlError(SqlError.SYNTAX_ERROR, "syntax error at or near \"" + tokens.get(i).text() + "\"");
    }
  }

  /** DO UPDATE: an UPDATE of the existing row where {@code excluded.c} is the proposed row's value. */
  private int conflictUpdate(TableData t, TableSchema s, RowKey key, Object[] proposed, OnConflict conflict, long seq,
                              WriteSet out, List<Object[]> returned) {
    String set = conflict.setClause();
    String where = null;
    List<Token> tokens = SqlLexer.tokenize(set);
    int depth = 0;
    for (Token tk : tokens) {
      if (tk.isSymbol("(")) {
        depth++;
      } else if (tk.isSymbol(")")) {
        depth--;
      } else if (depth == 0 && tk.is("where")) {
        where = set.substring(tk.end()).trim();
        set = set.substring(0, tk.start()).trim();
        break;
      }
    }
    List<Object> params = new ArrayList<>();
    String setSql = substituteExcluded(set, s, proposed, params);
    StringBuilder cond = new StringBuilder();
    for (int i = 0; i < s.primaryKey().size(); i++) {
      ColumnInfo c = s.columnById(s.primaryKey().get(i));
      cond.append(i == 0 ? "" : " AND ").append('"').append(c.name()).append("\" = CAST(? AS ")
          .append(calciteTypeName(c.type())).append(')');
    }
    if (where != null) {
      cond.insert(0, "(").append(") AND (").append(substituteExcluded(where, s, proposed, params)).append(')');
      // parameters of the key come first in the text only if the WHERE is appended after; keep order
    }
    String sql = "UPDATE \"" + s.name() + "\" SET " + setSql + " WHERE " + cond;
    List<Object> ordered = new ArrayList<>();
    // parameter order follows the text: SET params, then key params, then WHERE params
    int setParams = countParams(setSql);
    ordered.addAll(params.subList(0, setParams));
    for (Object k : key.values()) {
      ordered.add(k);
    }
    ordered.addAll(params.subList(setParams, params.size()));
    SqlUpdate upd = (SqlUpdate) engine.planner().parse(sql);
    List<ColumnInfo> targets = targetColumns(s, upd.getTargetColumnList());
    CompiledQuery q = engine.plan(sql + "\u0000conflict", () -> engine.planner().compile(updateSelect(upd, s, targets),
        engine.schema()));
    List<Object[]> rows = session.runQuery(q, ordered.toArray(), seq);
    return applyUpdates(t, s, targets, rows, seq, out, returned);
  }

  private static int countParams(String sql) {
    int n = 0;
    for (Token t : SqlLexer.tokenize(sql)) {
      if (t.isSymbol("?")) {
        n++;
      }
    }
    return n;
  }

  private static String substituteExcluded(String text, TableSchema s, Object[] proposed, List<Object> params) {
    List<Token> tokens = SqlLexer.tokenize(text);
    StringBuilder b = new StringBuilder();
    int last = 0;
    for (int i = 0; i + 2 < tokens.size(); i++) {
      if (tokens.get(i).is("excluded") && tokens.get(i + 1).isSymbol(".") && tokens.get(i + 2).isIdentifier()) {
        String col = tokens.get(i + 2).text();
        ColumnInfo c = s.column(col).orElseThrow(() -> new SqlError(SqlError.UNDEFINED_COLUMN,
            "column excluded." + col + " does not exist"));
        b.append(text, last, tokens.get(i).start()).append("CAST(? AS ").append(calciteTypeName(c.type())).append(')');
        params.add(c.id() < proposed.length ? proposed[c.id()] : null);
        last = tokens.get(i + 2).end();
        i += 2;
      }
    }
    b.append(text.substring(last));
    return b.toString();
  }

  // ---- RETURNING ----

  private QueryResult result(String tag, TableSchema s, DmlClauses clauses, List<Object[]> images) {
    if (clauses.returning() == null) {
      return QueryResult.command(tag);
    }
    String list = clauses.returning();
    List<Column> cols = new ArrayList<>();
    List<Object[]> rows = new ArrayList<>();
    if (list.equals("*")) {
      for (ColumnInfo c : s.columns()) {
        cols.add(new Column(c.name(), TypeMapping.toPg(c.type())));
      }
      for (Object[] img : images) {
        Object[] r = new Object[s.columns().size()];
        for (int i = 0; i < r.length; i++) {
          ColumnInfo c = s.columns().get(i);
          Object v = c.id() < img.length ? img[c.id()] : null;
          r[i] = Values.internalToClient(v instanceof byte[] b ? new ByteString(b) : v, cols.get(i).type());
        }
        rows.add(r);
      }
      return new QueryResult(tag, cols, rows, Map.of());
    }
    CompiledQuery q = returningQuery(s, list);
    for (Object[] img : images) {
      List<Object[]> r = session.runQuery(q, RowExpressions.params(s, img), session.readSeq());
      rows.addAll(DriftSession.toClient(q, r));
    }
    return new QueryResult(tag, q.columns(), rows, Map.of());
  }

  private CompiledQuery returningQuery(TableSchema s, String list) {
    String sql = RowExpressions.sql(s, list);
    return engine.plan("returning\u0000" + sql, () -> engine.planner().compile(engine.planner().parse(sql), engine.schema()));
  }

  List<Column> returningColumns(SqlNode node, DmlClauses clauses) {
    SqlNode target = node instanceof SqlInsert i ? i.getTargetTable() : node instanceof SqlUpdate u ? u.getTargetTable()
        : ((SqlDelete) node).getTargetTable();
    TableSchema s = table(tableName(target), session.readSeq()).latestSchema();
    if (clauses.returning().equals("*")) {
      List<Column> cols = new ArrayList<>();
      for (ColumnInfo c : s.columns()) {
        cols.add(new Column(c.name(), TypeMapping.toPg(c.type())));
      }
      return cols;
    }
    return returningQuery(s, clauses.returning()).columns();
  }

  // ---- whole rows without SQL text (RowBatchWriter) ----

  /**
   * Upserts whole rows, then deletes by key, into {@code out}: what {@code INSERT ... ON
   * CONFLICT (pk) DO UPDATE SET <every non-key column> = excluded.<column>} followed by
   * {@code DELETE ... WHERE pk = ?} would write, with the same defaults, NOT NULL, key, CHECK,
   * UNIQUE and FOREIGN KEY checks, but no parsing or planning. Values are stored forms already
   * converted for their columns; a column absent from a row gets its default or NULL, also when
   * the row replaces an existing one. A table without a primary key only gets inserts.
   */
  void writeRows(TableData t, TableSchema s, List<Map<Integer, Object>> upserts, List<RowKey> deletes, long seq,
                 WriteSet out) {
    for (Map<Integer, Object> values : upserts) {
      Object[] image = new Object[s.rowWidth()];
      values.forEach((id, v) -> image[id] = v);
      applyDefaults(s, image, values.keySet(), seq);
      if (!s.hasPrimaryKey()) {
        putNew(t, s, image, seq, out, null, null, null);
        continue;
      }
      checkNotNull(s, image);
      RowKey key = keyOf(s, image);
      Object[] old = visible(t, key, seq, out);
      if (old == null) {
        constraints.checkRow(t, s, key, image, seq, out);
        out.put(t.tableId(), key, image, true);
      } else if (s.columns().size() > s.primaryKey().size()) {
        // The update keeps what the old image holds beyond the current columns (as UPDATE does).
        Object[] next = Arrays.copyOf(old, Math.max(old.length, s.rowWidth()));
        for (ColumnInfo c : s.columns()) {
          if (!s.primaryKey().contains(c.id())) {
            next[c.id()] = image[c.id()];
          }
        }
        constraints.checkRow(t, s, key, next, seq, out);
        out.put(t.tableId(), key, next, false);
      } // else a key-only table: DO NOTHING, the row is already there
    }
    for (RowKey key : deletes) {
      if (visible(t, key, seq, out) != null) {
        out.put(t.tableId(), key, null, false);
        constraints.parentChanged(t, key, null, seq, out, 0);
      }
    }
  }

  // ---- document insert and COPY ----

  QueryResult documentInsert(String name, String json, long seq, WriteSet out) {
    TableData t = table(name, seq);
    TableSchema s = t.latestSchema();
    JsonNode doc;
    try {
      doc = JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new SqlError(SqlError.INVALID_TEXT_REPRESENTATION, "invalid input syntax for type json: " + e.getMessage());
    }
    if (doc == null || !doc.isObject()) {
      throw new SqlError(SqlError.INVALID_TEXT_REPRESENTATION, "a document insert needs a JSON object");
    }
    List<ColumnInfo> added = new ArrayList<>();
    int nextId = s.nextColumnId();
    for (Iterator<String> it = doc.fieldNames(); it.hasNext(); ) {
      String field = it.next().toLowerCase();
      if (s.column(field).isEmpty() && added.stream().noneMatch(c -> c.name().equals(field))) {
        added.add(new ColumnInfo(nextId++, field, inferType(doc.get(field)), true, null));
      }
    }
    TableSchema full = s;
    if (!added.isEmpty()) {
      if (session.tx() != null) {
        throw new SqlError(SqlError.FEATURE_NOT_SUPPORTED,
            "a document insert that adds columns cannot run inside a transaction block yet");
      }
      List<ColumnDef> defs = new ArrayList<>();
      for (ColumnInfo c : added) {
        defs.add(Schemas.column(c.id(), c.name(), c.type().sqlName()).setNullable(true).build());
      }
      out.addDdl(Schemas.ddl(DdlKind.ADD_COLUMN).setTableId(t.tableId()).setTableName(s.name()).setColumns(defs).build());
      List<ColumnInfo> cols = new ArrayList<>(s.columns());
      cols.addAll(added);
      full = s.withColumns(cols, nextId);
    }
    Object[] image = new Object[full.rowWidth()];
    Set<Integer> given = new HashSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      ColumnInfo c = full.column(f.getKey().toLowerCase()).orElseThrow();
      image[c.id()] = Values.toColumn(jsonValue(f.getValue(), c.type()), c);
      given.add(c.id());
    }
    applyDefaults(full, image, given, seq);
    putNew(t, full, image, seq, out, null, new Object[0], null);
    return QueryResult.command("INSERT 0 1");
  }

  private static ColumnType inferType(JsonNode v) {
    if (v == null || v.isNull() || v.isTextual()) {
      return ColumnType.of(ColumnType.Kind.TEXT);
    }
    if (v.isBoolean()) {
      return ColumnType.of(ColumnType.Kind.BOOLEAN);
    }
    if (v.isIntegralNumber()) {
      return ColumnType.of(ColumnType.Kind.BIGINT);
    }
    if (v.isNumber()) {
      return ColumnType.of(ColumnType.Kind.DOUBLE);
    }
    return ColumnType.of(ColumnType.Kind.JSONB);
  }

  private static Object jsonValue(JsonNode v, ColumnType type) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isTextual()) {
      return v.textValue();
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isIntegralNumber()) {
      return v.longValue();
    }
    if (v.isNumber()) {
      return v.decimalValue();
    }
    return v.toString();
  }

  /** COPY FROM: text values converted by the columns' input rules. */
  QueryResult insertText(String name, List<String> columns, List<List<String>> rows, long seq, WriteSet out) {
    TableData t = table(name.toLowerCase(), seq);
    TableSchema s = t.latestSchema();
    List<ColumnInfo> targets = new ArrayList<>();
    if (columns == null || columns.isEmpty()) {
      targets.addAll(s.columns());
    } else {
      for (String c : columns) {
        targets.add(s.column(c).orElseThrow(() -> new SqlError(SqlError.UNDEFINED_COLUMN,
            "column \"" + c + "\" of relation \"" + s.name() + "\" does not exist")));
      }
    }
    int n = 0;
    for (List<String> row : rows) {
      if (row.size() != targets.size()) {
        throw new SqlError("22P04", "row " + (n + 1) + " has " + row.size() + " columns, expected " + targets.size());
      }
      Object[] image = new Object[s.rowWidth()];
      Set<Integer> given = new HashSet<>();
      for (int i = 0; i < row.size(); i++) {
        image[targets.get(i).id()] = Values.toColumn(row.get(i), targets.get(i));
        given.add(targets.get(i).id());
      }
      applyDefaults(s, image, given, seq);
      putNew(t, s, image, seq, out, null, new Object[0], null);
      n++;
    }
    return QueryResult.command("INSERT 0 " + n);
  }
}
