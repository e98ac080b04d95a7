package io.driftdb.sql.catalog;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/** {@code generate_series(start, stop[, step])} over integers, as a table function. */
public final class Series extends AbstractTable implements ScannableTable {
  private static final int MAX_ROWS = 10_000_000;

  private final long start;
  private final long stop;
  private final long step;

  private Series(long start, long stop, long step) {
    this.start = start;
    this.stop = stop;
    this.step = step;
  }

  public static ScannableTable of(Object start, Object stop) {
    return ofStep(start, stop, 1);
  }

  /** Arguments arrive as whatever numeric type the call site has; a null bound gives no rows. */
  public static ScannableTable ofStep(Object start, Object stop, Object step) {
    if (start == null || stop == null || step == null) {
      return new Series(1, 0, 1);
    }
    long st = ((Number) step).longValue();
    if (st == 0) {
      throw new io.driftdb.sql.SqlError(io.driftdb.sql.SqlError.INVALID_PARAMETER_VALUE, "step size cannot equal zero");
    }
    return new Series(((Number) start).longValue(), ((Number) stop).longValue(), st);
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory f) {
    return f.builder().add("generate_series", SqlTypeName.INTEGER).build();
  }

  @Override
  public Enumerable<Object[]> scan(DataContext root) {
    List<Object[]> out = new ArrayList<>();
    for (long v = start; step > 0 ? v <= stop : v >= stop; v += step) {
      if (out.size() >= MAX_ROWS) {
        throw new io.driftdb.sql.SqlError("54000", "generate_series: more than " + MAX_ROWS + " rows");
      }
      out.add(new Object[] {(int) v});
    }
    return Linq4j.asEnumerable(out);
  }
}
