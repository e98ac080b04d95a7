package io.driftdb.sql.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every relation of the pg_catalog and information_schema schemas. The definitions are
 * immutable, so one instance serves every catalog version; rows are computed per scan.
 */
final class SystemCatalog {
  /** Relations PostgreSQL shares between databases (relisshared). */
  static final Set<String> SHARED = Set.of("pg_database", "pg_authid", "pg_auth_members", "pg_tablespace",
      "pg_shdescription");
  static final SystemCatalog INSTANCE = new SystemCatalog();

  private final List<SystemTable> tables;

  private SystemCatalog() {
    List<SystemTable> all = new ArrayList<>();
    all.addAll(RelationTables.define(this));
    all.addAll(GlobalTables.define());
    all.addAll(EmptyTables.define());
    all.addAll(InformationSchema.define());
    all.sort(java.util.Comparator.comparingInt(SystemTable::oid));
    this.tables = List.copyOf(all);
  }

  List<SystemTable> tables() {
    return tables;
  }

  List<SystemTable> in(int namespace) {
    return tables.stream().filter(t -> t.namespace() == namespace).toList();
  }

  Optional<SystemTable> byOid(int oid) {
    return tables.stream().filter(t -> t.oid() == oid).findFirst();
  }

  Optional<SystemTable> byName(int namespace, String name) {
    return tables.stream().filter(t -> t.namespace() == namespace && t.name().equals(name)).findFirst();
  }

  static String namespaceName(int oid) {
    return switch (oid) {
      case Oids.PG_CATALOG -> "pg_catalog";
      case Oids.PUBLIC -> "public";
      case Oids.INFORMATION_SCHEMA -> "information_schema";
      default -> null;
    };
  }

  static int namespaceOid(String name) {
    return switch (name) {
      case "pg_catalog" -> Oids.PG_CATALOG;
      case "public" -> Oids.PUBLIC;
      case "information_schema" -> Oids.INFORMATION_SCHEMA;
      default -> -1;
    };
  }
}
