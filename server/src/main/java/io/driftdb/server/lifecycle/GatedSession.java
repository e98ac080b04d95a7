package io.driftdb.server.lifecycle;

import io.driftdb.sql.PgType;
import io.driftdb.sql.PreparedQuery;
import io.driftdb.sql.QueryResult;
import io.driftdb.sql.SqlSession;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A session that holds a place in the {@link StatementGate} while it is busy: from its first
 * statement call until pgwire asks for the transaction status to write ReadyForQuery (the last
 * message of every response, written right after that call) or the session closes. Counting
 * whole responses rather than single calls means a drain waits until results are handed to
 * the connection, and lets a pipelined batch (several Executes before one Sync) finish.
 */
final class GatedSession implements SqlSession {
  private final SqlSession session;
  private final StatementGate gate;
  private final AtomicBoolean busy = new AtomicBoolean();

  GatedSession(SqlSession session, StatementGate gate) {
    this.session = session;
    this.gate = gate;
  }

  private void busy() {
    if (!busy.get()) {
      gate.enter(); // throws once shutdown has begun: no new work
      busy.set(true);
    }
  }

  private void idle() {
    if (busy.compareAndSet(true, false)) {
      gate.exit();
    }
  }

  @Override
  public QueryResult execute(String sql, List<Object> params) {
    busy();
    return session.execute(sql, params);
  }

  @Override
  public PreparedQuery prepare(String sql, List<PgType> paramTypes) {
    busy();
    return session.prepare(sql, paramTypes);
  }

  @Override
  public QueryResult execute(PreparedQuery statement, List<Object> params) {
    busy();
    return session.execute(statement, params);
  }

  @Override
  public long copyIn(String table, List<String> columns, List<List<String>> rows) {
    busy();
    return session.copyIn(table, columns, rows);
  }

  /** pgwire calls this to write ReadyForQuery: the response is complete. */
  @Override
  public TxStatus transactionStatus() {
    TxStatus status = session.transactionStatus();
    idle();
    return status;
  }

  @Override
  public void cancel() {
    session.cancel();
  }

  @Override
  public String setting(String name) {
    return session.setting(name);
  }

  @Override
  public void close() {
    try {
      session.close();
    } finally {
      idle();
    }
  }
}
