package io.driftdb.sql.plan;

import io.driftdb.materializer.Catalog;
import io.driftdb.materializer.Materializer;
import io.driftdb.materializer.TableData;
import io.driftdb.sql.parser.TemporalMarkers;
import java.util.HashMap;
import java.util.Map;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Builds the Calcite schema tree for one version of the catalog: {@code public} with every
 * table name ever bound (newest incarnation's shape), {@code drift_history} with their
 * history twins, DriftDB's functions and PostgreSQL type names.
 */
public final class DriftSchemas {
  public static final String PUBLIC = "public";
  public static final String HISTORY_SCHEMA = "drift_history";

  private DriftSchemas() {}

  public static SchemaPlus build(Materializer m) {
    SchemaPlus root = CalciteSchema.createRootSchema(false, false).plus();
    Map<String, Table> current = new HashMap<>();
    Map<String, Table> history = new HashMap<>();
    Catalog catalog = m.catalog();
    for (String name : catalog.allNames()) {
      TableData newest = null;
      for (Catalog.Binding b : catalog.history(name)) {
        newest = catalog.table(b.tableId());
      }
      if (newest == null) {
        continue;
      }
      long rows = Math.max(1, newest.keyCount()); // O(1), where the skip list counts by walking
      var shape = newest.latestSchema().withName(name);
      current.put(name, new DriftTable(name, shape, false, rows));
      history.put(name, new DriftTable(name, shape, true, rows * 2));
    }
    SchemaPlus pub = root.add(PUBLIC, new MapSchema(current));
    root.add(HISTORY_SCHEMA, new MapSchema(history));
    for (SchemaPlus s : new SchemaPlus[] {root, pub}) {
      TemporalMarkers.register(s);
      DriftFunctions.register(s);
    }
    addTypeAliases(root);
    // --- catalog: pg_catalog + information_schema schemas and pg_* functions (io.driftdb.sql.catalog) ---
    io.driftdb.sql.catalog.PgCatalog.register(root);
    return root;
  }

  private static void addTypeAliases(SchemaPlus root) {
    Object[][] aliases = {
        {"int2", SqlTypeName.SMALLINT}, {"int4", SqlTypeName.INTEGER}, {"int8", SqlTypeName.BIGINT},
        {"float4", SqlTypeName.REAL}, {"float8", SqlTypeName.DOUBLE}, {"text", SqlTypeName.VARCHAR},
        {"bool", SqlTypeName.BOOLEAN}, {"numeric", SqlTypeName.DECIMAL}, {"timestamptz", SqlTypeName.TIMESTAMP},
        {"bytea", SqlTypeName.VARBINARY}, {"jsonb", SqlTypeName.VARCHAR}, {"json", SqlTypeName.VARCHAR},
        {"uuid", SqlTypeName.VARCHAR}, {"oid", SqlTypeName.BIGINT}, {"regclass", SqlTypeName.VARCHAR},
        {"name", SqlTypeName.VARCHAR}, {"string", SqlTypeName.VARCHAR},
    };
    for (Object[] a : aliases) {
      SqlTypeName t = (SqlTypeName) a[1];
      root.add((String) a[0], (RelDataTypeFactory f) -> t == SqlTypeName.DECIMAL ? f.createSqlType(t, 38, 10)
          : t == SqlTypeName.TIMESTAMP ? f.createSqlType(t, 3) : f.createSqlType(t));
    }
  }

  /** A schema over a fixed map of tables. */
  static final class MapSchema extends AbstractSchema {
    private final Map<String, Table> tables;

    MapSchema(Map<String, Table> tables) {
      this.tables = tables;
    }

    @Override
    protected Map<String, Table> getTableMap() {
      return tables;
    }
  }
}
