package io.driftdb.sql.catalog;

import static io.driftdb.sql.catalog.DescribeFunctions.oid;

import io.driftdb.sql.SqlError;
import org.apache.calcite.DataContext;

/**
 * The regclass, regtype, regnamespace and regproc conversions that NodeRewrites puts in place
 * of casts: from a name to an OID ("in") and from an OID to a name ("out").
 */
public final class RegFunctions {
  private RegFunctions() {}

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

  /** {@code 'pg_catalog.f'::regproc}: functions are named without their schema in pg_type and pg_am. */
  public static String regproc(Object name) {
    if (name == null) {
      return null;
    }
    String s = name.toString().trim();
    return s.startsWith("pg_catalog.") ? s.substring("pg_catalog.".length()) : s;
  }
}
