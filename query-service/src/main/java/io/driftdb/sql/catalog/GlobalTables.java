package io.driftdb.sql.catalog;

import io.driftdb.sql.PgType;
import io.driftdb.sql.plan.DriftFunctions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Catalogs that do not depend on tables: types, access methods, collations, the database,
 * tablespaces, roles and settings.
 */
final class GlobalTables {
  private GlobalTables() {}

  static List<SystemTable> define() {
    return List.of(pgType(), pgAm(), pgCollation(), pgDatabase(), pgTablespace(), pgAuthid(), pgRoles(), pgUser(),
        pgSettings());
  }

  private static SystemTable pgType() {
    String spec = "oid:oid typname:name typnamespace:oid typowner:oid typlen:int2 typbyval:bool typtype:char"
        + " typcategory:char typispreferred:bool typisdefined:bool typdelim:char typrelid:oid typsubscript:regproc"
        + " typelem:oid typarray:oid typinput:regproc typoutput:regproc typreceive:regproc typsend:regproc"
        + " typmodin:regproc typmodout:regproc typanalyze:regproc typalign:char typstorage:char typnotnull:bool"
        + " typbasetype:oid typtypmod:int4 typndims:int4 typcollation:oid typdefaultbin:node typdefault:text"
        + " typacl:aclitem[]";
    return new SystemTable(1247, Oids.PG_CATALOG, "pg_type", 'r', spec, (snap, out) -> {
      for (PgType t : PgType.values()) {
        PgTypes.Facts f = PgTypes.facts(t);
        boolean array = PgTypes.isArray(t);
        String modIo = f.modIo() != null ? f.modIo()
            : PgTypes.element(t).map(e -> PgTypes.facts(e).modIo()).orElse(null);
        out.add().set("oid", t.oid()).set("typname", t.typname()).set("typnamespace", Oids.PG_CATALOG)
            .set("typowner", Oids.BOOTSTRAP_ROLE).set("typlen", t.size()).set("typbyval", f.byVal())
            .set("typtype", t == PgType.UNKNOWN ? "p" : "b").set("typcategory", String.valueOf(f.category()))
            .set("typispreferred", f.preferred()).set("typisdefined", true).set("typdelim", ",")
            .set("typsubscript", array ? "array_subscript_handler" : "-")
            .set("typelem", PgTypes.element(t).map(PgType::oid).orElse(t == PgType.NAME ? PgType.CHAR.oid() : 0))
            .set("typarray", PgTypes.arrayOf(t).map(PgType::oid).orElse(0))
            .set("typinput", PgTypes.ioFunction(t, "in")).set("typoutput", PgTypes.ioFunction(t, "out"))
            .set("typreceive", PgTypes.ioFunction(t, "recv")).set("typsend", PgTypes.ioFunction(t, "send"))
            .set("typmodin", modIo == null ? "-" : modIo + "typmodin")
            .set("typmodout", modIo == null ? "-" : modIo + "typmodout").set("typanalyze", "-")
            .set("typalign", String.valueOf(f.align())).set("typstorage", String.valueOf(f.storage()))
            .set("typtypmod", -1).set("typcollation", f.collation());
      }
    });
  }

  private static SystemTable pgAm() {
    return new SystemTable(2601, Oids.PG_CATALOG, "pg_am", 'r', "oid:oid amname:name amhandler:regproc amtype:char",
        (snap, out) -> {
          // Tables are DriftDB's own version-chain storage; every index is an ordered (B-tree-like) one.
          out.add().set("oid", Oids.AM_TABLE).set("amname", "drift").set("amhandler", "-").set("amtype", "t");
          out.add().set("oid", Oids.AM_BTREE).set("amname", "btree").set("amhandler", "-").set("amtype", "i");
        });
  }

  private static SystemTable pgCollation() {
    String spec = "oid:oid collname:name collnamespace:oid collowner:oid collprovider:char collisdeterministic:bool"
        + " collencoding:int4 collcollate:text collctype:text colliculocale:text collversion:text";
    return new SystemTable(3456, Oids.PG_CATALOG, "pg_collation", 'r', spec, (snap, out) -> {
      // Text compares by code point: the database default is the C collation.
      out.add().set("oid", Oids.COLLATION_DEFAULT).set("collname", "default").set("collnamespace", Oids.PG_CATALOG)
          .set("collowner", Oids.BOOTSTRAP_ROLE).set("collprovider", "d").set("collisdeterministic", true)
          .set("collencoding", -1);
      out.add().set("oid", Oids.COLLATION_C).set("collname", "C").set("collnamespace", Oids.PG_CATALOG)
          .set("collowner", Oids.BOOTSTRAP_ROLE).set("collprovider", "c").set("collisdeterministic", true)
          .set("collencoding", -1).set("collcollate", "C").set("collctype", "C");
      out.add().set("oid", Oids.COLLATION_POSIX).set("collname", "POSIX").set("collnamespace", Oids.PG_CATALOG)
          .set("collowner", Oids.BOOTSTRAP_ROLE).set("collprovider", "c").set("collisdeterministic", true)
          .set("collencoding", -1).set("collcollate", "POSIX").set("collctype", "POSIX");
    });
  }

  private static SystemTable pgDatabase() {
    String spec = "oid:oid datname:name datdba:oid encoding:int4 datlocprovider:char datistemplate:bool"
        + " datallowconn:bool datconnlimit:int4 datfrozenxid:xid datminmxid:xid dattablespace:oid datcollate:text"
        + " datctype:text daticulocale:text datcollversion:text datacl:aclitem[]";
    return new SystemTable(1262, Oids.PG_CATALOG, "pg_database", 'r', spec, (snap, out) ->
        // One database per server: the one this session connected to.
        out.add().set("oid", Oids.DATABASE).set("datname", DriftFunctions.currentDatabase())
            .set("datdba", Oids.BOOTSTRAP_ROLE).set("encoding", ValueFunctions.UTF8).set("datlocprovider", "c")
            .set("datallowconn", true).set("datconnlimit", -1).set("dattablespace", Oids.TABLESPACE_DEFAULT)
            .set("datcollate", "C").set("datctype", "C"));
  }

  private static SystemTable pgTablespace() {
    return new SystemTable(1213, Oids.PG_CATALOG, "pg_tablespace", 'r',
        "oid:oid spcname:name spcowner:oid spcacl:aclitem[] spcoptions:text[]", (snap, out) ->
        out.add().set("oid", Oids.TABLESPACE_DEFAULT).set("spcname", "pg_default")
            .set("spcowner", Oids.BOOTSTRAP_ROLE));
  }

  private static SystemTable pgAuthid() {
    String spec = "oid:oid rolname:name rolsuper:bool rolinherit:bool rolcreaterole:bool rolcreatedb:bool"
        + " rolcanlogin:bool rolreplication:bool rolbypassrls:bool rolconnlimit:int4 rolpassword:text"
        + " rolvaliduntil:timestamptz";
    return new SystemTable(1260, Oids.PG_CATALOG, "pg_authid", 'r', spec, (snap, out) -> {
      for (CatalogSnapshot.Role r : snap.roles()) {
        // Password verifiers stay out of SQL reach.
        out.add().set("oid", r.oid()).set("rolname", r.name()).set("rolsuper", r.superuser()).set("rolinherit", true)
            .set("rolcreaterole", r.superuser()).set("rolcanlogin", r.canLogin()).set("rolbypassrls", r.superuser())
            .set("rolconnlimit", -1);
      }
    });
  }

  private static SystemTable pgRoles() {
    String spec = "rolname:name rolsuper:bool rolinherit:bool rolcreaterole:bool rolcreatedb:bool rolcanlogin:bool"
        + " rolreplication:bool rolconnlimit:int4 rolpassword:text rolvaliduntil:timestamptz rolbypassrls:bool"
        + " rolconfig:text[] oid:oid";
    return new SystemTable(12001, Oids.PG_CATALOG, "pg_roles", 'v', spec, (snap, out) -> {
      for (CatalogSnapshot.Role r : snap.roles()) {
        out.add().set("oid", r.oid()).set("rolname", r.name()).set("rolsuper", r.superuser()).set("rolinherit", true)
            .set("rolcreaterole", r.superuser()).set("rolcanlogin", r.canLogin()).set("rolbypassrls", r.superuser())
            .set("rolconnlimit", -1).set("rolpassword", "********");
      }
    });
  }

  private static SystemTable pgUser() {
    String spec = "usename:name usesysid:oid usecreatedb:bool usesuper:bool userepl:bool usebypassrls:bool passwd:text"
        + " valuntil:timestamptz useconfig:text[]";
    return new SystemTable(12002, Oids.PG_CATALOG, "pg_user", 'v', spec, (snap, out) -> {
      for (CatalogSnapshot.Role r : snap.roles()) {
        if (r.canLogin()) {
          out.add().set("usename", r.name()).set("usesysid", r.oid()).set("usesuper", r.superuser())
              .set("usebypassrls", r.superuser()).set("passwd", "********");
        }
      }
    });
  }

  private static SystemTable pgSettings() {
    String spec = "name:text setting:text unit:text category:text short_desc:text extra_desc:text context:text"
        + " vartype:text source:text min_val:text max_val:text enumvals:text[] boot_val:text reset_val:text"
        + " sourcefile:text sourceline:int4 pending_restart:bool";
    return new SystemTable(12003, Oids.PG_CATALOG, "pg_settings", 'v', spec, (snap, out) -> {
      for (Map.Entry<String, String[]> e : new TreeMap<>(CatalogNames.SETTINGS).entrySet()) {
        String v = e.getValue()[0];
        out.add().set("name", e.getKey()).set("setting", v).set("category", "DriftDB")
            .set("short_desc", e.getValue()[1]).set("context", "user").set("vartype", "string").set("source", "default")
            .set("boot_val", v).set("reset_val", v).set("sourceline", null);
      }
    });
  }
}
