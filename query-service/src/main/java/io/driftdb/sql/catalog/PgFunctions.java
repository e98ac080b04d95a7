package io.driftdb.sql.catalog;

import static io.driftdb.sql.catalog.CatalogType.ANY;
import static io.driftdb.sql.catalog.CatalogType.ANY_ARRAY;
import static io.driftdb.sql.catalog.CatalogType.BOOL;
import static io.driftdb.sql.catalog.CatalogType.INT4;
import static io.driftdb.sql.catalog.CatalogType.INT8;
import static io.driftdb.sql.catalog.CatalogType.OID;
import static io.driftdb.sql.catalog.CatalogType.TEXT;
import static io.driftdb.sql.catalog.CatalogType.TEXT_ARRAY;

import org.apache.calcite.schema.SchemaPlus;

/**
 * Registers the PostgreSQL functions psql and JDBC drivers call (implemented in
 * {@link DescribeFunctions}, {@link RegFunctions}, {@link ValueFunctions}).
 */
final class PgFunctions {
  private PgFunctions() {}

  static void register(SchemaPlus s) {
    add(s, "format_type", PgFunction.of(DescribeFunctions.class, "formatType", TEXT, ANY, INT4));
    add(s, "pg_get_userbyid", PgFunction.of(DescribeFunctions.class, "userById", TEXT, ANY));
    add(s, "pg_table_is_visible", PgFunction.of(DescribeFunctions.class, "tableIsVisible", BOOL, ANY));
    add(s, "pg_type_is_visible", PgFunction.of(DescribeFunctions.class, "typeIsVisible", BOOL, ANY));
    for (String f : new String[] {"pg_function_is_visible", "pg_collation_is_visible", "pg_operator_is_visible",
        "pg_conversion_is_visible", "pg_opclass_is_visible"}) {
      // Everything DriftDB has lives in pg_catalog or public, both on the search path.
      add(s, f, PgFunction.of(DescribeFunctions.class, "exists", BOOL, ANY));
    }
    add(s, CatalogSql.SESSION_USER, PgFunction.of(ValueFunctions.class, "sessionUser", TEXT));
    add(s, "driftdb_avro_schema", PgFunction.of(DescribeFunctions.class, "avroSchema", TEXT, TEXT));
    add(s, "pg_get_indexdef", PgFunction.of(DescribeFunctions.class, "indexDef", TEXT, ANY));
    add(s, "pg_get_indexdef", PgFunction.of(DescribeFunctions.class, "indexDef", TEXT, ANY, INT4, BOOL));
    add(s, "pg_get_constraintdef", PgFunction.of(DescribeFunctions.class, "constraintDef", TEXT, ANY));
    add(s, "pg_get_constraintdef", PgFunction.of(DescribeFunctions.class, "constraintDef", TEXT, ANY, BOOL));
    add(s, "pg_get_expr", PgFunction.of(DescribeFunctions.class, "expr", TEXT, TEXT, ANY));
    add(s, "pg_get_expr", PgFunction.of(DescribeFunctions.class, "expr", TEXT, TEXT, ANY, BOOL));
    add(s, "pg_get_statisticsobjdef_columns", PgFunction.of(DescribeFunctions.class, "noText", TEXT, ANY));
    add(s, "obj_description", PgFunction.of(DescribeFunctions.class, "noText", TEXT, ANY));
    add(s, "obj_description", PgFunction.of(DescribeFunctions.class, "noTextText", TEXT, ANY, TEXT));
    add(s, "col_description", PgFunction.of(DescribeFunctions.class, "noTextInt", TEXT, ANY, INT4));
    add(s, "shobj_description", PgFunction.of(DescribeFunctions.class, "noTextText", TEXT, ANY, TEXT));
    add(s, "pg_encoding_to_char", PgFunction.of(ValueFunctions.class, "encodingToChar", TEXT, INT4));
    add(s, "current_schemas", PgFunction.of(ValueFunctions.class, "currentSchemas", TEXT_ARRAY, BOOL));
    add(s, "array_to_string", PgFunction.of(ValueFunctions.class, "arrayToString", TEXT, ANY_ARRAY, TEXT));
    add(s, "array_to_string", PgFunction.of(ValueFunctions.class, "arrayToString", TEXT, ANY_ARRAY, TEXT, TEXT));
    add(s, "array_upper", PgFunction.of(ValueFunctions.class, "arrayUpper", INT4, ANY_ARRAY, INT4));
    add(s, "array_lower", PgFunction.of(ValueFunctions.class, "arrayLower", INT4, ANY_ARRAY, INT4));
    add(s, "pg_relation_is_publishable", PgFunction.of(DescribeFunctions.class, "relationIsPublishable", BOOL, ANY));
    for (String f : new String[] {"has_table_privilege", "has_schema_privilege", "has_database_privilege",
        "has_column_privilege", "has_any_column_privilege", "has_function_privilege", "has_type_privilege",
        "has_sequence_privilege", "has_tablespace_privilege"}) {
      // DriftDB has no GRANT: every role may use every object.
      add(s, f, PgFunction.of(DescribeFunctions.class, "privilege", BOOL, ANY, TEXT));
      add(s, f, PgFunction.of(DescribeFunctions.class, "privilege", BOOL, ANY, ANY, TEXT));
    }
    add(s, "quote_ident", PgFunction.of(ValueFunctions.class, "quoteIdent", TEXT, TEXT));
    for (String f : new String[] {"pg_table_size", "pg_relation_size", "pg_total_relation_size", "pg_indexes_size",
        "pg_database_size"}) {
      // DriftDB does not account storage per relation: the size is unknown (NULL), not zero.
      add(s, f, PgFunction.of(DescribeFunctions.class, "unknownSize", INT8, ANY));
    }
    add(s, "pg_size_pretty", PgFunction.of(ValueFunctions.class, "sizePretty", TEXT, INT8));
    add(s, "pg_tablespace_location", PgFunction.of(DescribeFunctions.class, "noText", TEXT, ANY));
    for (String f : new String[] {"pg_get_function_result", "pg_get_function_arguments",
        "pg_get_function_identity_arguments", "pg_get_viewdef", "pg_get_triggerdef", "pg_get_ruledef"}) {
      // pg_proc, views, triggers and rules are empty: there is nothing to describe.
      add(s, f, PgFunction.of(DescribeFunctions.class, "noText", TEXT, ANY));
    }
    add(s, "getdatabaseencoding", PgFunction.of(ValueFunctions.class, "databaseEncoding", TEXT));
    add(s, "pg_char_to_encoding", PgFunction.of(ValueFunctions.class, "charToEncoding", INT4, TEXT));
    add(s, CatalogSql.ARRAY_CAT, PgFunction.of(ValueFunctions.class, "arrayCat", ANY_ARRAY, ANY_ARRAY, ANY_ARRAY));
    add(s, "to_regclass", PgFunction.of(RegFunctions.class, "toRegclass", OID, TEXT));
    add(s, CatalogSql.REGCLASS_IN, PgFunction.of(RegFunctions.class, "regclassIn", OID, ANY));
    add(s, CatalogSql.REGCLASS_OUT, PgFunction.of(RegFunctions.class, "regclassOut", TEXT, ANY));
    add(s, CatalogSql.REGTYPE_IN, PgFunction.of(RegFunctions.class, "regtypeIn", OID, ANY));
    add(s, CatalogSql.REGTYPE_OUT, PgFunction.of(RegFunctions.class, "regtypeOut", TEXT, ANY));
    add(s, CatalogSql.REGNAMESPACE_IN, PgFunction.of(RegFunctions.class, "regnamespaceIn", OID, ANY));
    add(s, CatalogSql.REGNAMESPACE_OUT, PgFunction.of(RegFunctions.class, "regnamespaceOut", TEXT, ANY));
    add(s, CatalogSql.REGPROC, PgFunction.of(RegFunctions.class, "regproc", TEXT, ANY));
    add(s, CatalogSql.REGEX_MATCH, PgFunction.of(ValueFunctions.class, "regexMatch", BOOL, TEXT, TEXT));
    s.add("generate_series", org.apache.calcite.schema.impl.TableFunctionImpl.create(Series.class, "of"));
    s.add("generate_series", org.apache.calcite.schema.impl.TableFunctionImpl.create(Series.class, "ofStep"));
  }

  private static void add(SchemaPlus s, String name, PgFunction f) {
    s.add(name, f);
  }
}
