package io.driftdb.sql;

/**
 * A running database: the log, the materialized state and the SQL front end over them.
 * Thread-safe; each connection opens its own {@link SqlSession}.
 */
public interface SqlEngine extends AutoCloseable {

  SqlSession openSession(SessionInfo info);

  /** Figures for health checks and metrics, read at the moment of the call. */
  EngineStats stats();

  /** True while the log accepts appends. */
  boolean isWritable();

  /** Finishes in-flight commits and closes the log cleanly. */
  @Override
  void close();
}
