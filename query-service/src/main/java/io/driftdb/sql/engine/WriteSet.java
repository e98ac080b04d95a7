package io.driftdb.sql.engine;

import io.driftdb.materializer.RowKey;
import io.driftdb.schemas.DdlEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A transaction's buffered writes: the final row image per key (null = deleted) and its DDL.
 * Reads inside the transaction overlay it on the snapshot; COMMIT turns it into one log record.
 */
public final class WriteSet {
  private final Map<Long, LinkedHashMap<RowKey, Object[]>> rows = new LinkedHashMap<>();
  /** Keys this transaction INSERTed (as opposed to updated): a commit-time duplicate is a unique violation. */
  private final Map<Long, Set<RowKey>> inserted = new LinkedHashMap<>();
  private final List<DdlEvent> ddl = new ArrayList<>();
  /** Tables that constraint checks looked at: a concurrent write to one of them aborts the commit. */
  private final Set<Long> dependsOn = new HashSet<>();

  public void dependsOn(long tableId) {
    dependsOn.add(tableId);
  }

  public Set<Long> dependencies() {
    return dependsOn;
  }

  public void put(long tableId, RowKey key, Object[] row, boolean insert) {
    rows.computeIfAbsent(tableId, k -> new LinkedHashMap<>()).put(key, row);
    if (insert) {
      inserted.computeIfAbsent(tableId, k -> new HashSet<>()).add(key);
    }
  }

  public void addDdl(DdlEvent e) {
    ddl.add(e);
  }

  /** How many rows (keys, over all tables) the transaction writes. */
  public int rowCount() {
    int n = 0;
    for (var t : rows.values()) {
      n += t.size();
    }
    return n;
  }

  public boolean isEmpty() {
    return ddl.isEmpty() && rows.values().stream().allMatch(Map::isEmpty);
  }

  public Map<Long, LinkedHashMap<RowKey, Object[]>> rows() {
    return rows;
  }

  public boolean wasInserted(long tableId, RowKey key) {
    Set<RowKey> s = inserted.get(tableId);
    return s != null && s.contains(key);
  }

  public List<DdlEvent> ddl() {
    return ddl;
  }

  /** The overlay for reads: table id -> key -> image or null. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Map<Long, Map<RowKey, Object[]>> overlay() {
    return (Map) rows;
  }

  /** Adds every write of {@code other} on top of this one (statement end, RELEASE). */
  public void merge(WriteSet other) {
    for (var e : other.rows.entrySet()) {
      for (var r : e.getValue().entrySet()) {
        rows.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>()).put(r.getKey(), r.getValue());
      }
    }
    for (var e : other.inserted.entrySet()) {
      inserted.computeIfAbsent(e.getKey(), k -> new HashSet<>()).addAll(e.getValue());
    }
    ddl.addAll(other.ddl);
    dependsOn.addAll(other.dependsOn);
  }

  /** A deep copy, for savepoints. */
  public WriteSet copy() {
    WriteSet c = new WriteSet();
    c.merge(this);
    return c;
  }
}
