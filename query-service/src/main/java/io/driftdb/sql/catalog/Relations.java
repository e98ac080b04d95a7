package io.driftdb.sql.catalog;

import io.driftdb.sql.PgType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Name-to-OID and OID-to-name resolution for regclass and regtype, following PostgreSQL's
 * search path ({@code pg_catalog}, then {@code public}) and its identifier quoting.
 */
final class Relations {
  private static final Map<String, String> TYPE_ALIASES = Map.ofEntries(Map.entry("int", "int4"),
      Map.entry("integer", "int4"), Map.entry("smallint", "int2"), Map.entry("bigint", "int8"),
      Map.entry("real", "float4"), Map.entry("double precision", "float8"), Map.entry("float", "float8"),
      Map.entry("boolean", "bool"), Map.entry("character varying", "varchar"), Map.entry("character", "bpchar"),
      Map.entry("char", "bpchar"), Map.entry("\"char\"", "char"), Map.entry("decimal", "numeric"),
      Map.entry("timestamp without time zone", "timestamp"), Map.entry("timestamp with time zone", "timestamptz"));

  private final CatalogSnapshot snap;

  private Relations(CatalogSnapshot snap) {
    this.snap = snap;
  }

  static Relations of(CatalogSnapshot snap) {
    return new Relations(snap);
  }

  /**
   * OID of a possibly qualified, possibly quoted relation name. DriftDB's table names are
   * case-insensitive (stored lower-case), so quoted names fold too.
   */
  Optional<Integer> lookup(String text) {
    List<String> parts = splitName(text).stream().map(p -> p.toLowerCase(Locale.ROOT)).toList();
    if (parts.isEmpty() || parts.size() > 2) {
      return Optional.empty();
    }
    String name = parts.get(parts.size() - 1);
    List<String> path = parts.size() == 2 ? List.of(parts.get(0)) : List.of("pg_catalog", "public");
    for (String schema : path) {
      if (schema.equals("public")) {
        Optional<Integer> user = userRelation(name);
        if (user.isPresent()) {
          return user;
        }
      } else {
        int ns = SystemCatalog.namespaceOid(schema);
        Optional<SystemTable> t = SystemCatalog.INSTANCE.byName(ns, name);
        if (t.isPresent()) {
          return Optional.of(t.get().oid());
        }
      }
    }
    return Optional.empty();
  }

  private Optional<Integer> userRelation(String name) {
    Optional<CatalogSnapshot.Table> table = snap.table(name);
    if (table.isPresent()) {
      return Optional.of(table.get().oid());
    }
    for (CatalogSnapshot.Table t : snap.tables()) {
      for (CatalogSnapshot.Index i : t.indexes()) {
        if (i.name().equals(name)) {
          return Optional.of(i.oid());
        }
      }
    }
    return Optional.empty();
  }

  /** The name regclass prints: bare when the search path finds it, else schema-qualified. */
  Optional<String> name(int oid) {
    Optional<SystemTable> sys = SystemCatalog.INSTANCE.byOid(oid);
    if (sys.isPresent()) {
      String n = Definitions.quote(sys.get().name());
      return Optional.of(sys.get().namespace() == Oids.PG_CATALOG ? n : "information_schema." + n);
    }
    Optional<CatalogSnapshot.Table> t = snap.table(oid);
    if (t.isPresent()) {
      return Optional.of(Definitions.quote(t.get().name()));
    }
    return snap.index(oid).map(i -> Definitions.quote(i.name()));
  }

  /** OID of a type name: pg_type's name, its SQL spelling, or either with {@code []}. */
  static Optional<Integer> typeOid(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    if (s.startsWith("pg_catalog.")) {
      s = s.substring("pg_catalog.".length());
    }
    boolean array = s.endsWith("[]");
    if (array) {
      s = s.substring(0, s.length() - 2).trim();
    }
    s = s.replaceAll("\\(.*\\)", "").trim();
    String typname = TYPE_ALIASES.getOrDefault(s, unquote(s));
    Optional<PgType> t = PgTypes.byName(array ? "_" + typname : typname);
    return t.map(PgType::oid);
  }

  /** Identifier parts of a name: unquoted parts fold to lower case, quoted ones are kept. */
  static List<String> splitName(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder b = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          b.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          b.append(c);
        }
      } else if (c == '"') {
        quoted = true;
        wasQuoted = true;
      } else if (c == '.') {
        out.add(b.toString());
        b.setLength(0);
        wasQuoted = false;
      } else {
        b.append(wasQuoted ? c : Character.toLowerCase(c));
      }
    }
    out.add(b.toString().trim());
    return out;
  }

  static String unquote(String name) {
    List<String> parts = splitName(name);
    return parts.get(parts.size() - 1);
  }
}
