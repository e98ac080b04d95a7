package io.driftdb.materializer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One table incarnation (a CREATE TABLE until its DROP): its schema history and, per primary
 * key, the chain of row versions, plus secondary indexes. The materializer thread is the only
 * writer; readers read at a SEQ they choose and never see versions after it.
 */
public final class TableData {
  private final long tableId;
  private final long createdSeq;
  private volatile long droppedSeq = Long.MAX_VALUE;
  private volatile long lastModifiedSeq;
  private volatile List<SchemaVersion> schemas;
  /** {@link TableOptions#HISTORY_HORIZON} of the latest schema, parsed once (-1 = none). */
  private volatile long historyHorizon = -1;
  /** SEQ of the last DELETE HISTORY applied to this table since startup (-1 = none). */
  private volatile long lastPurgeSeq = -1;
  /** Every key's chain in key order, for scans and ranges. */
  private final ConcurrentSkipListMap<RowKey, VersionChain> rows = new ConcurrentSkipListMap<>();
  /**
   * The same chains by key, for point lookups: a hash probe instead of a skip-list descent of
   * ~log2(n) key comparisons (the primary-key check of every INSERT, every replayed UPDATE).
   */
  private final ConcurrentHashMap<RowKey, VersionChain> byKey = new ConcurrentHashMap<>();
  private final Map<String, SecondaryIndex> indexes = new ConcurrentHashMap<>();
  /** The keys written since the newest snapshot or delta reached, for the next delta. */
  private final RecentWrites recentWrites = new RecentWrites();

  /** The schema in force from {@code seq} on. */
  public record SchemaVersion(long seq, TableSchema schema) {}

  TableData(long createdSeq, TableSchema schema) {
    this.tableId = schema.tableId();
    this.createdSeq = createdSeq;
    this.schemas = List.of(new SchemaVersion(createdSeq, schema));
    this.lastModifiedSeq = createdSeq;
    this.historyHorizon = TableOptions.horizon(schema);
  }

  /** SEQ of the last row write or schema change; SERIALIZABLE validation of whole-table reads uses it. */
  public long lastModifiedSeq() {
    return lastModifiedSeq;
  }

  public long tableId() {
    return tableId;
  }

  public long createdSeq() {
    return createdSeq;
  }

  /** SEQ of the DROP TABLE, or Long.MAX_VALUE while the table exists. */
  public long droppedSeq() {
    return droppedSeq;
  }

  public boolean existsAt(long seq) {
    return seq >= createdSeq && seq < droppedSeq;
  }

  public TableSchema latestSchema() {
    List<SchemaVersion> s = schemas;
    return s.get(s.size() - 1).schema();
  }

  /** Schema in force at {@code seq} (the first one for earlier SEQs). */
  public TableSchema schemaAt(long seq) {
    List<SchemaVersion> s = schemas;
    TableSchema found = s.get(0).schema();
    for (SchemaVersion v : s) {
      if (v.seq() <= seq) {
        found = v.schema();
      }
    }
    return found;
  }

  public List<SchemaVersion> schemaHistory() {
    return schemas;
  }

  /**
   * Every key's version chain in key order, for scans; point lookups use {@link #chain}. Read
   * only: the materializer writes through {@link #write} and {@link #putChain}, which keep the
   * hash map in step (not wrapped, since a wrapper costs an object per entry of every scan).
   */
  public NavigableMap<RowKey, VersionChain> rows() {
    return rows;
  }

  /** The version chain of {@code key}, or null if the key was never written (or its history was deleted). */
  public VersionChain chain(RowKey key) {
    return byKey.get(key);
  }

  /** How many keys have a version chain. */
  public int keyCount() {
    return byKey.size();
  }

  public SecondaryIndex index(String name) {
    return indexes.get(name.toLowerCase());
  }

  public Collection<SecondaryIndex> indexes() {
    return indexes.values();
  }

  /** The row image visible at {@code seq}, or null. */
  public Object[] rowAt(RowKey key, long seq) {
    if (!existsAt(seq)) {
      return null;
    }
    VersionChain chain = byKey.get(key);
    return chain == null ? null : chain.rowAt(seq);
  }

  /**
   * SEQ of the last write to {@code key}, or -1 (optimistic validation uses it). A key whose
   * versions were all deleted as history answers the history horizon: its last write was at
   * or before it, and a transaction that read before it must not win against that write.
   */
  public long lastWriteSeq(RowKey key) {
    VersionChain chain = byKey.get(key);
    return chain == null ? historyHorizon : chain.lastSeq();
  }

  /**
   * The SEQ from which on this table's history is complete: every state at or after it reads
   * exactly as it did before history was deleted; earlier states are gone. -1 when no history
   * was ever deleted.
   */
  public long historyHorizon() {
    return historyHorizon;
  }

  /** SEQ of the last history deletion applied since startup, -1 if none. */
  public long lastPurgeSeq() {
    return lastPurgeSeq;
  }

  // ---- writer side (materializer thread only) ----

  void changeSchema(long seq, TableSchema schema) {
    List<SchemaVersion> next = new ArrayList<>(schemas);
    next.add(new SchemaVersion(seq, schema));
    schemas = List.copyOf(next);
    lastModifiedSeq = Math.max(lastModifiedSeq, seq);
    historyHorizon = Math.max(historyHorizon, TableOptions.horizon(schema));
  }

  void drop(long seq) {
    droppedSeq = seq;
  }

  /** Writes a row version (a row event applied from the log). */
  void write(long seq, RowKey key, Object[] row, byte op) {
    restore(seq, key, row, op);
    recentWrites.add(seq, key);
  }

  /**
   * Writes a row version read from a snapshot delta: not kept in {@link #recentWrites}, which
   * holds writes in SEQ order (a delta's versions come key by key) and only those after the
   * newest snapshot or delta, which these are not.
   */
  void restore(long seq, RowKey key, Object[] row, byte op) {
    lastModifiedSeq = Math.max(lastModifiedSeq, seq);
    VersionChain chain = byKey.get(key);
    if (chain == null) {
      chain = new VersionChain();
      putChain(key, chain);
    }
    Object[] previous = chain.size() == 0 ? null : chain.rowAtIndex(chain.size() - 1);
    if (op == VersionChain.DELETE) {
      chain.append(seq, previous, op);
      return;
    }
    VersionChain.shareUnchangedCells(previous, row);
    chain.append(seq, row, op);
    for (SecondaryIndex idx : indexes.values()) {
      // The index keeps every value a key ever had; an UPDATE that leaves the indexed columns
      // alone adds nothing new, and skipping it saves most of the replay time.
      if (previous == null || !idx.sameIndexedValues(previous, row)) {
        idx.add(key, row);
      }
    }
  }

  /** Writer side: installs a chain (a new key, or one read from a snapshot). */
  void putChain(RowKey key, VersionChain chain) {
    rows.put(key, chain);
    byKey.put(key, chain);
  }

  void addIndex(IndexInfo info) {
    SecondaryIndex idx = new SecondaryIndex(info);
    for (Map.Entry<RowKey, VersionChain> e : rows.entrySet()) {
      VersionChain c = e.getValue();
      Object[] previous = null;
      for (int i = 0; i < c.size(); i++) {
        if (c.opAt(i) != VersionChain.DELETE) {
          Object[] row = c.rowAtIndex(i);
          if (previous == null || !idx.sameIndexedValues(previous, row)) {
            idx.add(e.getKey(), row);
          }
          previous = row;
        }
      }
    }
    indexes.put(info.name().toLowerCase(), idx);
  }

  /**
   * Deletes history: every version that stopped being current at or before {@code horizon}
   * (tombstones of rows deleted by then included); the version current at the horizon and all
   * later ones stay, so every state from the horizon on reads as before. Chains are replaced,
   * never shrunk in place, so concurrent readers of the old chain see a consistent chain.
   * Indexes are rebuilt without the deleted values. Returns how many versions were deleted.
   */
  long deleteHistory(long purgeSeq, long horizon) {
    lastPurgeSeq = purgeSeq;
    long removed = 0;
    for (Map.Entry<RowKey, VersionChain> e : rows.entrySet()) {
      VersionChain c = e.getValue();
      int i = c.versionIndexAt(horizon);
      if (i < 0) {
        continue;
      }
      int keepFrom = c.opAt(i) == VersionChain.DELETE ? i + 1 : i;
      if (keepFrom == 0) {
        continue;
      }
      if (keepFrom >= c.size()) {
        rows.remove(e.getKey(), c);
        byKey.remove(e.getKey(), c);
      } else {
        VersionChain kept = c.suffix(keepFrom);
        rows.replace(e.getKey(), c, kept);
        byKey.replace(e.getKey(), c, kept);
      }
      removed += keepFrom;
    }
    if (removed > 0) {
      for (SecondaryIndex idx : List.copyOf(indexes.values())) {
        addIndex(idx.info());
      }
    }
    return removed;
  }

  /**
   * The rows written after {@code since} and at or before {@code through}, each once, or null
   * when those writes are no longer known (then every row has to be visited). A row is taken
   * at its last write in the range, which its chain tells, so no set of the keys seen is built:
   * a delta may cover millions of writes, and hashing each into a set cost a fifth of the
   * delta's time.
   */
  List<Map.Entry<RowKey, VersionChain>> rowsWrittenBetween(long since, long through) {
    RecentWrites.Writes w = recentWrites.writtenBetween(since, through);
    if (w == null) {
      return null;
    }
    List<Map.Entry<RowKey, VersionChain>> out = new ArrayList<>(w.size());
    Set<RowKey> writtenTwiceInOneTransaction = null;
    for (int i = w.from(); i < w.to(); i++) {
      RowKey key = w.keys()[i];
      long seq = w.seqs()[i];
      VersionChain chain = byKey.get(key);
      if (chain == null) {
        continue; // its history was deleted
      }
      int last = chain.versionIndexAt(through);
      if (last < 0 || chain.seqAt(last) != seq) {
        continue; // written again later in the range: taken there
      }
      if (last > 0 && chain.seqAt(last - 1) == seq) { // rare: one transaction wrote the key twice
        if (writtenTwiceInOneTransaction == null) {
          writtenTwiceInOneTransaction = new HashSet<>();
        }
        if (!writtenTwiceInOneTransaction.add(key)) {
          continue;
        }
      }
      out.add(Map.entry(key, chain));
    }
    return out;
  }

  /** A snapshot or delta at {@code seq} holds every write up to it: {@link #rowsWrittenBetween} may forget them. */
  void forgetWritesThrough(long seq) {
    recentWrites.forgetThrough(seq);
  }

  void dropIndex(String name) {
    indexes.remove(name.toLowerCase());
  }
}
