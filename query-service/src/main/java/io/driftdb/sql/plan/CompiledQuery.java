package io.driftdb.sql.plan;

import io.driftdb.sql.Column;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.runtime.Bindable;
import org.apache.calcite.schema.SchemaPlus;

/**
 * A query planned and compiled once, executable many times with new parameters and snapshots.
 *
 * @param columns result columns (names and PostgreSQL types)
 * @param resultTypes Calcite types of the result columns, for value conversion
 * @param paramTypes Calcite types of the ? parameters, in order
 * @param plan the physical plan as EXPLAIN prints it
 */
public record CompiledQuery(Bindable<Object> bindable, Map<String, Object> stash, SchemaPlus root,
                            JavaTypeFactory typeFactory, List<Column> columns, List<RelDataType> resultTypes,
                            List<RelDataType> paramTypes, String plan, DirectScan direct) {

  /**
   * A plan that is nothing but one DriftDB table scan (point and range lookups, most of them):
   * executed by calling the scan directly, without building Calcite's interpreter per execution.
   */
  public record DirectScan(DriftTable table, List<org.apache.calcite.rex.RexNode> filters, int[] projects) {}

  /** Runs the query; rows come back in Calcite's internal value forms. */
  public List<Object[]> run(Object[] params, ReadContext read, long nowMs, AtomicBoolean cancel) {
    DriftDataContext ctx = new DriftDataContext(root, typeFactory, stash, params, read, nowMs, cancel);
    List<Object[]> out = new ArrayList<>();
    if (direct != null) {
      List<org.apache.calcite.rex.RexNode> remaining = new ArrayList<>(direct.filters());
      org.apache.calcite.linq4j.Enumerable<Object[]> rows = direct.table().scan(ctx, remaining, direct.projects());
      if (remaining.isEmpty()) {
        for (Object[] r : rows) {
          out.add(r);
        }
        return out;
      }
    }
    int width = columns.size();
    try (Enumerator<Object> e = bindable.bind(ctx).enumerator()) {
      while (e.moveNext()) {
        if (cancel.get()) {
          throw new io.driftdb.sql.SqlError(io.driftdb.sql.SqlError.QUERY_CANCELED, "canceling statement due to user request");
        }
        Object row = e.current();
        if (width == 1 && !(row instanceof Object[] arr && arr.length == 1)) {
          out.add(new Object[] {row});
        } else {
          out.add((Object[]) row);
        }
      }
    }
    return out;
  }
}
