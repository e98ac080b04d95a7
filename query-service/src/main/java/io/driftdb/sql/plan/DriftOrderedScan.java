package io.driftdb.sql.plan;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.interpreter.BindableConvention;
import org.apache.calcite.interpreter.BindableRel;
import org.apache.calcite.interpreter.Node;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.AbstractRelNode;
import org.apache.calcite.rel.RelCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.runtime.Enumerables;
import org.apache.calcite.util.ImmutableIntList;

/**
 * A DriftDB table scan that produces its rows in sort order and only the first OFFSET + FETCH
 * of them, walking the primary key or a secondary index ({@link ScanOrder}). Not a TableScan
 * subclass on purpose: Calcite's interpreter would run any TableScan through its own
 * table-scan node, which knows nothing of the order; this one implements itself.
 * Not equivalent to the full scan (it returns fewer rows): it lives only under the Sort that
 * {@link DriftSortScanRule} built for it.
 */
final class DriftOrderedScan extends AbstractRelNode implements BindableRel {
  private final RelOptTable table;
  final List<RexNode> filters;
  final ImmutableIntList projects;
  final ScanOrder order;

  DriftOrderedScan(RelOptCluster cluster, RelTraitSet traits, RelOptTable table, List<RexNode> filters,
                   ImmutableIntList projects, ScanOrder order) {
    super(cluster, traits);
    this.table = table;
    this.filters = List.copyOf(filters);
    this.projects = projects;
    this.order = order;
  }

  /** The scan in the Bindable convention, declaring {@code collation} (over its output fields). */
  static DriftOrderedScan create(RelOptCluster cluster, RelOptTable table, List<RexNode> filters,
                                 ImmutableIntList projects, ScanOrder order, RelCollation collation) {
    RelTraitSet traits = cluster.traitSetOf(BindableConvention.INSTANCE).replace(collation);
    return new DriftOrderedScan(cluster, traits, table, filters, projects, order);
  }

  DriftTable driftTable() {
    return table.unwrap(DriftTable.class);
  }

  @Override
  public RelOptTable getTable() {
    return table;
  }

  @Override
  protected RelDataType deriveRowType() {
    List<RelDataTypeField> fields = table.getRowType().getFieldList();
    var b = getCluster().getTypeFactory().builder();
    for (int p : projects) {
      b.add(fields.get(p));
    }
    return b.build();
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new DriftOrderedScan(getCluster(), traitSet, table, filters, projects, order);
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return super.explainTerms(pw)
        .item("table", table.getQualifiedName())
        .itemIf("filters", filters, !filters.isEmpty())
        .item("projects", projects)
        .item("order", getTraitSet().getCollation())
        .itemIf("offset", order.offset(), order.offset() != null)
        .item("fetch", order.fetch());
  }

  /** OFFSET + FETCH when literal, at most what the same scan without the order would estimate. */
  @Override
  public double estimateRowCount(RelMetadataQuery mq) {
    double scanned = table.getRowCount() * (filters.isEmpty() ? 1 : 0.5);
    Object off = order.offset() instanceof RexLiteral l ? ConstantEvaluator.literal(l) : 0;
    Object fetch = order.fetch() instanceof RexLiteral l ? ConstantEvaluator.literal(l) : null;
    if (fetch instanceof Number f && off instanceof Number o) {
      return Math.min(scanned, f.doubleValue() + o.doubleValue());
    }
    return scanned;
  }

  /**
   * Next to nothing: the walk replaces the scan and the sort, and must win even on an empty
   * table, whose plan stays cached while the table grows. (Volcano compares row counts; this
   * rel's are at most the plain scan's, and its own cost is below a BindableTableScan's.)
   */
  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    double rows = mq.getRowCount(this);
    return planner.getCostFactory().makeCost(rows, rows, 0).multiplyBy(1e-6);
  }

  @Override
  public Class<Object[]> getElementType() {
    return Object[].class;
  }

  @Override
  public Enumerable<Object[]> bind(DataContext root) {
    List<RexNode> remaining = new ArrayList<>(filters);
    Enumerable<Object[]> rows = driftTable().scanOrdered(root, remaining, projectsOrNull(), order);
    if (!remaining.isEmpty()) {
      // The rule pushes only filters the scan evaluates; a leftover would make the limit wrong.
      throw new IllegalStateException("ordered scan left filters unevaluated: " + remaining);
    }
    return rows;
  }

  @Override
  public Node implement(InterpreterImplementor implementor) {
    implementor.compiler.enumerable(this, Enumerables.toRow(bind(implementor.compiler.getDataContext())));
    return () -> { };
  }

  private int[] projectsOrNull() {
    return projects.equals(ImmutableIntList.identity(table.getRowType().getFieldCount())) ? null
        : projects.toIntArray();
  }
}
