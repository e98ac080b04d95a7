package io.driftdb.sql.changefeed;

import io.driftdb.materializer.Materializer;

/** Rebuilds a materializer from the log, to the state just before a SEQ. */
@FunctionalInterface
interface LogReplay {
  /** Applies every record of the log with a SEQ below {@code seq} to the empty {@code m}. */
  void replayBefore(long seq, Materializer m);
}
