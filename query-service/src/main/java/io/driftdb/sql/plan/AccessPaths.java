package io.driftdb.sql.plan;

import io.driftdb.materializer.ColumnInfo;
import io.driftdb.materializer.IndexInfo;
import io.driftdb.materializer.TableSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;

/**
 * Describes, for EXPLAIN, the access path {@link TableScanner} takes for a scan with these
 * pushed filters: the same rules (AS OF pair, primary-key point or range, secondary-index
 * point or range, else full scan), decided on the shape of the filters since parameter values
 * are not known when explaining.
 */
final class AccessPaths {
  private AccessPaths() {}

  static String describe(DriftTable table, List<RexNode> filters) {
    List<RexNode> conj = conjuncts(filters);
    String prefix = prefix(table, conj);
    if (prefix == null) {
      return "every version (history scan)";
    }
    TableSchema s = table.shape();
    if (s.hasPrimaryKey()) {
      boolean all = true;
      for (int id : s.primaryKey()) {
        all &= equality(conj, pos(s, id));
      }
      if (all) {
        return prefix + "primary-key lookup " + s.name() + "_pkey";
      }
      if (s.primaryKey().size() == 1 && range(conj, pos(s, s.primaryKey().get(0)))) {
        return prefix + "primary-key range scan " + s.name() + "_pkey";
      }
    }
    for (IndexInfo idx : s.indexes()) {
      if (equality(conj, pos(s, idx.columnIds().get(0)))) {
        return prefix + "index lookup " + idx.name();
      }
    }
    for (IndexInfo idx : s.indexes()) {
      if (range(conj, pos(s, idx.columnIds().get(0)))) {
        return prefix + "index range scan " + idx.name();
      }
    }
    return prefix + "full scan";
  }

  /** The same for a scan that walks a key or index in order for ORDER BY ... LIMIT. */
  static String describe(DriftTable table, List<RexNode> filters, ScanOrder order) {
    String prefix = prefix(table, conjuncts(filters));
    return (prefix == null ? "" : prefix) + order.describe(table.shape());
  }

  static List<RexNode> conjuncts(List<RexNode> filters) {
    List<RexNode> conj = new ArrayList<>();
    for (RexNode f : filters) {
      conj.addAll(RelOptUtil.conjunctions(f));
    }
    return conj;
  }

  /**
   * "" for the current table; for a history scan, the words naming the AS OF point it reads
   * (then the scan reads one version per key), or null when it returns every version.
   */
  static String prefix(DriftTable table, List<RexNode> conj) {
    if (!table.isHistory()) {
      return "";
    }
    int users = table.shape().columns().size();
    boolean seqPair = has(conj, SqlKind.LESS_THAN_OR_EQUAL, users) && has(conj, SqlKind.GREATER_THAN, users + 1);
    boolean tsPair = has(conj, SqlKind.LESS_THAN_OR_EQUAL, users + 2) && has(conj, SqlKind.GREATER_THAN, users + 3);
    if (!seqPair && !tsPair) {
      return null;
    }
    return "versions visible at one " + (seqPair ? "SEQ" : "time") + ", via ";
  }

  static int pos(TableSchema s, int columnId) {
    ColumnInfo c = s.columnById(columnId);
    return c == null ? -1 : s.columns().indexOf(c);
  }

  private static boolean constant(RexNode n) {
    return n instanceof RexLiteral || n instanceof RexDynamicParam
        || (n instanceof RexCall c && c.getKind() == SqlKind.CAST && constant(c.getOperands().get(0)));
  }

  private static boolean has(List<RexNode> conj, SqlKind kind, int field) {
    for (RexNode n : conj) {
      if (n instanceof RexCall c && c.getKind() == kind && c.getOperands().get(0) instanceof RexInputRef r
          && r.getIndex() == field && constant(c.getOperands().get(1))) {
        return true;
      }
    }
    return false;
  }

  static boolean equality(List<RexNode> conj, int field) {
    for (RexNode n : conj) {
      if (n instanceof RexCall c && c.getKind() == SqlKind.EQUALS) {
        RexNode a = c.getOperands().get(0);
        RexNode b = c.getOperands().get(1);
        if ((a instanceof RexInputRef r && r.getIndex() == field && constant(b))
            || (b instanceof RexInputRef r2 && r2.getIndex() == field && constant(a))) {
          return true;
        }
      }
    }
    return false;
  }

  static boolean range(List<RexNode> conj, int field) {
    for (RexNode n : conj) {
      if (!(n instanceof RexCall c)) {
        continue;
      }
      switch (c.getKind()) {
        case SEARCH, GREATER_THAN, GREATER_THAN_OR_EQUAL, LESS_THAN, LESS_THAN_OR_EQUAL -> {
          RexNode a = c.getOperands().get(0);
          RexNode b = c.getOperands().get(1);
          if ((a instanceof RexInputRef r && r.getIndex() == field && constant(b))
              || (b instanceof RexInputRef r2 && r2.getIndex() == field && constant(a))) {
            return true;
          }
        }
        default -> { }
      }
    }
    return false;
  }
}
