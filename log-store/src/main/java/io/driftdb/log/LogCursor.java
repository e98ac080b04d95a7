package io.driftdb.log;

import java.io.Closeable;
import java.util.Iterator;

/** Forward iteration over durable records; close it to release file handles. */
public interface LogCursor extends Iterator<LogRecord>, Closeable {
  @Override
  void close();
}
