package io.driftdb.sql.plan;

import io.driftdb.materializer.ColumnInfo;
import io.driftdb.materializer.ColumnType;
import io.driftdb.materializer.IndexInfo;
import io.driftdb.materializer.TableSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rex.RexNode;

/**
 * Decides, when planning, whether an ORDER BY ... LIMIT over a scan can walk the primary key or
 * a secondary index in order and stop after its rows. The sort keys must be a prefix of the key
 * order (an index orders by its columns, then the primary key), all in one direction. Where NULLs
 * go is free on the leading key (the walk visits the NULL entries first or last); later keys must
 * be NOT NULL or want NULLs where the index keeps them (lowest). A point lookup, or an index or
 * primary-key condition on another column, narrows the scan better: those keep their path and
 * Calcite sorts.
 */
final class OrderedAccess {
  private OrderedAccess() {}

  /** The ordered walk for these sort keys, or null when none fits. */
  static ScanOrder choose(DriftTable table, List<RexNode> filters, List<ScanOrder.Key> keys, RexNode offset,
                          RexNode fetch) {
    TableSchema s = table.shape();
    List<RexNode> conj = AccessPaths.conjuncts(filters);
    if (keys.isEmpty() || fetch == null || s.documentTable() || AccessPaths.prefix(table, conj) == null) {
      return null;
    }
    int users = s.columns().size();
    for (ScanOrder.Key k : keys) {
      if (k.field() >= users || k.descending() != keys.get(0).descending()
          || !orderable(s.columns().get(k.field()).type())) {
        return null;
      }
    }
    int lead = keys.get(0).field();
    List<Integer> pk = positions(s, s.primaryKey());
    if (s.hasPrimaryKey() && pk.stream().allMatch(p -> AccessPaths.equality(conj, p))) {
      return null;
    }
    if (pk.size() == 1 && pk.get(0) != lead && AccessPaths.range(conj, pk.get(0))) {
      return null;
    }
    for (IndexInfo idx : s.indexes()) {
      int c = AccessPaths.pos(s, idx.columnIds().get(0));
      if (c != lead && (AccessPaths.equality(conj, c) || AccessPaths.range(conj, c))) {
        return null;
      }
    }
    boolean ranged = AccessPaths.equality(conj, lead) || AccessPaths.range(conj, lead);
    if (s.hasPrimaryKey() && fits(s, keys, pk)) {
      return new ScanOrder(null, keys, offset, fetch, pk.size() == 1 && ranged);
    }
    for (IndexInfo idx : s.indexes()) {
      List<Integer> order = new ArrayList<>(positions(s, idx.columnIds()));
      order.addAll(pk);
      if (fits(s, keys, order)) {
        return new ScanOrder(idx.name(), keys, offset, fetch, ranged);
      }
    }
    return null;
  }

  /** Whether the keys are a prefix of {@code order} (field positions) with NULLs where the walk yields them. */
  private static boolean fits(TableSchema s, List<ScanOrder.Key> keys, List<Integer> order) {
    if (keys.size() > order.size()) {
      return false;
    }
    for (int j = 0; j < keys.size(); j++) {
      ScanOrder.Key k = keys.get(j);
      if (order.get(j) != k.field()) {
        return false;
      }
      // Entries keep NULLs lowest: ascending walks see them first, descending walks last.
      if (j > 0 && nullable(s, k.field()) && k.nullsFirst() == k.descending()) {
        return false;
      }
    }
    return true;
  }

  private static boolean nullable(TableSchema s, int field) {
    ColumnInfo c = s.columns().get(field);
    return c.nullable() && !s.primaryKey().contains(c.id());
  }

  private static List<Integer> positions(TableSchema s, List<Integer> columnIds) {
    List<Integer> out = new ArrayList<>();
    for (int id : columnIds) {
      out.add(AccessPaths.pos(s, id));
    }
    return out;
  }

  /**
   * Types whose in-memory order is the order Calcite sorts them in. CHAR (blank-padded
   * comparison) and BYTEA (byte strings compared in another representation) stay with Calcite.
   */
  private static boolean orderable(ColumnType t) {
    return t.kind() != ColumnType.Kind.CHAR && t.kind() != ColumnType.Kind.BYTEA;
  }
}
