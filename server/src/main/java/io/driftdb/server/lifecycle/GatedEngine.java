package io.driftdb.server.lifecycle;

import io.driftdb.sql.EngineStats;
import io.driftdb.sql.SessionInfo;
import io.driftdb.sql.SqlEngine;
import io.driftdb.sql.SqlSession;

/** The engine as pgwire sees it: every session's statements pass through a {@link StatementGate}. */
public final class GatedEngine implements SqlEngine {
  private final SqlEngine engine;
  private final StatementGate gate;

  public GatedEngine(SqlEngine engine, StatementGate gate) {
    this.engine = engine;
    this.gate = gate;
  }

  @Override
  public SqlSession openSession(SessionInfo info) {
    gate.checkOpen();
    return new GatedSession(engine.openSession(info), gate);
  }

  @Override
  public EngineStats stats() {
    return engine.stats();
  }

  @Override
  public boolean isWritable() {
    return engine.isWritable();
  }

  /** The server closes the real engine itself, after the wire protocol has stopped. */
  @Override
  public void close() {}
}
