package io.driftdb.sql.catalog;

import java.util.HashMap;
import java.util.Map;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Adds PostgreSQL's catalog to a Calcite root schema: the {@code pg_catalog} and
 * {@code information_schema} schemas and the catalog functions. Their contents are computed
 * per statement from the materializer, at the statement's snapshot.
 */
public final class PgCatalog {
  private PgCatalog() {}

  public static void register(SchemaPlus root) {
    root.add("pg_catalog", new Schema(Oids.PG_CATALOG));
    root.add("information_schema", new Schema(Oids.INFORMATION_SCHEMA));
    PgFunctions.register(root);
    root.add(CatalogSql.EXPAND_RECORD, PgFunction.of(ExpandRecord.class, "of",
        f -> f.createTypeWithNullability(((org.apache.calcite.adapter.java.JavaTypeFactory) f)
            .createStructType(ExpandRecord.class), true), CatalogType.ANY, CatalogType.ANY));
    // Catalog type names clients cast to that the engine's aliases do not cover.
    root.add("char", (RelDataTypeFactory f) -> f.createSqlType(SqlTypeName.VARCHAR));
    root.add("xid", (RelDataTypeFactory f) -> f.createSqlType(SqlTypeName.INTEGER));
  }

  /**
   * A catalog schema. The pg_catalog one also keeps the table ordinals of this catalog version,
   * so that catalog functions called once per row do not recompute them.
   */
  static final class Schema extends AbstractSchema {
    private final Map<String, Table> tables = new HashMap<>();
    private final TableOrdinals.Cache ordinals = new TableOrdinals.Cache();

    Schema(int namespace) {
      for (SystemTable t : SystemCatalog.INSTANCE.in(namespace)) {
        tables.put(t.name(), t);
      }
    }

    TableOrdinals.Cache ordinals() {
      return ordinals;
    }

    @Override
    protected Map<String, Table> getTableMap() {
      return tables;
    }
  }
}
