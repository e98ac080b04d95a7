package io.driftdb.sql.engine;

/**
 * When the engine writes an automatic snapshot, and which kind. One is due once enough of the
 * log accumulated since the newest snapshot or delta ({@code everyTransactions} or {@code
 * everyRowEvents}). It is a delta (only the versions written since, see the materializer's
 * {@code SnapshotDelta}) unless a full snapshot is needed: when there is none to extend, when
 * history was deleted since (a delta only adds versions), or once the deltas would hold as many
 * row versions as the full snapshot they extend. So the snapshot work stays proportional to
 * the log written (each row event is written about twice: in a delta, and in the next full
 * snapshot), where rewriting the whole state every time made a large database under a stream
 * of small commits spend most of its CPU rewriting unchanged rows; and a restart loads at most
 * about twice the state and replays at most the thresholds.
 */
record SnapshotPolicy(long everyTransactions, long everyRowEvents) {
  static final SnapshotPolicy DEFAULT = new SnapshotPolicy(20_000, 2_000_000);

  /**
   * @param tailTransactions transactions applied since the newest snapshot or delta
   * @param tailRowEvents row events applied since then
   */
  boolean due(long tailTransactions, long tailRowEvents) {
    return tailTransactions >= everyTransactions || tailRowEvents >= everyRowEvents;
  }

  /**
   * @param haveBase whether there is a snapshot (and deltas) this process wrote or loaded to extend
   * @param historyDeleted whether history was deleted since the newest of them
   * @param snapshotVersions row versions of the full snapshot the chain starts from
   * @param deltaVersions row versions its deltas would hold with the next one
   */
  boolean full(boolean haveBase, boolean historyDeleted, long snapshotVersions, long deltaVersions) {
    return !haveBase || historyDeleted || deltaVersions >= snapshotVersions;
  }
}
