package io.driftdb.sql.plan;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptRuleOperand;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalSort;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.util.ImmutableIntList;

/**
 * ORDER BY ... LIMIT over a DriftDB table, through an optional Project and an optional Filter:
 * when {@link OrderedAccess} finds a key or index whose order is the sort's, the scan becomes a
 * {@link DriftOrderedScan} that walks it, evaluates the filter itself and produces only OFFSET +
 * FETCH rows. The Sort stays on top (Calcite reduces it to a LIMIT, the input being sorted). A
 * filter the scan cannot evaluate keeps the full sort: the walk would not know when to stop.
 * Matches the logical shapes: Volcano shows a rule only the rels of its input's convention.
 */
final class DriftSortScanRule extends RelOptRule {
  static final List<DriftSortScanRule> RULES = List.of(
      new DriftSortScanRule(operand(LogicalSort.class, scan()), "DriftSortScanRule"),
      new DriftSortScanRule(operand(LogicalSort.class, operand(LogicalProject.class, scan())),
          "DriftSortScanRule(project)"),
      new DriftSortScanRule(operand(LogicalSort.class, operand(LogicalFilter.class, scan())),
          "DriftSortScanRule(filter)"),
      new DriftSortScanRule(operand(LogicalSort.class, operand(LogicalProject.class,
          operand(LogicalFilter.class, scan()))), "DriftSortScanRule(project, filter)"));

  private static RelOptRuleOperand scan() {
    return operand(LogicalTableScan.class, none());
  }

  private DriftSortScanRule(RelOptRuleOperand operand, String name) {
    super(operand, name);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    LogicalSort sort = call.rel(0);
    LogicalProject project = null;
    LogicalFilter filter = null;
    for (RelNode r : call.rels) {
      if (r instanceof LogicalProject p) {
        project = p;
      } else if (r instanceof LogicalFilter f) {
        filter = f;
      }
    }
    TableScan scan = call.rel(call.rels.length - 1);
    DriftTable table = scan.getTable().unwrap(DriftTable.class);
    if (table == null || sort.fetch == null || sort.getCollation().getFieldCollations().isEmpty()) {
      return;
    }
    List<RelDataTypeField> fields = scan.getRowType().getFieldList();
    List<RexNode> filters = filter == null ? List.of() : RelOptUtil.conjunctions(filter.getCondition());
    for (RexNode f : filters) {
      if (!RowPredicate.isSimple(f, fields)) {
        return;
      }
    }
    // The scan produces the columns the Project reads (all of them without a Project); a
    // Project that only picks columns disappears into the scan, one that computes stays above.
    List<Integer> projects = new ArrayList<>();
    int[] at = new int[fields.size()];
    if (project == null) {
      projects.addAll(TableScan.identity(scan.getTable()));
    } else {
      projects.addAll(RelOptUtil.InputFinder.bits(project.getProjects(), null).asList());
    }
    for (int i = 0; i < projects.size(); i++) {
      at[projects.get(i)] = i;
    }
    boolean plainProject = project != null && project.getProjects().stream().allMatch(e -> e instanceof RexInputRef);
    if (plainProject) {
      projects.clear();
      project.getProjects().forEach(e -> projects.add(((RexInputRef) e).getIndex()));
    }
    List<ScanOrder.Key> keys = new ArrayList<>();
    List<RelFieldCollation> onScan = new ArrayList<>();
    for (RelFieldCollation fc : sort.getCollation().getFieldCollations()) {
      int out = fc.getFieldIndex();
      int field = out;
      if (project != null) {
        if (!(project.getProjects().get(out) instanceof RexInputRef ref)) {
          return;
        }
        field = ref.getIndex();
        out = plainProject ? out : at[field];
      }
      RelFieldCollation.NullDirection nulls = fc.nullDirection == RelFieldCollation.NullDirection.UNSPECIFIED
          ? fc.direction.defaultNullDirection() : fc.nullDirection;
      keys.add(new ScanOrder.Key(field, fc.direction.isDescending(), nulls == RelFieldCollation.NullDirection.FIRST));
      onScan.add(new RelFieldCollation(out, fc.direction, nulls));
    }
    ScanOrder order = OrderedAccess.choose(table, filters, keys, sort.offset, sort.fetch);
    if (order == null) {
      return;
    }
    RelNode input = DriftOrderedScan.create(scan.getCluster(), scan.getTable(), filters, ImmutableIntList.copyOf(projects),
        order, RelCollations.of(onScan));
    if (project != null && !plainProject) {
      RexShuttle renumber = new RexShuttle() {
        @Override
        public RexNode visitInputRef(RexInputRef ref) {
          return new RexInputRef(at[ref.getIndex()], ref.getType());
        }
      };
      input = project.copy(project.getTraitSet(), input, renumber.apply(project.getProjects()), project.getRowType());
    }
    call.transformTo(sort.copy(sort.getTraitSet(), input, sort.getCollation(), sort.offset, sort.fetch));
  }
}
