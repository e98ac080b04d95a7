package io.driftdb.sql.catalog;

import static io.driftdb.sql.catalog.CatalogType.ANY;
import static io.driftdb.sql.catalog.CatalogType.ANY_ARRAY;
import static io.driftdb.sql.catalog.CatalogType.BOOL;
import static io.driftdb.sql.catalog.CatalogType.INT4;
import static io.driftdb.sql.catalog.CatalogType.INT8;
import static io.driftdb.sql.catalog.CatalogType.OID;
import static io.driftdb.sql.catalog.CatalogType.TEXT;
import static io.driftdb.sql.catalog.CatalogType.TEXT_ARRAY;

import io.driftdb.sql.SqlError;
import io.driftdb.sql.plan.DriftFunctions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.DataContext;
import org.apache.calcite.schema.SchemaPlus;

/**
 * The PostgreSQL catalog functions psql and JDBC drivers call. Those that describe objects read
 * the catalog snapshot of the running statement; arguments that are OIDs accept numbers or
 * numeric strings, as PostgreSQL's oid input does.
 */
public final class PgFunctions {
  static final int UTF8 = 6;

  private PgFunctions() {}

  static void register(SchemaPlus s) {
    add(s, "format_type", PgFunction.of(PgFunctions.class, "formatType", TEXT, ANY, INT4));
    add(s, "pg_get_userbyid", PgFunction.of(PgFunctions.class, "userById", TEXT, ANY));
    add(s, "pg_table_is_visible", PgFunction.of(PgFunctions.class, "tableIsVisible", BOOL, ANY));
    add(s, "pg_type_is_visible", PgFunction.of(PgFunctions.class, "typeIsVisible", BOOL, ANY));
    for (String f : new String[] {"pg_function_is_visible", "pg_collation_is_visible", "pg_operator_is_visible",
        "pg_conversion_is_visible", "pg_opclass_is_visible"}) {
      // Everything DriftDB has lives in pg_catalog or public, both on the search path.
      add(s, f, PgFunction.of(PgFunctions.class, "exists", BOOL, ANY));
    }
    add(s, CatalogSql.SESSION_USER, PgFunction.of(PgFunctions.class, "sessionUser", TEXT));
    add(s, "pg_get_indexdef", PgFunction.of(PgFunctions.class, "indexDef", TEXT, ANY));
    add(s, "pg_get_indexdef", PgFunction.of(PgFunctions.class, "indexDef", TEXT, ANY, INT4, BOOL));
    add(s, "pg_get_constraintdef", PgFunction.of(PgFunctions.class, "constraintDef", TEXT, ANY));
    add(s, "pg_get_constraintdef", PgFunction.of(PgFunctions.class, "constraintDef", TEXT, ANY, BOOL));
    add(s, "pg_get_expr", PgFunction.of(PgFunctions.class, "expr", TEXT, TEXT, ANY));
    add(s, "pg_get_expr", PgFunction.of(PgFunctions.class, "expr", TEXT, TEXT, ANY, BOOL));
    add(s, "pg_get_statisticsobjdef_columns", PgFunction.of(PgFunctions.class, "noText", TEXT, ANY));
    add(s, "obj_description", PgFunction.of(PgFunctions.class, "noText", TEXT, ANY));
    add(s, "obj_description", PgFunction.of(PgFunctions.class, "noTextText", TEXT, ANY, TEXT));
    add(s, "col_description", PgFunction.of(PgFunctions.class, "noTextInt", TEXT, ANY, INT4));
    add(s, "shobj_description", PgFunction.of(PgFunctions.class, "noTextText", TEXT, ANY, TEXT));
    add(s, "pg_encoding_to_char", PgFunction.of(PgFunctions.class, "encodingToChar", TEXT, INT4));
    add(s, "current_schemas", PgFunction.of(PgFunctions.class, "currentSchemas", TEXT_ARRAY, BOOL));
    add(s, "array_to_string", PgFunction.of(PgFunctions.class, "arrayToString", TEXT, ANY_ARRAY, TEXT));
    add(s, "array_to_string", PgFunction.of(PgFunctions.class, "arrayToString", TEXT, ANY_ARRAY, TEXT, TEXT));
    add(s, "array_upper", PgFunction.of(PgFunctions.class, "arrayUpper", INT4, ANY_ARRAY, INT4));
    add(s, "array_lower", PgFunction.of(PgFunctions.class, "arrayLower", INT4, ANY_ARRAY, INT4));
    add(s, "pg_relation_is_publishable", PgFunction.of(PgFunctions.class, "relationIsPublishable", BOOL, ANY));
    for (String f : new String[] {"has_table_privilege", "has_schema_privilege", "has_database_privilege",
        "has_column_privilege", "has_any_column_privilege", "has_function_privilege"}) {
      // DriftDB has no GRANT: every role may use every object.
      add(s, f, PgFunction.of(PgFunctions.class, "privilege", BOOL, ANY, TEXT));
      add(s, f, PgFunction.of(PgFunctions.class, "privilege", BOOL, ANY, ANY, TEXT));
    }
    add(s, "quote_ident", PgFunction.of(PgFunctions.class, "quoteIdent", TEXT, TEXT));
    for (String f : new String[] {"pg_table_size", "pg_relation_size", "pg_total_relation_size", "pg_indexes_size",
        "pg_database_size"}) {
      // DriftDB does not account storage per relation: the size is unknown (NULL), not zero.
      add(s, f, PgFunction.of(PgFunctions.class, "unknownSize", INT8, ANY));
    }
    add(s, "pg_size_pretty", PgFunction.of(PgFunctions.class, "sizePretty", TEXT, INT8));
    add(s, "pg_tablespace_location", PgFunction.of(PgFunctions.class, "noText", TEXT, ANY));
    for (String f : new String[] {"pg_get_function_result", "pg_get_function_arguments",
        "pg_get_function_identity_arguments", "pg_get_viewdef", "pg_get_triggerdef", "pg_get_ruledef"}) {
      // pg_proc, views, triggers and rules are empty: there is nothing to describe.
      add(s, f, PgFunction.of(PgFunctions.class, "noText", TEXT, ANY));
    }
    add(s, "getdatabaseencoding", PgFunction.of(PgFunctions.class, "databaseEncoding", TEXT));
    add(s, "pg_char_to_encoding", PgFunction.of(PgFunctions.class, "charToEncoding", INT4, TEXT));
    add(s, CatalogSql.ARRAY_CAT, PgFunction.of(PgFunctions.class, "arrayCat", ANY_ARRAY, ANY_ARRAY, ANY_ARRAY));
    add(s, "to_regclass", PgFunction.of(PgFunctions.class, "toRegclass", OID, TEXT));
    add(s, CatalogSql.REGCLASS_IN, PgFunction.of(PgFunctions.class, "regclassIn", OID, ANY));
    add(s, CatalogSql.REGCLASS_OUT, PgFunction.of(PgFunctions.class, "regclassOut", TEXT, ANY));
    add(s, CatalogSql.REGTYPE_IN, PgFunction.of(PgFunctions.class, "regtypeIn", OID, ANY));
    add(s, CatalogSql.REGTYPE_OUT, PgFunction.of(PgFunctions.class, "regtypeOut", TEXT, ANY));
    add(s, CatalogSql.REGNAMESPACE_IN, PgFunction.of(PgFunctions.class, "regnamespaceIn", OID, ANY));
    add(s, CatalogSql.REGNAMESPACE_OUT, PgFunction.of(PgFunctions.class, "regnamespaceOut", TEXT, ANY));
    add(s, CatalogSql.REGPROC, PgFunction.of(PgFunctions.class, "regproc", TEXT, ANY));
    add(s, CatalogSql.REGEX_MATCH, PgFunction.of(PgFunctions.class, "regexMatch", BOOL, TEXT, TEXT));
    s.add("generate_series", org.apache.calcite.schema.impl.TableFunctionImpl.create(Series.class, "of"));
    s.add("generate_series", org.apache.calcite.schema.impl.TableFunctionImpl.create(Series.class, "ofStep"));
  }

  private static void add(SchemaPlus s, String name, PgFunction f) {
    s.add(name, f);
  }

  // ---- argument helpers ----

  /** An OID argument: a number, or a string of digits (PostgreSQL's oid input). */
  static Integer oid(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Number n) {
      return n.intValue();
    }
    String s = v.toString().trim();
    try {
      return (int) Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new SqlError(SqlError.INVALID_TEXT_REPRESENTATION, "invalid input syntax for type oid: \"" + s + "\"");
    }
  }

  // ---- the functions ----

  public static String formatType(Object typeOid, Integer typmod) {
    Integer oid = oid(typeOid);
    if (oid == null) {
      return null;
    }
    return PgTypes.format(oid, typmod);
  }

  public static String userById(DataContext root, Object roleOid) {
    Integer oid = oid(roleOid);
    if (oid == null) {
      return null;
    }
    return CatalogSnapshot.of(root).role(oid).map(CatalogSnapshot.Role::name).orElse("unknown (OID=" + oid + ")");
  }

  public static Boolean tableIsVisible(DataContext root, Object relOid) {
    Integer oid = oid(relOid);
    if (oid == null) {
      return null;
    }
    Optional<SystemTable> sys = SystemCatalog.INSTANCE.byOid(oid);
    if (sys.isPresent()) {
      return sys.get().namespace() == Oids.PG_CATALOG;
    }
    Relations rel = Relations.of(CatalogSnapshot.of(root));
    return rel.name(oid).isPresent() ? Boolean.TRUE : null;
  }

  public static Boolean typeIsVisible(Object typeOid) {
    Integer oid = oid(typeOid);
    return oid == null ? null : PgTypes.byOid(oid).isPresent() ? Boolean.TRUE : null;
  }

  public static String indexDef(DataContext root, Object indexOid) {
    return indexDef(root, indexOid, 0, false);
  }

  /** The index's CREATE INDEX statement, or (column > 0) the name of its column-th column. */
  public static String indexDef(DataContext root, Object indexOid, Integer column, Boolean pretty) {
    Integer oid = oid(indexOid);
    if (oid == null) {
      return null;
    }
    CatalogSnapshot snap = CatalogSnapshot.of(root);
    Optional<CatalogSnapshot.Index> idx = snap.index(oid);
    if (idx.isEmpty()) {
      return null;
    }
    CatalogSnapshot.Table t = snap.table(idx.get().tableOid()).orElseThrow();
    int col = column == null ? 0 : column;
    if (col > 0) {
      return col <= idx.get().attnums().size()
          ? Definitions.columnNames(t, List.of(idx.get().attnums().get(col - 1))).get(0) : "";
    }
    return Definitions.index(idx.get(), t, Boolean.TRUE.equals(pretty));
  }

  public static String constraintDef(DataContext root, Object constraintOid) {
    return constraintDef(root, constraintOid, false);
  }

  public static String constraintDef(DataContext root, Object constraintOid, Boolean pretty) {
    Integer oid = oid(constraintOid);
    if (oid == null) {
      return null;
    }
    CatalogSnapshot snap = CatalogSnapshot.of(root);
    return snap.constraint(oid).map(c -> Definitions.constraint(c, snap)).orElse(null);
  }

  /** DriftDB keeps expressions (defaults, checks) as SQL text, so the text is already the answer. */
  public static String expr(String text, Object relOid) {
    return text;
  }

  public static String expr(String text, Object relOid, Boolean pretty) {
    return text;
  }

  /** Comments and extended statistics do not exist in DriftDB. */
  public static String noText(Object a) {
    return null;
  }

  public static String noTextInt(Object a, Integer b) {
    return null;
  }

  public static String noTextText(Object a, String b) {
    return null;
  }

  public static String encodingToChar(Integer encoding) {
    if (encoding == null) {
      return null;
    }
    return encoding == UTF8 ? "UTF8" : encoding == 0 ? "SQL_ASCII" : "";
  }

  public static List<String> currentSchemas(Boolean includeImplicit) {
    if (includeImplicit == null) {
      return null;
    }
    return Boolean.TRUE.equals(includeImplicit) ? List.of("pg_catalog", "public") : List.of("public");
  }

  public static String arrayToString(List<?> array, String delimiter) {
    return arrayToString(array, delimiter, null);
  }

  /** Elements joined by {@code delimiter}; nulls are skipped unless {@code nullText} is given. */
  public static String arrayToString(List<?> array, String delimiter, String nullText) {
    if (array == null || delimiter == null) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    for (Object o : array) {
      if (o != null) {
        parts.add(o.toString());
      } else if (nullText != null) {
        parts.add(nullText);
      }
    }
    return String.join(delimiter, parts);
  }

  public static Integer arrayUpper(List<?> array, Integer dimension) {
    return array == null || array.isEmpty() || dimension == null || dimension != 1 ? null : array.size();
  }

  public static Integer arrayLower(List<?> array, Integer dimension) {
    return array == null || array.isEmpty() || dimension == null || dimension != 1 ? null : 1;
  }

  public static Boolean relationIsPublishable(DataContext root, Object relOid) {
    Integer oid = oid(relOid);
    return oid == null ? null : CatalogSnapshot.of(root).table(oid).isPresent();
  }

  public static Boolean exists(Object object) {
    return object == null ? null : Boolean.TRUE;
  }

  public static Boolean privilege(Object object, String privilege) {
    return object == null || privilege == null ? null : Boolean.TRUE;
  }

  public static Boolean privilege(Object role, Object object, String privilege) {
    return object == null || privilege == null ? null : Boolean.TRUE;
  }

  public static Long unknownSize(Object relation) {
    return null;
  }

  /**
   * Bytes as pg_size_pretty prints them: bytes below 10 kB, then the largest unit that keeps
   * the number below 20480 half-units, rounded half away from zero.
   */
  public static String sizePretty(Long bytes) {
    if (bytes == null) {
      return null;
    }
    if (Math.abs(bytes) < 10 * 1024) {
      return bytes + " bytes";
    }
    String[] units = {"kB", "MB", "GB", "TB", "PB"};
    long halves = bytes >> 9;
    int u = 0;
    while (u < units.length - 1 && Math.abs(halves) >= 20 * 1024 - 1) {
      halves >>= 10;
      u++;
    }
    return (halves + (halves < 0 ? -1 : 1)) / 2 + " " + units[u];
  }

  public static Integer charToEncoding(String name) {
    if (name == null) {
      return null;
    }
    String n = name.toUpperCase(java.util.Locale.ROOT).replace("-", "");
    return n.equals("UTF8") || n.equals("UNICODE") ? UTF8 : n.equals("SQL_ASCII") ? 0 : -1;
  }

  public static String databaseEncoding() {
    return "UTF8";
  }

  /** {@code array || array}. */
  public static List<Object> arrayCat(List<?> a, List<?> b) {
    if (a == null && b == null) {
      return null;
    }
    List<Object> out = new ArrayList<>();
    if (a != null) {
      out.addAll(a);
    }
    if (b != null) {
      out.addAll(b);
    }
    return out;
  }

  public static String sessionUser() {
    return DriftFunctions.currentUser();
  }

  public static String quoteIdent(String name) {
    return name == null ? null : Definitions.quote(name);
  }

  public static Integer toRegclass(DataContext root, String name) {
    return name == null ? null : Relations.of(CatalogSnapshot.of(root)).lookup(name).orElse(null);
  }

  /** {@code 'name'::regclass}: the relation's OID; an unknown name is an error, as in PostgreSQL. */
  public static Integer regclassIn(DataContext root, Object name) {
    if (name == null) {
      return null;
    }
    if (name instanceof Number n) {
      return n.intValue();
    }
    String s = name.toString().trim();
    if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
      return oid(s);
    }
    return Relations.of(CatalogSnapshot.of(root)).lookup(s).orElseThrow(() -> new SqlError(SqlError.UNDEFINED_TABLE,
        "relation \"" + s + "\" does not exist"));
  }

  /** {@code oid::regclass} as text: the relation's name, qualified when not on the search path. */
  public static String regclassOut(DataContext root, Object relOid) {
    Integer oid = oid(relOid);
    if (oid == null) {
      return null;
    }
    return Relations.of(CatalogSnapshot.of(root)).name(oid).orElse(String.valueOf(oid));
  }

  public static Integer regtypeIn(Object name) {
    if (name == null) {
      return null;
    }
    if (name instanceof Number n) {
      return n.intValue();
    }
    String s = name.toString().trim();
    return Relations.typeOid(s).orElseThrow(() -> new SqlError(SqlError.UNDEFINED_OBJECT,
        "type \"" + s + "\" does not exist"));
  }

  public static String regtypeOut(Object typeOid) {
    Integer oid = oid(typeOid);
    if (oid == null) {
      return null;
    }
    return oid == 0 ? "-" : PgTypes.byOid(oid).map(t -> PgTypes.format(oid, null)).orElse(String.valueOf(oid));
  }

  public static Integer regnamespaceIn(Object name) {
    if (name == null) {
      return null;
    }
    if (name instanceof Number n) {
      return n.intValue();
    }
    String s = name.toString().trim();
    int oid = SystemCatalog.namespaceOid(Relations.unquote(s));
    if (oid < 0) {
      throw new SqlError("3F000", "schema \"" + s + "\" does not exist");
    }
    return oid;
  }

  public static String regnamespaceOut(Object nspOid) {
    Integer oid = oid(nspOid);
    if (oid == null) {
      return null;
    }
    String n = SystemCatalog.namespaceName(oid);
    return n == null ? String.valueOf(oid) : n;
  }

  /**
   * {@code text ~ pattern}: does the regular expression match anywhere in the text? Patterns are
   * Java regular expressions, which agree with PostgreSQL's for the common constructs.
   */
  public static Boolean regexMatch(String text, String pattern) {
    if (text == null || pattern == null) {
      return null;
    }
    try {
      return java.util.regex.Pattern.compile(posixClasses(pattern)).matcher(text).find();
    } catch (java.util.regex.PatternSyntaxException e) {
      throw new SqlError("2201B", "invalid regular expression: " + e.getDescription());
    }
  }

  /** POSIX bracket classes ({@code [[:alpha:]]}) in Java's spelling. */
  private static String posixClasses(String pattern) {
    if (!pattern.contains("[:")) {
      return pattern;
    }
    String[][] classes = {{"[:alpha:]", "\\p{Alpha}"}, {"[:digit:]", "\\d"}, {"[:alnum:]", "\\p{Alnum}"},
        {"[:space:]", "\\s"}, {"[:upper:]", "\\p{Upper}"}, {"[:lower:]", "\\p{Lower}"},
        {"[:punct:]", "\\p{Punct}"}, {"[:xdigit:]", "\\p{XDigit}"}, {"[:word:]", "\\w"}};
    String out = pattern;
    for (String[] c : classes) {
      out = out.replace(c[0], c[1]);
    }
    return out;
  }

  /** {@code 'pg_catalog.f'::regproc}: functions are named without their schema in pg_type and pg_am. */
  public static String regproc(Object name) {
    if (name == null) {
      return null;
    }
    String s = name.toString().trim();
    return s.startsWith("pg_catalog.") ? s.substring("pg_catalog.".length()) : s;
  }
}
