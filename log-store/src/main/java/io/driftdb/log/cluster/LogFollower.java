package io.driftdb.log.cluster;

import io.driftdb.log.LogRecord;
import java.time.Duration;
import java.util.List;

/** Reads a shared log's records in SEQ order as they become durable. */
public interface LogFollower extends AutoCloseable {

  /** The next records, or an empty list when none arrived within {@code wait}. */
  List<LogRecord> poll(Duration wait);

  /** Makes a blocked {@link #poll} return early (from another thread). */
  void wakeup();

  @Override
  void close();
}
