package io.driftdb.sql.catalog;

import io.driftdb.materializer.ColumnInfo;
import io.driftdb.materializer.ColumnType;
import io.driftdb.sql.PgType;
import io.driftdb.sql.plan.DriftFunctions;
import io.driftdb.sql.plan.TypeMapping;
import java.util.List;

/**
 * The SQL-standard information_schema views, computed from the same snapshot as pg_catalog.
 * Identifier columns are text, cardinal numbers int4, yes/no columns the strings YES/NO.
 */
final class InformationSchema {
  private InformationSchema() {}

  static List<SystemTable> define() {
    return List.of(schemata(), tables(), columns(), tableConstraints(), keyColumnUsage(), referentialConstraints(),
        checkConstraints(), constraintColumnUsage());
  }

  private static SystemTable view(int oid, String name, String spec, SystemTable.RowSource source) {
    return new SystemTable(oid, Oids.INFORMATION_SCHEMA, name, 'v', spec.replace(":id", ":name")
        .replace(":card", ":int4").replace(":yn", ":text").replace(":chars", ":text"), source);
  }

  private static SystemTable schemata() {
    String spec = "catalog_name:id schema_name:id schema_owner:id default_character_set_catalog:id"
        + " default_character_set_schema:id default_character_set_name:id sql_path:chars";
    return view(13301, "schemata", spec, (snap, out) -> {
      for (String s : new String[] {"information_schema", "pg_catalog", "public"}) {
        out.add().set("catalog_name", DriftFunctions.currentDatabase()).set("schema_name", s)
            .set("schema_owner", CatalogNames.BOOTSTRAP_ROLE);
      }
    });
  }

  private static SystemTable tables() {
    String spec = "table_catalog:id table_schema:id table_name:id table_type:chars self_referencing_column_name:id"
        + " reference_generation:chars user_defined_type_catalog:id user_defined_type_schema:id"
        + " user_defined_type_name:id is_insertable_into:yn is_typed:yn commit_action:chars";
    return view(13302, "tables", spec, (snap, out) -> {
      String db = DriftFunctions.currentDatabase();
      for (SystemTable t : SystemCatalog.INSTANCE.tables()) {
        out.add().set("table_catalog", db).set("table_schema", SystemCatalog.namespaceName(t.namespace()))
            .set("table_name", t.name()).set("table_type", t.relkind() == 'v' ? "VIEW" : "BASE TABLE")
            .set("is_insertable_into", "NO").set("is_typed", "NO");
      }
      for (CatalogSnapshot.Table t : snap.tables()) {
        out.add().set("table_catalog", db).set("table_schema", "public").set("table_name", t.name())
            .set("table_type", "BASE TABLE").set("is_insertable_into", "YES").set("is_typed", "NO");
      }
    });
  }

  private static SystemTable columns() {
    String spec = "table_catalog:id table_schema:id table_name:id column_name:id ordinal_position:card"
        + " column_default:chars is_nullable:yn data_type:chars character_maximum_length:card"
        + " character_octet_length:card numeric_precision:card numeric_precision_radix:card numeric_scale:card"
        + " datetime_precision:card interval_type:chars interval_precision:card character_set_catalog:id"
        + " character_set_schema:id character_set_name:id collation_catalog:id collation_schema:id collation_name:id"
        + " domain_catalog:id domain_schema:id domain_name:id udt_catalog:id udt_schema:id udt_name:id"
        + " scope_catalog:id scope_schema:id scope_name:id maximum_cardinality:card dtd_identifier:id"
        + " is_self_referencing:yn is_identity:yn identity_generation:chars identity_start:chars"
        + " identity_increment:chars identity_maximum:chars identity_minimum:chars identity_cycle:yn"
        + " is_generated:chars generation_expression:chars is_updatable:yn";
    return view(13303, "columns", spec, (snap, out) -> {
      String db = DriftFunctions.currentDatabase();
      for (SystemTable t : SystemCatalog.INSTANCE.tables()) {
        int n = 0;
        for (SystemTable.Column c : t.columns()) {
          column(out.add(), db, SystemCatalog.namespaceName(t.namespace()), t.name(), c.name(), ++n,
              c.type().wireType(), null, true, null, "NO");
        }
      }
      for (CatalogSnapshot.Table t : snap.tables()) {
        for (ColumnInfo c : t.schema().columns()) {
          column(out.add(), db, "public", t.name(), c.name(), CatalogSnapshot.Table.attnum(c.id()),
              TypeMapping.toPg(c.type()), c.type(), c.nullable(), c.defaultExpr(), "YES");
        }
      }
    });
  }

  private static void column(SystemTable.Row r, String db, String schema, String table, String name, int position,
                             PgType type, ColumnType declared, boolean nullable, String def, String updatable) {
    r.set("table_catalog", db).set("table_schema", schema).set("table_name", table).set("column_name", name)
        .set("ordinal_position", position).set("column_default", def).set("is_nullable", nullable ? "YES" : "NO")
        .set("data_type", PgTypes.isArray(type) ? "ARRAY" : PgTypes.facts(type).sqlName().replace("\"", ""))
        .set("udt_catalog", db).set("udt_schema", "pg_catalog").set("udt_name", type.typname())
        .set("dtd_identifier", String.valueOf(position)).set("is_self_referencing", "NO").set("is_identity", "NO")
        .set("identity_cycle", "NO").set("is_generated", "NEVER").set("is_updatable", updatable)
        .set("character_maximum_length", null).set("character_octet_length", null).set("numeric_precision", null)
        .set("numeric_precision_radix", null).set("numeric_scale", null).set("datetime_precision", null)
        .set("interval_precision", null).set("maximum_cardinality", null);
    int length = declared == null ? -1 : declared.length();
    switch (type) {
      case VARCHAR, BPCHAR, TEXT -> {
        if (length >= 0 && type != PgType.TEXT) {
          r.set("character_maximum_length", length).set("character_octet_length", length * 4);
        } else {
          r.set("character_octet_length", 1073741824);
        }
      }
      case INT2 -> binary(r, 16);
      case INT4 -> binary(r, 32);
      case INT8 -> binary(r, 64);
      case FLOAT4 -> r.set("numeric_precision", 24).set("numeric_precision_radix", 2);
      case FLOAT8 -> r.set("numeric_precision", 53).set("numeric_precision_radix", 2);
      case NUMERIC -> {
        r.set("numeric_precision_radix", 10);
        if (declared != null && declared.precision() >= 0) {
          r.set("numeric_precision", declared.precision()).set("numeric_scale", Math.max(declared.scale(), 0));
        }
      }
      // Timestamps are stored with millisecond precision.
      case TIMESTAMP, TIMESTAMPTZ -> r.set("datetime_precision", 3);
      case DATE -> r.set("datetime_precision", 0);
      default -> { }
    }
  }

  private static void binary(SystemTable.Row r, int bits) {
    r.set("numeric_precision", bits).set("numeric_precision_radix", 2).set("numeric_scale", 0);
  }

  private static String constraintType(char type) {
    return switch (type) {
      case 'p' -> "PRIMARY KEY";
      case 'u' -> "UNIQUE";
      case 'f' -> "FOREIGN KEY";
      default -> "CHECK";
    };
  }

  private static SystemTable tableConstraints() {
    String spec = "constraint_catalog:id constraint_schema:id constraint_name:id table_catalog:id table_schema:id"
        + " table_name:id constraint_type:chars is_deferrable:yn initially_deferred:yn enforced:yn nulls_distinct:yn";
    return view(13304, "table_constraints", spec, (snap, out) -> {
      String db = DriftFunctions.currentDatabase();
      for (CatalogSnapshot.Constraint c : snap.constraints()) {
        out.add().set("constraint_catalog", db).set("constraint_schema", "public").set("constraint_name", c.name())
            .set("table_catalog", db).set("table_schema", "public")
            .set("table_name", snap.table(c.tableOid()).orElseThrow().name())
            .set("constraint_type", constraintType(c.type())).set("is_deferrable", "NO")
            .set("initially_deferred", "NO").set("enforced", "YES")
            .set("nulls_distinct", c.type() == 'p' || c.type() == 'u' ? "YES" : null);
      }
    });
  }

  private static SystemTable keyColumnUsage() {
    String spec = "constraint_catalog:id constraint_schema:id constraint_name:id table_catalog:id table_schema:id"
        + " table_name:id column_name:id ordinal_position:card position_in_unique_constraint:card";
    return view(13305, "key_column_usage", spec, (snap, out) -> {
      String db = DriftFunctions.currentDatabase();
      for (CatalogSnapshot.Constraint c : snap.constraints()) {
        if (c.type() == 'c') {
          continue;
        }
        CatalogSnapshot.Table t = snap.table(c.tableOid()).orElseThrow();
        for (int i = 0; i < c.attnums().size(); i++) {
          ColumnInfo col = t.columnByAttnum(c.attnums().get(i));
          out.add().set("constraint_catalog", db).set("constraint_schema", "public").set("constraint_name", c.name())
              .set("table_catalog", db).set("table_schema", "public").set("table_name", t.name())
              .set("column_name", col == null ? null : col.name()).set("ordinal_position", i + 1)
              .set("position_in_unique_constraint", c.type() == 'f' ? i + 1 : null);
        }
      }
    });
  }

  private static SystemTable referentialConstraints() {
    String spec = "constraint_catalog:id constraint_schema:id constraint_name:id unique_constraint_catalog:id"
        + " unique_constraint_schema:id unique_constraint_name:id match_option:chars update_rule:chars"
        + " delete_rule:chars";
    return view(13306, "referential_constraints", spec, (snap, out) -> {
      String db = DriftFunctions.currentDatabase();
      for (CatalogSnapshot.Constraint c : snap.constraints()) {
        if (c.type() != 'f') {
          continue;
        }
        String unique = snap.table(c.refTableOid()).flatMap(ref -> ref.constraints().stream()
            .filter(k -> (k.type() == 'p' || k.type() == 'u') && k.attnums().equals(c.refAttnums()))
            .map(CatalogSnapshot.Constraint::name).findFirst()).orElse(null);
        out.add().set("constraint_catalog", db).set("constraint_schema", "public").set("constraint_name", c.name())
            .set("unique_constraint_catalog", db).set("unique_constraint_schema", "public")
            .set("unique_constraint_name", unique).set("match_option", "NONE")
            .set("update_rule", rule(c.onUpdate())).set("delete_rule", rule(c.onDelete()));
      }
    });
  }

  private static String rule(String action) {
    return action == null || action.isBlank() ? "NO ACTION" : action.toUpperCase(java.util.Locale.ROOT);
  }

  private static SystemTable checkConstraints() {
    String spec = "constraint_catalog:id constraint_schema:id constraint_name:id check_clause:chars";
    return view(13307, "check_constraints", spec, (snap, out) -> {
      String db = DriftFunctions.currentDatabase();
      for (CatalogSnapshot.Constraint c : snap.constraints()) {
        if (c.type() == 'c') {
          out.add().set("constraint_catalog", db).set("constraint_schema", "public").set("constraint_name", c.name())
              .set("check_clause", c.checkExpr());
        }
      }
    });
  }

  private static SystemTable constraintColumnUsage() {
    String spec = "table_catalog:id table_schema:id table_name:id column_name:id constraint_catalog:id"
        + " constraint_schema:id constraint_name:id";
    return view(13308, "constraint_column_usage", spec, (snap, out) -> {
      String db = DriftFunctions.currentDatabase();
      for (CatalogSnapshot.Constraint c : snap.constraints()) {
        // For a foreign key, the columns it references; otherwise its own columns.
        boolean fk = c.type() == 'f';
        CatalogSnapshot.Table t = snap.table(fk ? c.refTableOid() : c.tableOid()).orElse(null);
        if (t == null) {
          continue;
        }
        for (short a : fk ? c.refAttnums() : c.attnums()) {
          ColumnInfo col = t.columnByAttnum(a);
          out.add().set("table_catalog", db).set("table_schema", "public").set("table_name", t.name())
              .set("column_name", col == null ? null : col.name()).set("constraint_catalog", db)
              .set("constraint_schema", "public").set("constraint_name", c.name());
        }
      }
    });
  }
}
