package io.driftdb.sql.catalog;

import io.driftdb.sql.SqlError;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.DataContext;

/**
 * Functions that describe catalog objects. Those that take a {@link DataContext} read the
 * catalog snapshot of the running statement; OID arguments accept numbers or numeric strings,
 * as PostgreSQL's oid input does.
 */
public final class DescribeFunctions {
  private DescribeFunctions() {}

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

  public static String formatType(Object typeOid, Integer typmod) {
    Integer oid = oid(typeOid);
    if (oid == null) {
      return null;
    }
    return PgTypes.format(oid, typmod);
  }

  /** The Avro schema (JSON) a Kafka producer uses for Avro single-object values of table {@code name}. */
  public static String avroSchema(DataContext root, String name) {
    if (name == null) {
      return null;
    }
    var schema = CatalogSnapshot.of(root).schema(name.toLowerCase(java.util.Locale.ROOT)).orElseThrow(() ->
        new SqlError(SqlError.UNDEFINED_TABLE, "relation \"" + name + "\" does not exist"));
    try {
      return io.driftdb.materializer.TableAvroSchema.of(schema).schema().toString(true);
    } catch (IllegalArgumentException e) {
      throw new SqlError(SqlError.FEATURE_NOT_SUPPORTED, e.getMessage());
    }
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
}
