package io.driftdb.materializer;

import io.driftdb.log.LogRecord;
import io.driftdb.log.RecordRewriter;
import io.driftdb.schemas.DdlEvent;
import io.driftdb.schemas.DdlKind;
import io.driftdb.schemas.RowEvent;
import io.driftdb.schemas.TransactionCodec;
import io.driftdb.schemas.TransactionRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Drops from transaction records the row events whose versions were deleted as history, so
 * that VACUUM removes them from the log too. A record is never dropped, only its events: SEQs
 * stay dense, and every record keeps its commit time (the time line needs it).
 *
 * <p>An event is dropped only when its version is gone from the in-memory chains because of a
 * history deletion that a snapshot at or below {@code snapshotSeq} already reflects (VACUUM
 * deletes every older snapshot first): a restart then loads that snapshot and replays only
 * records after it, and a replay of the whole log meets each DELETE HISTORY again, which
 * deletes the same versions whether or not their events are still there. Deletions applied
 * after the snapshot are left for the next VACUUM.
 */
public final class DeletedHistoryRewriter implements RecordRewriter {
  private final Catalog catalog;
  private final long snapshotSeq;
  private final long maxHorizon;
  private final TransactionCodec codec = new TransactionCodec();

  public DeletedHistoryRewriter(Materializer m, long snapshotSeq) {
    this.catalog = m.catalog();
    this.snapshotSeq = snapshotSeq;
    long h = -1;
    for (TableData t : catalog.tables()) {
      h = Math.max(h, t.historyHorizon());
    }
    this.maxHorizon = h;
  }

  /** SEQ of the last history deletion applied since startup (-1 if none): VACUUM compares it with what it stripped. */
  public static long lastHistoryDeletion(Materializer m) {
    long last = -1;
    for (TableData t : m.catalog().tables()) {
      last = Math.max(last, t.lastPurgeSeq());
    }
    return last;
  }

  @Override
  public boolean mayRewrite(long firstSeq, long lastSeq) {
    return firstSeq <= Math.min(snapshotSeq, maxHorizon);
  }

  @Override
  public byte[] rewrite(LogRecord r) {
    if (r.seq() > snapshotSeq || r.seq() > maxHorizon || r.value() == null) {
      return r.value();
    }
    TransactionRecord tx = codec.decode(r.value());
    if (tx.getValidation() != null) {
      // A shared log's record may have been refused by its commit check, which reads state that
      // dropping older events would change. Shared logs are never compacted; never guess here.
      throw new IllegalStateException("record at SEQ " + r.seq() + " carries a commit check: shared-log records are "
          + "not rewritten");
    }
    List<Object> events = tx.getEvents();
    Map<Integer, Long> created = new HashMap<>();
    boolean[] drop = new boolean[events.size()];
    int dropped = 0;
    int lastDdl = -1;
    for (int i = 0; i < events.size(); i++) {
      Object e = events.get(i);
      if (e instanceof DdlEvent d) {
        lastDdl = i;
        if (d.getKind() == DdlKind.CREATE_TABLE) {
          created.put(i, d.getTableId() >= 0 ? d.getTableId() : Materializer.assignedTableId(r.seq(), i));
        }
      } else if (e instanceof RowEvent ev && deleted(r.seq(), ev, created)) {
        drop[i] = true;
        dropped++;
      }
    }
    if (dropped == 0) {
      return r.value();
    }
    for (int i = 0; i <= lastDdl; i++) {
      if (drop[i]) {
        // Table ids of CREATE TABLE depend on the event's position, so DDL events must never
        // shift; the engine writes DDL first, so this is a record of unknown origin: stop.
        throw new IllegalStateException("record at SEQ " + r.seq() + " has a row event of deleted history before a "
            + "DDL event; it is not rewritten");
      }
    }
    List<Object> kept = new ArrayList<>(events.size() - dropped);
    for (int i = 0; i < events.size(); i++) {
      if (!drop[i]) {
        kept.add(events.get(i));
      }
    }
    return codec.encode(TransactionRecord.newBuilder(tx).setEvents(kept).build());
  }

  /** Whether the version {@code ev} made at {@code seq} was deleted as history. */
  private boolean deleted(long seq, RowEvent ev, Map<Integer, Long> created) {
    long id = ev.getTableId() < 0 ? created.getOrDefault((int) (-ev.getTableId() - 1), Long.MIN_VALUE) : ev.getTableId();
    TableData t = catalog.table(id);
    if (t == null || seq > t.historyHorizon()) {
      return false;
    }
    VersionChain c = t.chain(LogRows.key(t.schemaAt(seq), ev));
    // History deletion removes a prefix of a chain: a deleted version is older than all kept ones.
    boolean gone = c == null || c.seqAt(0) > seq;
    // Read after the chain: a deletion newer than the snapshot has set it before touching chains.
    return gone && t.lastPurgeSeq() <= snapshotSeq;
  }
}
