package io.driftdb.sql.plan;

import io.driftdb.materializer.TableOptions;
import io.driftdb.sql.SqlError;
import io.driftdb.sql.parser.TemporalMarkers;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.core.Snapshot;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.tools.RelBuilder;

/**
 * Rewrites {@code Snapshot(Scan t, period)} into {@code Filter(Scan history(t), predicate)}:
 * the period becomes a predicate on the hidden system columns with the semantics of
 * DESIGN.md (AS OF p: from <= p < to; FROM a TO b: from < b and to > a; BETWEEN a AND b:
 * from <= b and to > a; CONTAINED IN (a, b): from >= a and to <= b). SEQ bounds compare
 * {@code _seq_*}, timestamps compare {@code _system_*}. The history scan recognises the AS OF
 * pair and reads the version chains at that SEQ instead of every version.
 */
public final class TemporalSnapshotRule extends RelOptRule {
  public static final TemporalSnapshotRule INSTANCE = new TemporalSnapshotRule();

  private TemporalSnapshotRule() {
    super(operand(Snapshot.class, operand(TableScan.class, none())), "DriftTemporalSnapshotRule");
  }

  /** A bound of a period: SEQ or timestamp, and its expression. */
  private record Point(boolean seq, RexNode value) {}

  @Override
  public void onMatch(RelOptRuleCall call) {
    Snapshot snap = call.rel(0);
    TableScan scan = call.rel(1);
    DriftTable table = scan.getTable().unwrap(DriftTable.class);
    if (table == null || table.isHistory()) {
      return;
    }
    RelOptTable history = scan.getTable().getRelOptSchema()
        .getTableForMember(List.of(DriftSchemas.HISTORY_SCHEMA, table.name()));
    if (history == null) {
      throw new IllegalStateException("no history table for " + table.name());
    }
    RelBuilder b = call.builder();
    b.push(LogicalTableScan.create(scan.getCluster(), history, List.of()));
    RexNode period = snap.getPeriod();
    String fn = period instanceof RexCall c ? c.getOperator().getName().toLowerCase() : "";
    List<RexNode> conds = new ArrayList<>();
    switch (fn) {
      case TemporalMarkers.ALL -> { }
      case TemporalMarkers.BETWEEN, TemporalMarkers.FROM_TO, TemporalMarkers.CONTAINED_IN -> {
        Point lo = point(b, ((RexCall) period).getOperands().get(0));
        Point hi = point(b, ((RexCall) period).getOperands().get(1));
        if (lo.seq() != hi.seq()) {
          throw new SqlError(SqlError.SYNTAX_ERROR, "a system-time period cannot mix @SEQ and timestamp bounds");
        }
        requireCheckable(table, lo.value());
        String p = lo.seq() ? "_seq" : "_system";
        RexNode from = b.field(p + "_from");
        RexNode to = b.field(p + "_to");
        switch (fn) {
          case TemporalMarkers.BETWEEN -> {
            conds.add(b.lessThanOrEqual(from, hi.value()));
            conds.add(b.greaterThan(to, lo.value()));
          }
          case TemporalMarkers.FROM_TO -> {
            conds.add(b.lessThan(from, hi.value()));
            conds.add(b.greaterThan(to, lo.value()));
          }
          default -> {
            conds.add(b.greaterThanOrEqual(from, lo.value()));
            conds.add(b.lessThanOrEqual(to, hi.value()));
          }
        }
      }
      default -> {
        Point pt = point(b, period);
        requireCheckable(table, pt.value());
        String p = pt.seq() ? "_seq" : "_system";
        conds.add(b.lessThanOrEqual(b.field(p + "_from"), pt.value()));
        conds.add(b.greaterThan(b.field(p + "_to"), pt.value()));
      }
    }
    if (!conds.isEmpty()) {
      b.filter(conds);
    }
    call.transformTo(b.build());
  }

  /**
   * Once history of the table was deleted, the scan must see the period's lower end to refuse
   * a point before the horizon; it sees only literals and parameters (what it evaluates
   * itself). Any other expression (per row, now() arithmetic) is refused rather than answered
   * from an incomplete history.
   */
  private static void requireCheckable(DriftTable table, RexNode point) {
    long horizon = TableOptions.horizon(table.shape());
    if (horizon < 0 || constant(point)) {
      return;
    }
    throw new SqlError(SqlError.FEATURE_NOT_SUPPORTED, "the history of table \"" + table.name() + "\" before SEQ "
        + horizon + " was deleted, so FOR SYSTEM_TIME on it needs a literal or parameter as its point (or lower"
        + " bound), which can be checked against that horizon; compute the point first and pass it as a parameter");
  }

  private static boolean constant(RexNode n) {
    if (n instanceof RexLiteral || n instanceof RexDynamicParam) {
      return true;
    }
    return n instanceof RexCall c && c.getKind() == SqlKind.CAST
        && (c.getOperands().get(0) instanceof RexLiteral || c.getOperands().get(0) instanceof RexDynamicParam);
  }

  private static Point point(RelBuilder b, RexNode n) {
    RexBuilder rex = b.getRexBuilder();
    if (n instanceof RexCall c && c.getOperator().getName().equalsIgnoreCase(TemporalMarkers.SEQ)) {
      RexNode v = c.getOperands().get(0);
      if (v.getType().getSqlTypeName() != SqlTypeName.BIGINT) {
        v = rex.makeCast(b.getTypeFactory().createSqlType(SqlTypeName.BIGINT), v, true, false);
      }
      return new Point(true, v);
    }
    if (n instanceof RexCall c && TemporalMarkers.isMarker(c.getOperator().getName())) {
      throw new SqlError(SqlError.SYNTAX_ERROR, "a system-time period cannot be nested");
    }
    return new Point(false, n);
  }
}
