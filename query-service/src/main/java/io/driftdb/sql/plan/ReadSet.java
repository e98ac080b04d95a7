package io.driftdb.sql.plan;

import io.driftdb.materializer.RowKey;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a SERIALIZABLE transaction read of the current state: whole tables (scans, ranges,
 * index lookups — anything a phantom could change) and single keys (primary-key lookups).
 * At COMMIT a later write to any of it aborts the transaction with 40001.
 */
public final class ReadSet {
  private final Set<Long> tables = new HashSet<>();
  private final Map<Long, Set<RowKey>> keys = new HashMap<>();

  public void table(long tableId) {
    tables.add(tableId);
  }

  public void key(long tableId, RowKey key) {
    keys.computeIfAbsent(tableId, k -> new HashSet<>()).add(key);
  }

  public Set<Long> tables() {
    return tables;
  }

  public Map<Long, Set<RowKey>> keys() {
    return keys;
  }
}
