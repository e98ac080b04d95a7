package io.driftdb.materializer;

import io.driftdb.log.EventLog;
import io.driftdb.schemas.ColumnDef;
import io.driftdb.schemas.ConstraintDef;
import io.driftdb.schemas.DdlEvent;
import io.driftdb.schemas.RowEvent;
import io.driftdb.schemas.RowOp;
import io.driftdb.schemas.TransactionRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies transaction records in SEQ order to the in-memory state: catalog, version chains,
 * indexes and the SEQ-to-time line. Every read view is "the state at SEQ N" for any applied N,
 * answered from the version chains without replaying the log. Exactly one thread applies.
 */
public final class Materializer {
  private final Catalog catalog;
  private final Timeline timeline;
  private final Object appliedMonitor = new Object();
  private final Object historyLock = new Object();
  private volatile long appliedSeq = -1;
  private volatile long rowEventsApplied;
  private volatile long schemaVersion;
  /** schemaVersion after each SEQ that applied DDL, so a snapshot at an older SEQ records its own. */
  private final java.util.concurrent.ConcurrentSkipListMap<Long, Long> schemaVersions =
      new java.util.concurrent.ConcurrentSkipListMap<>();
  /** Recent records of a shared log that failed their commit check, for the nodes that wait on them. */
  private final java.util.concurrent.ConcurrentSkipListMap<Long, CommitVerdict> rejected =
      new java.util.concurrent.ConcurrentSkipListMap<>();
  private static final int MAX_VERDICTS = 100_000;

  public Materializer() {
    this(new Catalog(), new Timeline());
  }

  private Materializer(Catalog catalog, Timeline timeline) {
    this.catalog = catalog;
    this.timeline = timeline;
  }

  /** A materializer whose state came from a snapshot at {@code seq}. */
  static Materializer restored(Catalog c, Timeline t, long seq, long schemaVersion, long rowEvents) {
    Materializer m = new Materializer(c, t);
    m.appliedSeq = seq;
    m.schemaVersion = schemaVersion;
    m.schemaVersions.put(seq, schemaVersion);
    m.rowEventsApplied = rowEvents;
    return m;
  }

  /** The state moved from its base SEQ to {@code seq} by a snapshot delta that added {@code versions}. */
  void restoredDelta(long seq, long schemaVersion, long versions) {
    this.schemaVersion = schemaVersion;
    schemaVersions.put(seq, schemaVersion);
    rowEventsApplied += versions;
    advance(seq);
  }

  /** Writes a snapshot of the state at the applied SEQ into {@code dir}. */
  public SnapshotInfo writeSnapshot(Path dir) throws IOException {
    return SnapshotWriter.write(this, dir);
  }

  /**
   * Writes a delta of what was applied after {@code since} (a snapshot's or delta's SEQ) into
   * {@code dir}; empty, writing nothing, when history was deleted after it (a full snapshot is
   * needed then).
   */
  public java.util.Optional<SnapshotInfo> writeSnapshotDelta(Path dir, long since) throws IOException {
    return SnapshotWriter.writeDelta(this, dir, since);
  }

  /** Loads a snapshot; throws SnapshotCorruptedException when it cannot be trusted. */
  public static Materializer readSnapshot(Path file) throws IOException {
    return SnapshotReader.read(file);
  }

  public Catalog catalog() {
    return catalog;
  }

  public Timeline timeline() {
    return timeline;
  }

  /** SEQ of the last applied transaction, -1 before the first. */
  public long appliedSeq() {
    return appliedSeq;
  }

  /** Changes whenever DDL is applied; plans and Calcite schemas are cached per version. */
  public long schemaVersion() {
    return schemaVersion;
  }

  /** The schema version as it was right after {@code seq} was applied. */
  public long schemaVersionAt(long seq) {
    var e = schemaVersions.floorEntry(seq);
    return e == null ? 0 : e.getValue();
  }

  public long rowEventsApplied() {
    return rowEventsApplied;
  }

  /** Replays every record of {@code log} after the applied SEQ; returns how many were applied. */
  public long catchUp(EventLog log) {
    long n = 0;
    try (DecodingCursor records = new DecodingCursor(log.read(appliedSeq + 1))) {
      while (records.hasNext()) {
        DecodingCursor.Decoded r = records.next();
        apply(r.seq(), r.timestampMs(), r.tx());
        n++;
      }
    }
    return n;
  }

  /** Waits until {@code seq} is applied; false on timeout. */
  public boolean awaitApplied(long seq, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    synchronized (appliedMonitor) {
      while (appliedSeq < seq) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return false;
        }
        appliedMonitor.wait(left);
      }
    }
    return true;
  }

  /**
   * Why the record at {@code seq} was not applied, if it was one of the recent records of a
   * shared log that failed its commit check; empty when it was applied.
   */
  public java.util.Optional<CommitVerdict> verdict(long seq) {
    return java.util.Optional.ofNullable(rejected.get(seq));
  }

  /**
   * Applies one transaction record. SEQs must arrive in order without gaps. A record of a
   * shared log that fails its commit check ({@link LogOrderValidator}) changes nothing but
   * the SEQ. Commit times are kept non-decreasing, as on a local log: a shared log's
   * timestamps come from several clocks.
   */
  public void apply(long seq, long timestampMs, TransactionRecord tx) {
    if (seq <= appliedSeq) {
      throw new IllegalStateException("SEQ " + seq + " already applied (at " + appliedSeq + ")");
    }
    long lastTs = timeline.lastSeq() >= timeline.firstSeq() ? timeline.timestampOf(timeline.lastSeq()) : Long.MIN_VALUE;
    timeline.record(seq, Math.max(timestampMs, lastTs));
    CommitVerdict verdict = LogOrderValidator.check(catalog, seq, tx);
    if (verdict != null) {
      rejected.put(seq, verdict);
      while (rejected.size() > MAX_VERDICTS) {
        rejected.pollFirstEntry();
      }
      advance(seq);
      return;
    }
    Map<Integer, Long> createdInTx = new HashMap<>();
    List<Object> events = tx.getEvents();
    long rowEvents = 0;
    // The rows of a transaction mostly go to one table: look it up once per run of its rows.
    long tableRef = Long.MIN_VALUE;
    TableData table = null;
    for (int i = 0; i < events.size(); i++) {
      Object e = events.get(i);
      if (e instanceof DdlEvent ddl) {
        applyDdl(seq, i, ddl, createdInTx);
        schemaVersion++;
        table = null;
      } else if (e instanceof RowEvent row) {
        if (table == null || row.getTableId() != tableRef) {
          tableRef = row.getTableId();
          table = tableFor(tableRef, createdInTx);
        }
        applyRow(seq, table, row);
        rowEvents++;
      }
    }
    rowEventsApplied += rowEvents;
    if (schemaVersions.isEmpty() || schemaVersions.lastEntry().getValue() != schemaVersion) {
      schemaVersions.put(seq, schemaVersion);
    }
    advance(seq);
  }

  private void advance(long seq) {
    synchronized (appliedMonitor) {
      appliedSeq = seq;
      appliedMonitor.notifyAll();
    }
  }

  /** Table id of a table created by event {@code index} of the transaction at {@code seq}. */
  public static long assignedTableId(long seq, int index) {
    return seq * 4096 + index;
  }

  private TableData tableFor(long tableId, Map<Integer, Long> createdInTx) {
    long id = tableId < 0 ? createdInTx.getOrDefault((int) (-tableId - 1), Long.MIN_VALUE) : tableId;
    TableData t = catalog.table(id);
    if (t == null) {
      throw new IllegalStateException("log refers to unknown table id " + tableId);
    }
    return t;
  }

  private void applyDdl(long seq, int index, DdlEvent ddl, Map<Integer, Long> createdInTx) {
    switch (ddl.getKind()) {
      case CREATE_TABLE -> {
        long id = ddl.getTableId() >= 0 ? ddl.getTableId() : assignedTableId(seq, index);
        createdInTx.put(index, id);
        List<ColumnInfo> cols = new ArrayList<>();
        int next = 0;
        for (ColumnDef c : ddl.getColumns()) {
          cols.add(ColumnInfo.of(c));
          next = Math.max(next, c.getId() + 1);
        }
        List<IndexInfo> idx = new ArrayList<>();
        TableSchema schema = new TableSchema(id, ddl.getTableName().toLowerCase(), List.copyOf(cols),
            List.copyOf(ddl.getPrimaryKey()), ddl.getDocumentTable(), idx, List.copyOf(ddl.getConstraints()),
            Map.copyOf(ddl.getProperties()), next);
        catalog.addTable(new TableData(seq, schema), schema.name(), seq);
      }
      case DROP_TABLE -> {
        TableData t = tableFor(ddl.getTableId(), createdInTx);
        t.drop(seq);
        catalog.unbind(t.tableId(), seq);
      }
      case RENAME_TABLE -> {
        TableData t = tableFor(ddl.getTableId(), createdInTx);
        t.changeSchema(seq, t.latestSchema().withName(ddl.getNewName().toLowerCase()));
        catalog.rebind(t.tableId(), ddl.getNewName(), seq);
      }
      case ADD_COLUMN -> {
        TableData t = tableFor(ddl.getTableId(), createdInTx);
        TableSchema s = t.latestSchema();
        List<ColumnInfo> cols = new ArrayList<>(s.columns());
        int next = s.nextColumnId();
        for (ColumnDef c : ddl.getColumns()) {
          cols.add(ColumnInfo.of(c));
          next = Math.max(next, c.getId() + 1);
        }
        t.changeSchema(seq, s.withColumns(cols, next));
      }
      case DROP_COLUMN -> {
        TableData t = tableFor(ddl.getTableId(), createdInTx);
        TableSchema s = t.latestSchema();
        List<ColumnInfo> cols = new ArrayList<>(s.columns());
        cols.removeIf(c -> c.id() == ddl.getColumnId());
        t.changeSchema(seq, s.withColumns(cols, s.nextColumnId()));
      }
      case RENAME_COLUMN -> {
        TableData t = tableFor(ddl.getTableId(), createdInTx);
        TableSchema s = t.latestSchema();
        List<ColumnInfo> cols = new ArrayList<>();
        for (ColumnInfo c : s.columns()) {
          cols.add(c.id() == ddl.getColumnId() ? c.withName(ddl.getNewName().toLowerCase()) : c);
        }
        t.changeSchema(seq, s.withColumns(cols, s.nextColumnId()));
      }
      case CREATE_INDEX -> {
        TableData t = tableFor(ddl.getTableId(), createdInTx);
        TableSchema s = t.latestSchema();
        IndexInfo info = new IndexInfo(ddl.getIndex().getName().toLowerCase(), List.copyOf(ddl.getIndex().getColumns()),
            ddl.getIndex().getUnique());
        List<IndexInfo> idx = new ArrayList<>(s.indexes());
        idx.add(info);
        t.changeSchema(seq, s.withIndexes(idx));
        t.addIndex(info);
      }
      case DROP_INDEX -> {
        TableData t = tableFor(ddl.getTableId(), createdInTx);
        TableSchema s = t.latestSchema();
        List<IndexInfo> idx = new ArrayList<>(s.indexes());
        idx.removeIf(i -> i.name().equalsIgnoreCase(ddl.getNewName()));
        t.changeSchema(seq, s.withIndexes(idx));
        t.dropIndex(ddl.getNewName());
      }
      case SET_OPTIONS -> setOptions(seq, tableFor(ddl.getTableId(), createdInTx), ddl.getProperties());
      case ADD_CONSTRAINT -> {
        TableData t = tableFor(ddl.getTableId(), createdInTx);
        TableSchema s = t.latestSchema();
        List<ConstraintDef> cons = new ArrayList<>(s.constraints());
        cons.addAll(ddl.getConstraints());
        t.changeSchema(seq, s.withConstraints(cons));
      }
      case DROP_CONSTRAINT -> {
        TableData t = tableFor(ddl.getTableId(), createdInTx);
        TableSchema s = t.latestSchema();
        List<ConstraintDef> cons = new ArrayList<>(s.constraints());
        cons.removeIf(c -> c.getName().equalsIgnoreCase(ddl.getNewName()));
        t.changeSchema(seq, s.withConstraints(cons));
      }
      case CREATE_USER, ALTER_USER -> {
        Map<String, String> props = new HashMap<>();
        Map<String, String> old = catalog.user(ddl.getTableName());
        if (old != null) {
          props.putAll(old);
        }
        props.putAll(ddl.getProperties());
        catalog.putUser(ddl.getTableName(), props);
      }
      case DROP_USER -> catalog.dropUser(ddl.getTableName());
      default -> throw new IllegalStateException("unknown DDL kind " + ddl.getKind());
    }
  }

  /**
   * SET_OPTIONS: an empty value removes an option. {@link TableOptions#DELETE_HISTORY_BEFORE}
   * deletes the versions that stopped being current before that time (but not after this SEQ)
   * and raises the table's history horizon; the horizon is published before the versions go,
   * so a read that overlaps the deletion sees it and refuses rather than read a torn history.
   */
  private void setOptions(long seq, TableData t, Map<String, String> props) {
    TableSchema s = t.latestSchema();
    Map<String, String> opts = new HashMap<>(s.options());
    long horizon = -1;
    for (Map.Entry<String, String> e : props.entrySet()) {
      if (e.getKey().equals(TableOptions.DELETE_HISTORY_BEFORE)) {
        long before = Long.parseLong(e.getValue());
        horizon = Math.min(seq, before == Long.MAX_VALUE ? seq : timeline.seqBefore(before));
      } else if (e.getValue().isEmpty()) {
        opts.remove(e.getKey());
      } else {
        opts.put(e.getKey(), e.getValue());
      }
    }
    boolean purge = horizon > t.historyHorizon();
    if (purge) {
      opts.put(TableOptions.HISTORY_HORIZON, Long.toString(horizon));
    }
    t.changeSchema(seq, s.withOptions(opts));
    if (purge) {
      synchronized (historyLock) { // never while a snapshot is being written
        rowEventsApplied -= t.deleteHistory(seq, horizon);
      }
    }
  }

  /** Held while history is deleted and while a snapshot is written, which must see all or none of it. */
  Object historyLock() {
    return historyLock;
  }

  private static void applyRow(long seq, TableData t, RowEvent ev) {
    TableSchema schema = t.latestSchema();
    if (ev.getOp() == RowOp.DELETE) {
      t.write(seq, LogRows.key(schema, ev.getKey()), null, VersionChain.DELETE);
      return;
    }
    Object[] row = LogRows.row(schema, ev.getRow());
    t.write(seq, LogRows.key(schema, ev, row), row, ev.getOp() == RowOp.INSERT ? VersionChain.INSERT : VersionChain.UPDATE);
  }
}
