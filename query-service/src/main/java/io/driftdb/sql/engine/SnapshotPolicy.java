package io.driftdb.sql.engine;

/**
 * When the engine writes an automatic snapshot: once enough of the log accumulated since the
 * last one ({@code everyTransactions} or {@code everyRowEvents}), and only when the row events
 * since then are at least a quarter of the row versions the last snapshot held. A snapshot
 * rewrites the whole state, so without the second rule a large database under a stream of small
 * commits would spend most of its CPU rewriting unchanged rows; with it, snapshot work stays
 * proportional to the log written (at most ~4 row versions written per row event appended),
 * and a restart replays at most the larger of the thresholds and a quarter of the state.
 */
record SnapshotPolicy(long everyTransactions, long everyRowEvents) {
  static final SnapshotPolicy DEFAULT = new SnapshotPolicy(20_000, 2_000_000);

  /**
   * @param tailTransactions transactions applied since the last snapshot
   * @param tailRowEvents row events applied since the last snapshot
   * @param lastSnapshotVersions row versions the last snapshot held (0 when none was written)
   */
  boolean due(long tailTransactions, long tailRowEvents, long lastSnapshotVersions) {
    boolean enoughLog = tailTransactions >= everyTransactions || tailRowEvents >= everyRowEvents;
    return enoughLog && tailRowEvents >= lastSnapshotVersions / 4;
  }
}
