package io.driftdb.sql.engine;

import io.driftdb.materializer.ColumnInfo;
import io.driftdb.materializer.IndexInfo;
import io.driftdb.materializer.RowKey;
import io.driftdb.materializer.SecondaryIndex;
import io.driftdb.materializer.TableData;
import io.driftdb.materializer.TableSchema;
import io.driftdb.materializer.ValueComparator;
import io.driftdb.schemas.ConstraintDef;
import io.driftdb.schemas.ConstraintKind;
import io.driftdb.sql.SqlError;
import io.driftdb.sql.plan.CompiledQuery;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.calcite.avatica.util.ByteString;

/**
 * Enforces UNIQUE, CHECK and FOREIGN KEY constraints (NOT NULL and PRIMARY KEY live in the DML
 * executor) against what the statement sees: the snapshot, the block's writes and its own.
 * Every table a check looked at is recorded in the write set, so COMMIT aborts with 40001 if a
 * concurrent transaction changed it (a retried autocommit statement then sees the real state).
 */
final class ConstraintChecker {
  private final DriftEngine engine;
  private final DriftSession session;

  ConstraintChecker(DriftEngine engine, DriftSession session) {
    this.engine = engine;
    this.session = session;
  }

  /** Checks a new or updated row image of {@code t}. */
  void checkRow(TableData t, TableSchema s, RowKey key, Object[] image, long seq, WriteSet out) {
    for (ConstraintDef c : s.constraints()) {
      if (c.getKind() == ConstraintKind.CHECK) {
        check(s, c, image, seq);
      } else if (c.getKind() == ConstraintKind.UNIQUE) {
        out.dependsOn(t.tableId());
        unique(t, s, c.getName(), c.getColumns(), key, image, seq, out);
      } else if (c.getKind() == ConstraintKind.FOREIGN_KEY) {
        foreignKey(s, c, image, seq, out);
      }
    }
    for (IndexInfo idx : s.indexes()) {
      if (idx.unique() && s.constraints().stream().noneMatch(c -> c.getName().equals(idx.name()))) {
        out.dependsOn(t.tableId());
        unique(t, s, idx.name(), idx.columnIds(), key, image, seq, out);
      }
    }
  }

  private void check(TableSchema s, ConstraintDef c, Object[] image, long seq) {
    CompiledQuery q = engine.plan("check\u0000" + s.tableId() + "\u0000" + c.getName(), () ->
        engine.planner().compile(engine.planner().parse(RowExpressions.sql(s, "(" + c.getExpression() + ")")), engine.schema()));
    List<Object[]> r = session.runQuery(q, RowExpressions.params(s, image), seq);
    if (!r.isEmpty() && Boolean.FALSE.equals(r.get(0)[0])) {
      throw new SqlError(SqlError.CHECK_VIOLATION, "new row for relation \"" + s.name()
          + "\" violates check constraint \"" + c.getName() + "\"");
    }
  }

  private static Object[] values(List<Integer> ids, Object[] image) {
    Object[] v = new Object[ids.size()];
    for (int i = 0; i < v.length; i++) {
      int id = ids.get(i);
      v[i] = id < image.length ? image[id] : null;
    }
    return v;
  }

  private static boolean sameValues(Object[] a, Object[] b) {
    for (int i = 0; i < a.length; i++) {
      if (ValueComparator.compareValues(a[i], b[i]) != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasNull(Object[] v) {
    return Arrays.stream(v).anyMatch(x -> x == null);
  }

  private void unique(TableData t, TableSchema s, String name, List<Integer> cols, RowKey key, Object[] image, long seq,
                      WriteSet out) {
    Object[] mine = values(cols, image);
    if (hasNull(mine)) {
      return;
    }
    Map<RowKey, Object[]> block = session.tx() == null ? null : session.tx().writes.rows().get(t.tableId());
    Map<RowKey, Object[]> stmt = out.rows().get(t.tableId());
    List<RowKey> candidates = new ArrayList<>();
    SecondaryIndex idx = indexOn(t, cols);
    if (idx != null) {
      candidates.addAll(idx.candidates(mine, true, mine, true));
    } else {
      candidates.addAll(t.rows().keySet());
    }
    if (block != null) {
      candidates.addAll(block.keySet());
    }
    if (stmt != null) {
      candidates.addAll(stmt.keySet());
    }
    for (RowKey k : candidates) {
      if (k.equals(key)) {
        continue;
      }
      Object[] other = stmt != null && stmt.containsKey(k) ? stmt.get(k)
          : block != null && block.containsKey(k) ? block.get(k) : t.rowAt(k, seq);
      if (other != null && sameValues(mine, values(cols, other))) {
        throw new SqlError(SqlError.UNIQUE_VIOLATION, "duplicate key value violates unique constraint \"" + name + "\"");
      }
    }
  }

  private static SecondaryIndex indexOn(TableData t, List<Integer> cols) {
    for (SecondaryIndex i : t.indexes()) {
      if (i.info().columnIds().equals(cols)) {
        return i;
      }
    }
    return null;
  }

  private void foreignKey(TableSchema s, ConstraintDef c, Object[] image, long seq, WriteSet out) {
    Object[] v = values(c.getColumns(), image);
    if (hasNull(v)) {
      return;
    }
    TableData parent = engine.materializer().catalog().resolve(c.getRefTable(), seq).orElseThrow(() ->
        new SqlError(SqlError.FOREIGN_KEY_VIOLATION, "referenced table \"" + c.getRefTable() + "\" does not exist"));
    out.dependsOn(parent.tableId());
    RowKey parentKey = new RowKey(normalizeTo(parent.latestSchema(), v));
    if (session.visibleRow(parent, parentKey, seq, out) == null) {
      throw new SqlError(SqlError.FOREIGN_KEY_VIOLATION, "insert or update on table \"" + s.name()
          + "\" violates foreign key constraint \"" + c.getName() + "\" (Key (" + parentKey + ") is not present in table \""
          + c.getRefTable() + "\".)");
    }
  }

  /** Brings child values to the parent key's column types (e.g. INTEGER child, BIGINT parent). */
  private static Object[] normalizeTo(TableSchema parent, Object[] v) {
    Object[] out = new Object[v.length];
    for (int i = 0; i < v.length; i++) {
      ColumnInfo col = parent.columnById(parent.primaryKey().get(i));
      out[i] = io.driftdb.sql.exec.Values.toColumn(v[i], col);
    }
    return out;
  }

  /** A row {@code oldKey} of {@code parent} is deleted or gets a new key: apply the children's ON DELETE/UPDATE. */
  void parentChanged(TableData parent, RowKey oldKey, RowKey newKey, long seq, WriteSet out, int depth) {
    if (depth > 32) {
      throw new SqlError("54001", "foreign key cascade is too deep");
    }
    TableSchema ps = parent.latestSchema();
    for (TableData child : engine.materializer().catalog().tablesAt(seq).values()) {
      TableSchema cs = child.latestSchema();
      for (ConstraintDef c : cs.constraints()) {
        if (c.getKind() != ConstraintKind.FOREIGN_KEY || !c.getRefTable().equalsIgnoreCase(ps.name())) {
          continue;
        }
        out.dependsOn(child.tableId());
        String action = newKey == null ? c.getOnDelete() : c.getOnUpdate();
        for (var e : session.visibleRows(child, seq, out).entrySet()) {
          Object[] row = e.getValue();
          Object[] v = values(c.getColumns(), row);
          if (hasNull(v) || !sameValues(normalizeTo(ps, v), oldKey.values())) {
            continue;
          }
          if (action == null || action.equals("RESTRICT") || action.equals("NO ACTION")) {
            throw new SqlError(SqlError.FOREIGN_KEY_VIOLATION, "update or delete on table \"" + ps.name()
                + "\" violates foreign key constraint \"" + c.getName() + "\" on table \"" + cs.name() + "\"");
          }
          if (action.equals("CASCADE") && newKey == null) {
            out.put(child.tableId(), e.getKey(), null, false);
            if (cs.hasPrimaryKey()) {
              parentChanged(child, e.getKey(), null, seq, out, depth + 1);
            }
          } else {
            Object[] next = Arrays.copyOf(row, Math.max(row.length, cs.rowWidth()));
            for (int i = 0; i < c.getColumns().size(); i++) {
              next[c.getColumns().get(i)] = action.equals("CASCADE") ? newKey.values()[i] : null;
            }
            out.put(child.tableId(), e.getKey(), next, false);
          }
        }
      }
    }
  }
}
