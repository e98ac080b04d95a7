package io.driftdb.sql.plan;

import io.driftdb.materializer.ColumnInfo;
import io.driftdb.materializer.TableSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.ProjectableFilterableTable;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.TemporalTable;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * A DriftDB table as Calcite sees it: the user columns of the newest incarnation of the name,
 * then the hidden system columns. The current table reads the statement's snapshot; its
 * history twin (same name in the hidden history schema) returns every version, and the
 * temporal rule puts a period filter on top that the scan turns into a point lookup in the
 * version chains when it can.
 */
public final class DriftTable extends AbstractTable implements ProjectableFilterableTable, TemporalTable {
  private final String name;
  private final TableSchema shape;
  private final boolean history;
  private final long rowCountEstimate;

  public DriftTable(String name, TableSchema shape, boolean history, long rowCountEstimate) {
    this.name = name;
    this.shape = shape;
    this.history = history;
    this.rowCountEstimate = rowCountEstimate;
  }

  public String name() {
    return name;
  }

  public TableSchema shape() {
    return shape;
  }

  public boolean isHistory() {
    return history;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory f) {
    RelDataTypeFactory.Builder b = f.builder();
    for (ColumnInfo c : shape.columns()) {
      b.add(c.name(), f.createTypeWithNullability(TypeMapping.toCalcite(f, c.type()), true));
    }
    b.add(SystemColumns.SEQ_FROM, f.createTypeWithNullability(f.createSqlType(SqlTypeName.BIGINT), true));
    b.add(SystemColumns.SEQ_TO, f.createTypeWithNullability(f.createSqlType(SqlTypeName.BIGINT), true));
    b.add(SystemColumns.SYSTEM_FROM, f.createTypeWithNullability(f.createSqlType(SqlTypeName.TIMESTAMP, 3), true));
    b.add(SystemColumns.SYSTEM_TO, f.createTypeWithNullability(f.createSqlType(SqlTypeName.TIMESTAMP, 3), true));
    b.add(SystemColumns.OP, f.createTypeWithNullability(f.createSqlType(SqlTypeName.VARCHAR, 6), true));
    return b.build();
  }

  @Override
  public Statistic getStatistic() {
    if (shape.hasPrimaryKey() && !history) {
      List<Integer> keys = new ArrayList<>();
      for (int id : shape.primaryKey()) {
        keys.add(shape.position(id));
      }
      return Statistics.of(rowCountEstimate, List.of(ImmutableBitSet.of(keys)));
    }
    return Statistics.of(rowCountEstimate, List.of());
  }

  @Override
  public Enumerable<Object[]> scan(DataContext root, List<RexNode> filters, int[] projects) {
    ReadContext rc = (ReadContext) root.get(ReadContext.KEY);
    return new TableScanner(this, rc, root, filters, projects, null).scan();
  }

  /** The first OFFSET + FETCH rows in the order {@code order} names (see {@link DriftOrderedScan}). */
  Enumerable<Object[]> scanOrdered(DataContext root, List<RexNode> filters, int[] projects, ScanOrder order) {
    ReadContext rc = (ReadContext) root.get(ReadContext.KEY);
    return new TableScanner(this, rc, root, filters, projects, order).scan();
  }

  @Override
  public String getSysStartFieldName() {
    return SystemColumns.SYSTEM_FROM;
  }

  @Override
  public String getSysEndFieldName() {
    return SystemColumns.SYSTEM_TO;
  }
}
