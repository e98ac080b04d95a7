package io.driftdb.sql.catalog;

import io.driftdb.materializer.Catalog;
import io.driftdb.materializer.Materializer;
import io.driftdb.materializer.TableData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every table incarnation the log ever created, in creation order: the order that gives tables
 * their OIDs. It only grows (by appending), so an older instance stays right for the tables it
 * knows.
 */
final class TableOrdinals {
  private final Map<Long, Integer> ordinal;
  private final List<TableData> byOrdinal;

  private TableOrdinals(Map<Long, Integer> ordinal, List<TableData> byOrdinal) {
    this.ordinal = ordinal;
    this.byOrdinal = byOrdinal;
  }

  static TableOrdinals compute(Catalog catalog) {
    Map<Long, TableData> all = new LinkedHashMap<>();
    for (String name : catalog.allNames()) {
      for (Catalog.Binding b : catalog.history(name)) {
        TableData d = catalog.table(b.tableId());
        if (d != null) {
          all.putIfAbsent(d.tableId(), d);
        }
      }
    }
    List<TableData> ordered = new ArrayList<>(all.values());
    ordered.sort(Comparator.comparingLong(TableData::createdSeq).thenComparingLong(TableData::tableId));
    Map<Long, Integer> out = new HashMap<>();
    for (int i = 0; i < ordered.size(); i++) {
      out.put(ordered.get(i).tableId(), i);
    }
    return new TableOrdinals(out, List.copyOf(ordered));
  }

  /** The table's OID, or -1 if this instance predates the table. */
  int oid(TableData t) {
    Integer k = ordinal.get(t.tableId());
    return k == null ? -1 : Oids.table(k);
  }

  /** The incarnation whose block starts at {@code tableOid}, or null. */
  TableData at(int tableOid) {
    int k = (tableOid - Oids.FIRST_USER_OID) / Oids.BLOCK;
    return k >= 0 && k < byOrdinal.size() ? byOrdinal.get(k) : null;
  }

  /**
   * Ordinals of one catalog (one Calcite root schema, rebuilt on DDL), computed on first use and
   * again when the catalog has moved on. Only the tables' order is cached, never their contents.
   */
  static final class Cache {
    private long version = Long.MIN_VALUE;
    private TableOrdinals value;

    synchronized TableOrdinals get(Materializer m) {
      long v = m.schemaVersion();
      if (value == null || v != version) {
        value = compute(m.catalog());
        version = v;
      }
      return value;
    }
  }
}
