package io.driftdb.sql;

/**
 * Callbacks the engine makes as it works, so the server can keep metrics without the engine
 * depending on a metrics library. Implementations must be cheap and thread-safe.
 */
public interface EngineListener {

  /** A statement finished; {@code kind} is its command verb (SELECT, INSERT, CREATE TABLE, ...). */
  default void statementFinished(String kind, long nanos, boolean ok) {}

  default void committed() {}

  /** A transaction ended without committing (ROLLBACK, conflict, error). */
  default void aborted() {}

  /** The log made {@code records} records durable ({@code bytes} bytes) with one fsync of {@code fsyncNanos}. */
  default void logFlushed(int records, long bytes, long fsyncNanos) {}

  EngineListener NONE = new EngineListener() {};
}
