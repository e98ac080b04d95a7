package io.driftdb.sql.plan;

import io.driftdb.materializer.TableSchema;
import io.driftdb.materializer.ValueComparator;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;

/**
 * An ORDER BY ... LIMIT a scan answers by walking the primary key or a secondary index in order
 * (chosen by {@link OrderedAccess}, planted by {@link DriftSortScanRule}): the sort keys as table
 * fields, the index that supplies the order (null = the primary key), and the query's OFFSET and
 * FETCH (literals or parameters), whose sum is how many rows the scan produces.
 *
 * @param ranged whether a condition on the leading key bounds the walk (for EXPLAIN)
 */
record ScanOrder(String index, List<Key> keys, RexNode offset, RexNode fetch, boolean ranged) {

  /** One sort key: a table field, its direction and where its NULLs go. */
  record Key(int field, boolean descending, boolean nullsFirst) {}

  ScanOrder {
    keys = List.copyOf(keys);
  }

  /** Every key shares one direction (a walk goes one way). */
  boolean descending() {
    return keys.get(0).descending();
  }

  /** OFFSET + FETCH for this execution, or Long.MAX_VALUE when a parameter is unknown or NULL. */
  long limit(DataContext root) {
    long off = offset == null ? 0 : count(offset, root);
    long fetchRows = count(fetch, root);
    return off < 0 || fetchRows < 0 || off + fetchRows < 0 ? Long.MAX_VALUE : off + fetchRows;
  }

  private static long count(RexNode n, DataContext root) {
    Object v = ConstantEvaluator.eval(n, root);
    return v instanceof Number x ? Math.max(0, x.longValue()) : -1;
  }

  /**
   * Orders rows the scan produces (by output position {@code outputPos[k]} for key k) the way
   * Calcite's sort does: the in-memory value order with NULLs placed as each key asks.
   */
  Comparator<Object[]> rowComparator(int[] outputPos) {
    return (a, b) -> {
      for (int k = 0; k < keys.size(); k++) {
        Key key = keys.get(k);
        Object x = a[outputPos[k]];
        Object y = b[outputPos[k]];
        int c;
        if (x == null || y == null) {
          c = x == y ? 0 : (x == null) == key.nullsFirst() ? -1 : 1;
        } else {
          c = ValueComparator.compareValues(x, y);
          c = key.descending() ? -c : c;
        }
        if (c != 0) {
          return c;
        }
      }
      return 0;
    };
  }

  /** E.g. {@code index range scan t_v_idx ordered by (v DESC, id) limit 5 offset 10}. */
  String describe(TableSchema shape) {
    String source = index == null ? "primary-key " + (ranged ? "range scan " : "scan ") + shape.name() + "_pkey"
        : "index " + (ranged ? "range scan " : "scan ") + index;
    List<String> cols = new ArrayList<>();
    for (Key k : keys) {
      String c = shape.columns().get(k.field()).name() + (k.descending() ? " DESC" : "");
      // PostgreSQL's default: NULLS LAST ascending, NULLS FIRST descending; name only the other.
      if (k.nullsFirst() != k.descending()) {
        c += k.nullsFirst() ? " NULLS FIRST" : " NULLS LAST";
      }
      cols.add(c);
    }
    StringBuilder b = new StringBuilder(source).append(" ordered by (").append(String.join(", ", cols)).append(")")
        .append(" limit ").append(text(fetch));
    if (offset != null && !(offset instanceof RexLiteral l && BigDecimal.ZERO.compareTo(l.getValueAs(BigDecimal.class)) == 0)) {
      b.append(" offset ").append(text(offset));
    }
    return b.toString();
  }

  private static String text(RexNode n) {
    if (n instanceof RexLiteral l && l.getValueAs(BigDecimal.class) != null) {
      return l.getValueAs(BigDecimal.class).toPlainString();
    }
    return n instanceof org.apache.calcite.rex.RexDynamicParam p ? "$" + (p.getIndex() + 1) : n.toString();
  }
}
