package io.driftdb.pgwire;

import io.driftdb.sql.Column;
import io.driftdb.sql.EngineStats;
import io.driftdb.sql.PgType;
import io.driftdb.sql.PreparedQuery;
import io.driftdb.sql.QueryResult;
import io.driftdb.sql.SessionInfo;
import io.driftdb.sql.SqlEngine;
import io.driftdb.sql.SqlError;
import io.driftdb.sql.SqlSession;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TEST DOUBLE: a tiny, deterministic stand-in for the real SQL engine, answering a fixed set of
 * statements so the wire protocol can be exercised with real clients before the engine exists.
 * It does not parse SQL; it matches normalised statement text against the patterns below.
 *
 * <ul>
 *   <li>{@code select 1} → one int4 column {@code ?column?}</li>
 *   <li>{@code select $1, $2 ...} → echoes its parameters, typed by the parameter types</li>
 *   <li>{@code select * from typed} → one row with a value of every PgType, one row of NULLs</li>
 *   <li>{@code select generate_series(1, n)} → n int4 rows</li>
 *   <li>{@code select pg_sleep(s)} → sleeps up to s seconds, honouring cancel() with 57014</li>
 *   <li>{@code select boom()} → RuntimeException (XX000); anything unknown → SqlError 42601</li>
 *   <li>BEGIN / COMMIT / ROLLBACK → transaction status; errors inside a block → 'E'</li>
 *   <li>{@code SET name = value} / {@code SHOW name}; reportable names come back as changedSettings</li>
 *   <li>table {@code items(id int4, name text)}: insert ($1,$2) / select * / delete / copyIn</li>
 * </ul>
 */
final class TestEngine implements SqlEngine {

  static final List<Column> TYPED_COLUMNS = List.of(
      new Column("b", PgType.BOOL), new Column("i2", PgType.INT2), new Column("i4", PgType.INT4),
      new Column("i8", PgType.INT8), new Column("f4", PgType.FLOAT4), new Column("f8", PgType.FLOAT8),
      new Column("n", PgType.NUMERIC), new Column("t", PgType.TEXT), new Column("vc", PgType.VARCHAR),
      new Column("bp", PgType.BPCHAR), new Column("nm", PgType.NAME), new Column("ch", PgType.CHAR),
      new Column("by", PgType.BYTEA), new Column("d", PgType.DATE), new Column("ts", PgType.TIMESTAMP),
      new Column("tstz", PgType.TIMESTAMPTZ), new Column("u", PgType.UUID), new Column("j", PgType.JSON),
      new Column("jb", PgType.JSONB), new Column("o", PgType.OID), new Column("ta", PgType.TEXT_ARRAY),
      new Column("i4a", PgType.INT4_ARRAY), new Column("i2a", PgType.INT2_ARRAY), new Column("oa", PgType.OID_ARRAY),
      new Column("unk", PgType.UNKNOWN));

  static final Object[] TYPED_ROW = {
      true, (short) -12, 123456, 9_000_000_000L, 1.5f, 3.141592653589793,
      new BigDecimal("-12345.678900"), "héllo, wörld \"q\" \\ end", "varchar", "bp  ", "name", "c",
      new byte[] {0, 1, 2, (byte) 0xFF}, LocalDate.of(2024, 2, 29), LocalDateTime.of(2024, 2, 29, 13, 45, 30, 123_456_000),
      OffsetDateTime.of(2024, 2, 29, 13, 45, 30, 500_000_000, ZoneOffset.UTC),
      UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), "{\"a\": 1}", "{\"b\": [1, 2]}", 4_000_000_000L,
      Arrays.asList("a", "b c", null, "", "NULL", "x\"y"), Arrays.asList(1, 2, null, -3), List.of((short) 7, (short) -8),
      List.of(1L, 4_000_000_000L), "unk"};

  static final List<Column> ITEM_COLUMNS = List.of(new Column("id", PgType.INT4), new Column("name", PgType.TEXT));
  private static final Pattern PARAM = Pattern.compile("\\$(\\d+)");
  private static final Pattern ECHO = Pattern.compile("select \\$1(\\s*,\\s*\\$\\d+)*");
  private static final Pattern SERIES = Pattern.compile("select generate_series\\(1,\\s*(\\d+)\\)");
  private static final Pattern SLEEP = Pattern.compile("select pg_sleep\\(([\\d.]+)\\)");
  private static final Pattern SET = Pattern.compile("set (?:session )?([a-z_.]+)\\s*(?:=|to)\\s*'?([^']*)'?",
      Pattern.CASE_INSENSITIVE);
  private static final Set REPORTABLE = new Set(List.of("application_name", "timezone", "datestyle",
      "client_encoding", "intervalstyle", "is_superuser", "standard_conforming_strings"));

  final List<Object[]> items = new CopyOnWriteArrayList<>();
  final AtomicInteger sessionsOpened = new AtomicInteger();
  final AtomicInteger sessionsClosed = new AtomicInteger();
  final AtomicInteger executions = new AtomicInteger();
  final AtomicInteger prepares = new AtomicInteger();
  final List<SessionInfo> sessionInfos = new CopyOnWriteArrayList<>();
  final Map<String, List<String>> lastCopyColumns = new ConcurrentHashMap<>();

  @Override
  public SqlSession openSession(SessionInfo info) {
    if (info.database().equals("nosuchdb")) {
      throw new SqlError("3D000", "database \"nosuchdb\" does not exist");
    }
    sessionsOpened.incrementAndGet();
    sessionInfos.add(info);
    return new TestSession(info);
  }

  @Override
  public EngineStats stats() {
    return new EngineStats(-1, -1, 0, sessionsOpened.get() - sessionsClosed.get());
  }

  @Override
  public boolean isWritable() {
    return true;
  }

  @Override
  public void close() {}

  static String normalize(String sql) {
    String s = sql.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    while (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1).trim();
    }
    return s;
  }

  /** Minimal immutable string set (keeps the double free of shared mutable statics). */
  private record Set(List<String> names) {
    boolean contains(String n) {
      return names.contains(n);
    }
  }

  final class TestSession implements SqlSession {
    private final SessionInfo info;
    private final Map<String, String> settings = new HashMap<>();
    private volatile boolean cancelRequested;
    private TxStatus tx = TxStatus.IDLE;

    TestSession(SessionInfo info) {
      this.info = info;
      settings.put("application_name", info.applicationName());
      settings.put("is_superuser", "on");
      settings.put("transaction_isolation", "read committed");
    }

    /** The statement text before lower-casing, for values whose case matters (SET). */
    private String originalSql = "";

    @Override
    public QueryResult execute(String sql, List<Object> params) {
      originalSql = sql.trim().replaceAll(";+$", "");
      return run(normalize(sql), params, paramTypesFor(sql, List.of()));
    }

    @Override
    public PreparedQuery prepare(String sql, List<PgType> paramTypes) {
      prepares.incrementAndGet();
      String norm = normalize(sql);
      List<PgType> types = paramTypesFor(sql, paramTypes);
      try {
        return new PreparedQuery(sql, types, describe(norm, types), norm);
      } catch (RuntimeException e) {
        if (tx == TxStatus.IN_TRANSACTION) {
          tx = TxStatus.FAILED; // like PostgreSQL, a parse error aborts the transaction block
        }
        throw e;
      }
    }

    @Override
    public QueryResult execute(PreparedQuery statement, List<Object> params) {
      originalSql = statement.sql().trim().replaceAll(";+$", "");
      return run((String) statement.plan(), params, statement.paramTypes());
    }

    private List<PgType> paramTypesFor(String sql, List<PgType> declared) {
      Matcher m = PARAM.matcher(sql);
      int max = 0;
      while (m.find()) {
        max = Math.max(max, Integer.parseInt(m.group(1)));
      }
      List<PgType> types = new ArrayList<>();
      for (int i = 0; i < max; i++) {
        PgType t = i < declared.size() ? declared.get(i) : PgType.UNKNOWN;
        types.add(t == PgType.UNKNOWN && sql.toLowerCase(Locale.ROOT).contains("into items") && i == 0 ? PgType.INT4 : t);
      }
      return types;
    }

    private List<Column> describe(String sql, List<PgType> types) {
      if (sql.equals("select 1")) {
        return List.of(new Column("?column?", PgType.INT4));
      }
      if (ECHO.matcher(sql).matches()) {
        List<Column> cols = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
          PgType t = types.get(i) == PgType.UNKNOWN ? PgType.TEXT : types.get(i);
          cols.add(new Column("p" + (i + 1), t));
        }
        return cols;
      }
      if (sql.equals("select * from typed")) {
        return TYPED_COLUMNS;
      }
      if (SERIES.matcher(sql).matches()) {
        return List.of(new Column("generate_series", PgType.INT4));
      }
      if (SLEEP.matcher(sql).matches()) {
        return List.of(new Column("pg_sleep", PgType.TEXT));
      }
      if (sql.startsWith("select * from items") || sql.equals("select id, name from items")) {
        return ITEM_COLUMNS;
      }
      if (sql.startsWith("select * from ")) {
        throw new SqlError(SqlError.UNDEFINED_TABLE, "relation \"" + sql.substring(14) + "\" does not exist");
      }
      if (sql.startsWith("show ")) {
        return List.of(new Column(sql.substring(5), PgType.TEXT));
      }
      if (sql.equals("select boom()") || sql.equals("begin") || sql.equals("start transaction") || sql.equals("commit")
          || sql.equals("rollback") || sql.startsWith("insert into items") || sql.equals("delete from items")
          || SET.matcher(sql).matches()) {
        return null;
      }
      throw syntax(sql);
    }

    private SqlError syntax(String sql) {
      String first = sql.isEmpty() ? "" : sql.split(" ")[0];
      return new SqlError(SqlError.SYNTAX_ERROR, "syntax error at or near \"" + first + "\" (test engine does not know: " + sql + ")");
    }

    private QueryResult run(String sql, List<Object> params, List<PgType> types) {
      executions.incrementAndGet();
      cancelRequested = false;
      if (tx == TxStatus.FAILED && !sql.equals("commit") && !sql.equals("rollback") && !sql.startsWith("rollback")) {
        throw new SqlError(SqlError.IN_FAILED_TRANSACTION,
            "current transaction is aborted, commands ignored until end of transaction block");
      }
      try {
        return dispatch(sql, params, types);
      } catch (RuntimeException e) {
        if (tx == TxStatus.IN_TRANSACTION) {
          tx = TxStatus.FAILED;
        }
        throw e;
      }
    }

    private QueryResult dispatch(String sql, List<Object> params, List<PgType> types) {
      switch (sql) {
        case "select 1":
          return QueryResult.rows("SELECT", describe(sql, types), List.<Object[]>of(new Object[] {1}));
        case "select * from typed": {
          Object[] nulls = new Object[TYPED_ROW.length];
          return QueryResult.rows("SELECT", TYPED_COLUMNS, List.of(TYPED_ROW.clone(), nulls));
        }
        case "select boom()":
          throw new IllegalStateException("boom: engine bug");
        case "begin", "start transaction":
          tx = TxStatus.IN_TRANSACTION;
          return QueryResult.command("BEGIN");
        case "commit":
          boolean failed = tx == TxStatus.FAILED;
          tx = TxStatus.IDLE;
          return QueryResult.command(failed ? "ROLLBACK" : "COMMIT");
        case "rollback":
          tx = TxStatus.IDLE;
          return QueryResult.command("ROLLBACK");
        case "select * from items", "select id, name from items":
          return QueryResult.rows("SELECT", ITEM_COLUMNS, new ArrayList<>(items));
        case "delete from items": {
          int n = items.size();
          items.clear();
          return QueryResult.command("DELETE " + n);
        }
        default:
          break;
      }
      if (sql.startsWith("insert into items")) {
        Object id = params.get(0);
        items.add(new Object[] {id instanceof String s ? Integer.parseInt(s) : id, params.get(1)});
        return QueryResult.command("INSERT 0 1");
      }
      if (ECHO.matcher(sql).matches()) {
        return QueryResult.rows("SELECT", describe(sql, types), List.<Object[]>of(params.toArray()));
      }
      Matcher series = SERIES.matcher(sql);
      if (series.matches()) {
        int n = Integer.parseInt(series.group(1));
        List<Object[]> rows = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
          rows.add(new Object[] {i});
        }
        return QueryResult.rows("SELECT", describe(sql, types), rows);
      }
      Matcher sleep = SLEEP.matcher(sql);
      if (sleep.matches()) {
        long until = System.nanoTime() + (long) (Double.parseDouble(sleep.group(1)) * 1e9);
        while (System.nanoTime() < until) {
          if (cancelRequested) {
            throw new SqlError(SqlError.QUERY_CANCELED, "canceling statement due to user request");
          }
          try {
            Thread.sleep(5);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SqlError(SqlError.QUERY_CANCELED, "interrupted");
          }
        }
        return QueryResult.rows("SELECT", describe(sql, types), List.<Object[]>of(new Object[] {""}));
      }
      Matcher set = SET.matcher(sql);
      Matcher original = SET.matcher(originalSql);
      if (set.matches()) {
        String name = set.group(1);
        String value = original.matches() ? original.group(2) : set.group(2);
        if (name.equals("bogus")) {
          throw new SqlError(SqlError.UNDEFINED_OBJECT, "unrecognized configuration parameter \"bogus\"");
        }
        settings.put(name, value);
        Map<String, String> changed = new HashMap<>();
        if (REPORTABLE.contains(name)) {
          changed.put(name.equals("timezone") ? "TimeZone" : name, value);
        }
        return new QueryResult("SET", null, List.of(), changed);
      }
      if (sql.startsWith("show ")) {
        String value = settings.get(sql.substring(5));
        if (value == null) {
          throw new SqlError(SqlError.UNDEFINED_OBJECT, "unrecognized configuration parameter \"" + sql.substring(5) + "\"");
        }
        return QueryResult.rows("SHOW", describe(sql, types), List.<Object[]>of(new Object[] {value}));
      }
      throw syntax(sql);
    }

    @Override
    public long copyIn(String table, List<String> columns, List<List<String>> rows) {
      if (!normalize(table).equals("items")) {
        throw new SqlError(SqlError.UNDEFINED_TABLE, "relation \"" + table + "\" does not exist");
      }
      lastCopyColumns.put(table, columns);
      List<Object[]> parsed = new ArrayList<>();
      for (List<String> row : rows) {
        try {
          parsed.add(new Object[] {row.get(0) == null ? null : Integer.parseInt(row.get(0)), row.get(1)});
        } catch (NumberFormatException e) {
          throw new SqlError(SqlError.INVALID_TEXT_REPRESENTATION,
              "invalid input syntax for type integer: \"" + row.get(0) + "\"");
        }
      }
      items.addAll(parsed);
      return parsed.size();
    }

    @Override
    public TxStatus transactionStatus() {
      return tx;
    }

    @Override
    public void cancel() {
      cancelRequested = true;
    }

    @Override
    public String setting(String name) {
      String v = settings.get(name.toLowerCase(Locale.ROOT));
      return v;
    }

    @Override
    public void close() {
      sessionsClosed.incrementAndGet();
    }

    SessionInfo info() {
      return info;
    }
  }

  static List<Object> list(Object... values) {
    return Collections.unmodifiableList(Arrays.asList(values));
  }
}
