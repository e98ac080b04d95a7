package io.driftdb.sql.plan;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.interpreter.Bindables;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexNode;

/**
 * Pushes into a DriftDB table scan only the conjuncts the scan evaluates itself (see
 * {@link RowPredicate}); the rest stay in a Filter above, which Calcite compiles once with the
 * plan. Calcite's own FilterTableScanRule would push everything, and its interpreter would then
 * compile the leftovers with Janino on every execution of a cached plan.
 */
final class DriftFilterScanRule extends RelOptRule {
  static final DriftFilterScanRule INSTANCE = new DriftFilterScanRule();

  private DriftFilterScanRule() {
    super(operand(Filter.class, operand(TableScan.class, none())), "DriftFilterScanRule");
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    Filter filter = call.rel(0);
    TableScan scan = call.rel(1);
    DriftTable table = scan.getTable().unwrap(DriftTable.class);
    if (table == null) {
      return;
    }
    if (scan instanceof Bindables.BindableTableScan b && (!b.filters.isEmpty() || !b.projects.equals(
        TableScan.identity(scan.getTable())))) {
      return;
    }
    if (!(scan instanceof LogicalTableScan) && !(scan instanceof Bindables.BindableTableScan)) {
      return;
    }
    List<RelDataTypeField> fields = scan.getRowType().getFieldList();
    List<RexNode> pushed = new ArrayList<>();
    List<RexNode> kept = new ArrayList<>();
    for (RexNode c : RelOptUtil.conjunctions(filter.getCondition())) {
      if (RowPredicate.isSimple(c, fields)) {
        pushed.add(c);
      } else {
        kept.add(c);
      }
    }
    if (pushed.isEmpty()) {
      return;
    }
    RelOptUtilHolder.transform(call, scan, pushed, kept);
  }

  /** Builds the new scan and the remaining filter. */
  private static final class RelOptUtilHolder {
    static void transform(RelOptRuleCall call, TableScan scan, List<RexNode> pushed, List<RexNode> kept) {
      var newScan = Bindables.BindableTableScan.create(scan.getCluster(), scan.getTable(), pushed,
          TableScan.identity(scan.getTable()));
      var b = call.builder().push(newScan);
      if (!kept.isEmpty()) {
        b.filter(kept);
      }
      call.transformTo(b.build());
    }
  }
}
