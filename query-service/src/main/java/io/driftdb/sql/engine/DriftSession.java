package io.driftdb.sql.engine;

import io.driftdb.sql.Column;
import io.driftdb.sql.EngineListener;
import io.driftdb.sql.PgType;
import io.driftdb.sql.PreparedQuery;
import io.driftdb.sql.QueryResult;
import io.driftdb.sql.SessionInfo;
import io.driftdb.sql.SqlError;
import io.driftdb.sql.SqlSession;
import io.driftdb.sql.ddl.Command;
import io.driftdb.sql.ddl.DdlParser;
import io.driftdb.sql.exec.Values;
import io.driftdb.sql.plan.CompiledQuery;
import io.driftdb.sql.plan.ErrorTranslator;
import io.driftdb.sql.plan.QueryContext;
import io.driftdb.sql.plan.ReadContext;
import io.driftdb.sql.plan.TypeMapping;
import io.driftdb.sql.text.SqlLexer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;

/**
 * One connection's session: routes each statement to the query path (Calcite), the DML
 * executor or the command executor, and keeps the transaction state. A statement outside a
 * transaction block commits atomically as one log record; inside one, writes are buffered and
 * COMMIT sends them to the sequencer as one record.
 */
final class DriftSession implements SqlSession {
  private static final int AUTOCOMMIT_RETRIES = 20;

  private final DriftEngine engine;
  private final SessionInfo info;
  private final Runnable onClose;
  private final SessionSettings settings;
  private final AtomicBoolean cancel = new AtomicBoolean();
  private final DmlExecutor dml;
  private final CommandExecutor commands;
  private Transaction tx;
  private boolean failed;
  private long lastCommitSeq = -1;
  private boolean closed;

  /** An open transaction block. */
  static final class Transaction {
    /** The block's snapshot; {@link #readAfter} may move it forward until a statement first read it. */
    long startSeq;
    /** Whether a statement of the block has read its snapshot ({@link #readSeq}). */
    boolean snapshotUsed;
    final String isolation;
    final boolean readOnly;
    WriteSet writes = new WriteSet();
    final LinkedHashMap<String, WriteSet> savepoints = new LinkedHashMap<>();
    /** Only SERIALIZABLE blocks track what they read. */
    final io.driftdb.sql.plan.ReadSet reads;

    Transaction(long startSeq, String isolation, boolean readOnly) {
      this.startSeq = startSeq;
      this.isolation = isolation;
      this.readOnly = readOnly;
      this.reads = "serializable".equals(isolation) ? new io.driftdb.sql.plan.ReadSet() : null;
    }
  }

  DriftSession(DriftEngine engine, SessionInfo info, Runnable onClose) {
    this.engine = engine;
    this.info = info;
    this.onClose = onClose;
    this.settings = new SessionSettings(info.user(), info.applicationName());
    this.dml = new DmlExecutor(engine, this);
    this.commands = new CommandExecutor(engine, this);
  }

  // ---- state used by the executors ----

  SessionInfo info() {
    return info;
  }

  DmlExecutor dml() {
    return dml;
  }

  SessionSettings settings() {
    return settings;
  }

  Transaction tx() {
    return tx;
  }

  AtomicBoolean cancelFlag() {
    return cancel;
  }

  long lastCommitSeq() {
    return lastCommitSeq;
  }

  /** The SEQ a statement reads now. */
  long readSeq() {
    if (tx != null && !"read committed".equals(tx.isolation)) {
      tx.snapshotUsed = true;
      return tx.startSeq;
    }
    return engine.materializer().appliedSeq();
  }

  ReadContext readContext(long seq) {
    return new ReadContext(engine.materializer(), seq, tx == null ? null : tx.writes.overlay(),
        tx == null ? null : tx.reads);
  }

  void beginBlock(String isolation, boolean readOnly) {
    String iso = isolation == null ? settings.get("default_transaction_isolation") : isolation;
    tx = new Transaction(engine.materializer().appliedSeq(), iso, readOnly);
  }

  /**
   * SET driftdb.read_after = {@code seq}, once {@code seq} is applied: a block whose snapshot no
   * statement has read yet takes a new one, so its queries see {@code seq} (PostgreSQL takes a
   * block's snapshot at its first query; a JDBC driver with autocommit off sends BEGIN first).
   */
  void readAfter(long seq) {
    if (tx != null && !tx.snapshotUsed && tx.writes.isEmpty() && tx.startSeq < seq) {
      tx.startSeq = engine.materializer().appliedSeq();
    }
  }

  void endBlock() {
    tx = null;
    failed = false;
  }

  /** The row under {@code key} as a statement sees it: its own writes, the block's, then the snapshot. */
  Object[] visibleRow(io.driftdb.materializer.TableData t, io.driftdb.materializer.RowKey key, long seq, WriteSet stmt) {
    var mine = stmt.rows().get(t.tableId());
    if (mine != null && mine.containsKey(key)) {
      return mine.get(key);
    }
    if (tx != null) {
      var block = tx.writes.rows().get(t.tableId());
      if (block != null && block.containsKey(key)) {
        return block.get(key);
      }
    }
    return t.rowAt(key, seq);
  }

  /** Every row of {@code t} a statement sees (snapshot overlaid with the block's and its own writes). */
  java.util.Map<io.driftdb.materializer.RowKey, Object[]> visibleRows(io.driftdb.materializer.TableData t, long seq,
                                                                      WriteSet stmt) {
    java.util.Map<io.driftdb.materializer.RowKey, Object[]> out = new java.util.LinkedHashMap<>();
    for (var e : t.rows().entrySet()) {
      Object[] r = e.getValue().rowAt(seq);
      if (r != null) {
        out.put(e.getKey(), r);
      }
    }
    for (WriteSet w : tx == null ? List.of(stmt) : List.of(tx.writes, stmt)) {
      var layer = w.rows().get(t.tableId());
      if (layer != null) {
        layer.forEach((k, v) -> {
          if (v == null) {
            out.remove(k);
          } else {
            out.put(k, v);
          }
        });
      }
    }
    return out;
  }

  /** ROLLBACK TO SAVEPOINT leaves the failed state. */
  void clearFailed() {
    failed = false;
  }

  boolean isFailed() {
    return failed;
  }

  /** Commits {@code writes} read at {@code startSeq} as one transaction; returns its SEQ. */
  long commitWrites(long startSeq, WriteSet writes) {
    return commitWrites(startSeq, writes, null);
  }

  long commitWrites(long startSeq, WriteSet writes, io.driftdb.sql.plan.ReadSet reads) {
    if (writes.isEmpty()) {
      return -1;
    }
    long seq = engine.pipeline().commit(new CommitRequest(info, startSeq, writes, null, reads));
    lastCommitSeq = seq;
    return seq;
  }

  /**
   * Runs a writing statement: inside a block its writes join the block's; outside, they commit
   * at once, and the statement is retried on a fresh snapshot if a concurrent commit got there
   * first (what PostgreSQL's READ COMMITTED does for single statements).
   */
  QueryResult write(StatementWriter body) {
    if (tx != null) {
      if (tx.readOnly) {
        throw new SqlError(SqlError.READ_ONLY_TRANSACTION, "cannot execute this statement in a read-only transaction");
      }
      WriteSet stmt = new WriteSet();
      QueryResult r = body.run(readSeq(), stmt);
      tx.writes.merge(stmt);
      return r;
    }
    for (int attempt = 0; ; attempt++) {
      long seq = engine.materializer().appliedSeq();
      WriteSet stmt = new WriteSet();
      QueryResult r;
      try {
        r = body.run(seq, stmt);
      } catch (RuntimeException e) {
        engine.listener().aborted();
        throw e;
      }
      try {
        commitWrites(seq, stmt);
        return r;
      } catch (SqlError e) {
        if (!SqlError.SERIALIZATION_FAILURE.equals(e.sqlState()) || attempt >= AUTOCOMMIT_RETRIES) {
          engine.listener().aborted();
          throw e;
        }
        backOff(attempt);
      }
    }
  }

  /**
   * Before retrying a statement that lost a conflict: at once the first times, then a few
   * milliseconds more each time, so that a conflicting commit still in flight (its fsync, or a
   * history deletion waiting for a snapshot to be written) can land instead of being hit again.
   */
  private static void backOff(int attempt) {
    if (attempt < 2) {
      return;
    }
    try {
      Thread.sleep(Math.min(20, attempt));
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new SqlError(SqlError.QUERY_CANCELED, "interrupted while retrying a conflicting statement");
    }
  }

  /** The body of a writing statement: reads at {@code seq}, puts its writes into {@code out}. */
  interface StatementWriter {
    QueryResult run(long seq, WriteSet out);
  }

  // ---- SqlSession ----

  @Override
  public QueryResult execute(String sql, List<Object> params) {
    if (closed) {
      throw new SqlError("08003", "session is closed");
    }
    cancel.set(false);
    long t0 = System.nanoTime();
    String kind = "OTHER";
    boolean ok = false;
    try {
      // A Kafka producer may hold an answer for a transaction not applied yet: read after it.
      engine.pipeline().awaitAcknowledgedApplied();
      QueryResult r = runRetryingTooOld(sql, params == null ? List.of() : params);
      kind = verb(r.commandTag());
      ok = true;
      return r;
    } catch (SqlError e) {
      markFailed();
      throw e;
    } catch (RuntimeException | StackOverflowError | AssertionError
             | LinkageError e) {
      // Errors from Calcite's generated code (e.g. a constant cast folded in a static
      // initializer) are statement errors too: they must not end the connection.
      markFailed();
      throw ErrorTranslator.translate(e);
    } finally {
      QueryContext.clear();
      engine.listener().statementFinished(kind, System.nanoTime() - t0, ok);
    }
  }

  private void markFailed() {
    if (tx != null) {
      failed = true;
    }
  }

  private static String verb(String tag) {
    int sp = tag.indexOf(' ');
    String first = sp < 0 ? tag : tag.substring(0, sp);
    if (first.equals("CREATE") || first.equals("DROP") || first.equals("ALTER")) {
      int sp2 = tag.indexOf(' ', sp + 1);
      return sp2 < 0 ? tag : tag.substring(0, sp2);
    }
    return first;
  }

  /**
   * Outside a transaction block, a statement whose snapshot lost a race with DELETE HISTORY
   * (72000: it read at a SEQ before the new horizon) runs again on a fresh snapshot; nothing
   * was written, since the check comes before any commit. In a block the error stands.
   */
  private QueryResult runRetryingTooOld(String sql, List<Object> params) {
    for (int attempt = 0; ; attempt++) {
      try {
        return run(sql, params);
      } catch (SqlError e) {
        if (tx != null || !SqlError.SNAPSHOT_TOO_OLD.equals(e.sqlState()) || attempt >= AUTOCOMMIT_RETRIES) {
          throw e;
        }
      }
    }
  }

  private QueryResult run(String sql, List<Object> params) {
    DriftEngine.CachedStatement cached = failed ? null : engine.cachedStatement(sql);
    if (cached != null) {
      Object[] ordered = orderParams(new SqlLexer.Rewritten(sql, cached.paramOrder()), params);
      List<Object[]> rows = runQuery(cached.query(), ordered, readSeq());
      return QueryResult.rows("SELECT", cached.query().columns(), toClient(cached.query(), rows));
    }
    DmlExecutor.InsertTemplate insert = failed ? null : engine.cachedInsert(sql);
    if (insert != null) {
      return dml.runTemplate(insert, orderParams(new SqlLexer.Rewritten(sql, insert.paramOrder()), params));
    }
    LiteralParameters.Shape insertShape = null;
    if (!failed && params.isEmpty()) {
      QueryResult r = runShape(sql);
      if (r != null) {
        return r;
      }
      insertShape = LiteralParameters.ofInsert(sql);
      if (insertShape != null) {
        DmlExecutor.InsertTemplate tpl = engine.cachedInsert(insertShape.sql());
        if (tpl != null) {
          return dml.runTemplate(tpl, orderParams(new SqlLexer.Rewritten(insertShape.sql(), tpl.paramOrder()),
              insertShape.values()));
        }
      }
    }
    Command c = DdlParser.parse(sql);
    if (failed && !(c instanceof Command.Rollback || c instanceof Command.RollbackTo || c instanceof Command.Commit)) {
      throw new SqlError(SqlError.IN_FAILED_TRANSACTION,
          "current transaction is aborted, commands ignored until end of transaction block");
    }
    if (c != null) {
      return commands.run(c);
    }
    SqlLexer.Rewritten rw = SqlLexer.rewriteParams(ExplainRewrite.toCalcite(sql));
    Object[] ordered = orderParams(rw, params);
    DmlClauses clauses = DmlClauses.split(rw.sql());
    SqlNode node = io.driftdb.sql.catalog.CatalogSql.parse(engine.planner(), clauses.statement()); // catalog hook
    SqlKind kind = node.getKind();
    if (kind == SqlKind.INSERT || kind == SqlKind.UPDATE || kind == SqlKind.DELETE) {
      DmlExecutor.InsertTemplate tpl = kind == SqlKind.INSERT && clauses.onConflict() == null
          && clauses.returning() == null ? DmlExecutor.template((org.apache.calcite.sql.SqlInsert) node, rw.paramOrder())
          : null;
      QueryResult r = dml.run(node, clauses, ordered, rw.sql());
      if (tpl != null) {
        engine.cacheInsert(sql, tpl);
        if (insertShape != null) {
          cacheInsertShape(insertShape.sql()); // the same INSERT with other literals skips parsing
        }
      }
      return r;
    }
    if (clauses.returning() != null || clauses.onConflict() != null) {
      throw new SqlError(SqlError.SYNTAX_ERROR, "syntax error at or near \"RETURNING\"");
    }
    long version = engine.materializer().schemaVersion();
    CompiledQuery q = engine.plan(rw.sql(), () -> engine.planner().compile(node, engine.schema()));
    QueryResult r = runCompiled(q, ordered);
    if (q.bindable() != null) {
      engine.cacheStatement(sql, q, rw.paramOrder(), version);
    }
    return r;
  }

  /**
   * Runs a SELECT with literals through the plan of its shape ({@link LiteralParameters}): the
   * text with parameters for its literals, planned once. Null when the statement has no such
   * shape, the shape does not plan as a query, or a literal would not bind to its parameter
   * with the same meaning: then the statement runs as written.
   */
  private QueryResult runShape(String sql) {
    LiteralParameters.Shape shape = LiteralParameters.of(sql);
    if (shape == null || engine.isUnparameterizable(shape.sql())) {
      return null;
    }
    DriftEngine.CachedStatement cached = engine.cachedStatement(shape.sql());
    if (cached == null) {
      cached = planShape(shape.sql());
      if (cached == null) {
        return null;
      }
    }
    Object[] values = shape.bind(cached.query().paramTypes());
    if (values == null) {
      return null;
    }
    List<Object[]> rows = runQuery(cached.query(), orderParams(new SqlLexer.Rewritten(shape.sql(),
        cached.paramOrder()), List.of(values)), readSeq());
    return QueryResult.rows("SELECT", cached.query().columns(), toClient(cached.query(), rows));
  }

  /**
   * Plans a statement shape as the query path of {@link #run} would plan it and caches it like
   * a statement text; null (remembered for this catalog version) when it is not a plain query
   * or does not plan, e.g. when Calcite cannot type a parameter there.
   */
  private DriftEngine.CachedStatement planShape(String shapeSql) {
    long version = engine.materializer().schemaVersion();
    try {
      if (DdlParser.parse(shapeSql) == null) {
        SqlLexer.Rewritten rw = SqlLexer.rewriteParams(shapeSql);
        DmlClauses clauses = DmlClauses.split(rw.sql());
        if (clauses.returning() == null && clauses.onConflict() == null) {
          SqlNode node = io.driftdb.sql.catalog.CatalogSql.parse(engine.planner(), clauses.statement());
          if (node.isA(SqlKind.QUERY)) {
            CompiledQuery q = engine.plan(rw.sql(), () -> engine.planner().compile(node, engine.schema()));
            if (q.bindable() != null && q.paramTypes().size() == rw.paramOrder().size()) {
              engine.cacheStatement(shapeSql, q, rw.paramOrder(), version);
              return new DriftEngine.CachedStatement(q, rw.paramOrder(), version);
            }
          }
        }
      }
    } catch (RuntimeException | StackOverflowError | AssertionError | LinkageError e) {
      // The statement as written will say what is wrong with it, if anything.
    }
    engine.markUnparameterizable(shapeSql, version);
    return null;
  }

  /**
   * Parses an INSERT's shape into an insert template, after the INSERT as written succeeded
   * (as a prepared INSERT's template is cached only after its first successful run).
   */
  private void cacheInsertShape(String shapeSql) {
    if (engine.isUnparameterizable(shapeSql)) {
      return;
    }
    try {
      SqlLexer.Rewritten rw = SqlLexer.rewriteParams(shapeSql);
      DmlClauses clauses = DmlClauses.split(rw.sql());
      SqlNode node = io.driftdb.sql.catalog.CatalogSql.parse(engine.planner(), clauses.statement());
      DmlExecutor.InsertTemplate tpl = node.getKind() == SqlKind.INSERT && clauses.onConflict() == null
          && clauses.returning() == null ? DmlExecutor.template((org.apache.calcite.sql.SqlInsert) node,
          rw.paramOrder()) : null;
      if (tpl != null && tpl.paramOrder().size() == rw.paramOrder().size()) {
        engine.cacheInsert(shapeSql, tpl);
        return;
      }
    } catch (RuntimeException e) {
      // the INSERT as written keeps working; its shape just is not cached
    }
    engine.markUnparameterizable(shapeSql, engine.materializer().schemaVersion());
  }

  private static Object[] orderParams(SqlLexer.Rewritten rw, List<Object> params) {
    List<Integer> order = rw.paramOrder();
    Object[] out = new Object[order.size()];
    for (int i = 0; i < out.length; i++) {
      int p = order.get(i);
      if (p >= params.size()) {
        throw new SqlError("08P01",
            "bind message supplies " + params.size() + " parameters, but statement requires " + (p + 1));
      }
      out[i] = params.get(p);
    }
    return out;
  }

  private QueryResult runCompiled(CompiledQuery q, Object[] params) {
    if (q.bindable() == null) {
      List<Object[]> rows = new ArrayList<>();
      for (String line : q.plan().split("\n")) {
        rows.add(new Object[] {line});
      }
      return new QueryResult("EXPLAIN", q.columns(), rows, Map.of());
    }
    List<Object[]> rows = runQuery(q, params, readSeq());
    return QueryResult.rows("SELECT", q.columns(), toClient(q, rows));
  }

  /** Runs a compiled query at {@code seq} with the session's overlay; rows in internal form. */
  List<Object[]> runQuery(CompiledQuery q, Object[] params, long seq) {
    Object[] internal = new Object[params.length];
    for (int i = 0; i < params.length; i++) {
      RelDataType t = i < q.paramTypes().size() ? q.paramTypes().get(i) : null;
      internal[i] = ParamCoercion.coerce(params[i], t);
    }
    long now = System.currentTimeMillis();
    QueryContext.set(new QueryContext(seq, engine.materializer().appliedSeq(), lastCommitSeq, now,
        info.user(), info.database()));
    return q.run(internal, readContext(seq), now, cancel);
  }

  static List<Object[]> toClient(CompiledQuery q, List<Object[]> rows) {
    List<Column> cols = q.columns();
    for (Object[] r : rows) {
      for (int i = 0; i < r.length && i < cols.size(); i++) {
        r[i] = Values.internalToClient(r[i], cols.get(i).type());
      }
    }
    return rows;
  }

  @Override
  public PreparedQuery prepare(String sql, List<PgType> paramTypes) {
    SqlLexer.Rewritten rw = SqlLexer.rewriteParams(ExplainRewrite.toCalcite(sql));
    int n = rw.paramOrder().stream().mapToInt(i -> i + 1).max().orElse(0);
    List<PgType> types = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      types.add(i < paramTypes.size() ? paramTypes.get(i) : PgType.UNKNOWN);
    }
    Command c;
    try {
      c = DdlParser.parse(sql);
    } catch (SqlError e) {
      throw e;
    }
    if (c != null) {
      return new PreparedQuery(sql, types, c instanceof Command.ShowVar s ? List.of(new Column(s.name(), PgType.TEXT)) : null, null);
    }
    DmlClauses clauses = DmlClauses.split(rw.sql());
    SqlNode node = io.driftdb.sql.catalog.CatalogSql.parse(engine.planner(), clauses.statement()); // catalog hook
    SqlKind kind = node.getKind();
    if (kind == SqlKind.INSERT || kind == SqlKind.UPDATE || kind == SqlKind.DELETE) {
      List<Column> cols = clauses.returning() == null ? null : dml.returningColumns(node, clauses);
      for (int i = 0; i < types.size(); i++) {
        if (types.get(i) == PgType.UNKNOWN) {
          types.set(i, PgType.TEXT);
        }
      }
      return new PreparedQuery(sql, types, cols, null);
    }
    try {
      CompiledQuery q = engine.plan(rw.sql(), () -> engine.planner().compile(node, engine.schema()));
      for (int i = 0; i < rw.paramOrder().size() && i < q.paramTypes().size(); i++) {
        int p = rw.paramOrder().get(i);
        if (types.get(p) == PgType.UNKNOWN) {
          types.set(p, TypeMapping.toPg(q.paramTypes().get(i)));
        }
      }
      return new PreparedQuery(sql, types, q.columns(), q);
    } catch (SqlError e) {
      markFailed();
      throw e;
    }
  }

  @Override
  public QueryResult execute(PreparedQuery statement, List<Object> params) {
    return execute(statement.sql(), params);
  }

  @Override
  public long copyIn(String table, List<String> columns, List<List<String>> rows) {
    QueryResult r;
    try {
      engine.pipeline().awaitAcknowledgedApplied();
      r = write((seq, out) -> dml.insertText(table, columns, rows, seq, out));
    } catch (SqlError e) {
      markFailed();
      throw e;
    }
    String tag = r.commandTag();
    return Long.parseLong(tag.substring(tag.lastIndexOf(' ') + 1));
  }

  @Override
  public TxStatus transactionStatus() {
    if (tx == null) {
      return TxStatus.IDLE;
    }
    return failed ? TxStatus.FAILED : TxStatus.IN_TRANSACTION;
  }

  @Override
  public void cancel() {
    cancel.set(true);
  }

  @Override
  public String setting(String name) {
    return settings.get(name.toLowerCase(Locale.ROOT));
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      if (tx != null) {
        engine.listener().aborted();
      }
      tx = null;
      onClose.run();
    }
  }

  EngineListener listener() {
    return engine.listener();
  }

  void setLastCommitSeq(long seq) {
    lastCommitSeq = seq;
  }
}
