package io.driftdb.sql.catalog;

import io.driftdb.materializer.ColumnInfo;
import io.driftdb.materializer.TableSchema;
import io.driftdb.sql.PgType;
import io.driftdb.sql.plan.SystemColumns;
import io.driftdb.sql.plan.TypeMapping;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * pg_class, pg_attribute, pg_index, pg_constraint, pg_attrdef and the pg_tables/pg_indexes
 * views: every relation (user tables, their indexes, and the catalog relations themselves) as
 * it exists at the statement's snapshot.
 */
final class RelationTables {
  private RelationTables() {}

  static List<SystemTable> define(SystemCatalog sys) {
    return List.of(pgNamespace(), pgClass(sys), pgAttribute(sys), pgIndex(), pgConstraint(), pgAttrdef(),
        pgTables(sys), pgIndexes());
  }

  private static SystemTable pgNamespace() {
    return new SystemTable(2615, Oids.PG_CATALOG, "pg_namespace", 'r',
        "oid:oid nspname:name nspowner:oid nspacl:aclitem[]", (snap, out) -> {
          out.add().set("oid", Oids.PG_CATALOG).set("nspname", "pg_catalog").set("nspowner", Oids.BOOTSTRAP_ROLE);
          out.add().set("oid", Oids.PUBLIC).set("nspname", "public").set("nspowner", Oids.BOOTSTRAP_ROLE);
          out.add().set("oid", Oids.INFORMATION_SCHEMA).set("nspname", "information_schema")
              .set("nspowner", Oids.BOOTSTRAP_ROLE);
        });
  }

  private static SystemTable pgClass(SystemCatalog sys) {
    String spec = "oid:oid relname:name relnamespace:oid reltype:oid reloftype:oid relowner:oid relam:oid"
        + " relfilenode:oid reltablespace:oid relpages:int4 reltuples:float4 relallvisible:int4 reltoastrelid:oid"
        + " relhasindex:bool"
        + " relisshared:bool relpersistence:char relkind:char relnatts:int2 relchecks:int2 relhasrules:bool"
        + " relhastriggers:bool relhassubclass:bool relrowsecurity:bool relforcerowsecurity:bool relispopulated:bool"
        + " relreplident:char relispartition:bool relrewrite:oid relfrozenxid:xid relminmxid:xid relacl:aclitem[]"
        + " reloptions:text[] relpartbound:node";
    return new SystemTable(1259, Oids.PG_CATALOG, "pg_class", 'r', spec, (snap, out) -> {
      for (SystemTable t : sys.tables()) {
        out.add().set("oid", t.oid()).set("relname", t.name()).set("relnamespace", t.namespace())
            .set("relowner", Oids.BOOTSTRAP_ROLE).set("relam", t.relkind() == 'r' ? Oids.AM_TABLE : 0)
            .set("reltuples", -1).set("relpersistence", "p").set("relkind", String.valueOf(t.relkind()))
            .set("relnatts", t.columns().size()).set("relhasrules", t.relkind() == 'v')
            .set("relispopulated", true).set("relreplident", "n")
            .set("relisshared", SystemCatalog.SHARED.contains(t.name()));
      }
      for (CatalogSnapshot.Table t : snap.tables()) {
        // An estimate, as in PostgreSQL: keys that have any version.
        long rows = t.data().keyCount();
        long checks = t.constraints().stream().filter(c -> c.type() == 'c').count();
        out.add().set("oid", t.oid()).set("relname", t.name()).set("relnamespace", Oids.PUBLIC)
            .set("relowner", Oids.BOOTSTRAP_ROLE).set("relam", Oids.AM_TABLE).set("relfilenode", t.oid())
            .set("relpages", 0).set("reltuples", rows).set("relhasindex", !t.indexes().isEmpty())
            .set("relpersistence", "p").set("relkind", "r").set("relnatts", t.schema().nextColumnId())
            .set("relchecks", checks).set("relispopulated", true).set("relreplident", "d");
        for (CatalogSnapshot.Index i : t.indexes()) {
          out.add().set("oid", i.oid()).set("relname", i.name()).set("relnamespace", Oids.PUBLIC)
              .set("relowner", Oids.BOOTSTRAP_ROLE).set("relam", Oids.AM_BTREE).set("relfilenode", i.oid())
              .set("relpages", 1).set("reltuples", rows).set("relpersistence", "p").set("relkind", "i")
              .set("relnatts", i.attnums().size()).set("relispopulated", true).set("relreplident", "n");
        }
      }
    });
  }

  private static SystemTable pgAttribute(SystemCatalog sys) {
    String spec = "attrelid:oid attname:name atttypid:oid attstattarget:int4 attlen:int2 attnum:int2 attndims:int4"
        + " attcacheoff:int4 atttypmod:int4 attbyval:bool attalign:char attstorage:char attcompression:char"
        + " attnotnull:bool atthasdef:bool atthasmissing:bool attidentity:char attgenerated:char attisdropped:bool"
        + " attislocal:bool attinhcount:int4 attcollation:oid attacl:aclitem[] attoptions:text[] attfdwoptions:text[]"
        + " attmissingval:text[]";
    return new SystemTable(1249, Oids.PG_CATALOG, "pg_attribute", 'r', spec, (snap, out) -> {
      for (SystemTable t : sys.tables()) {
        short n = 0;
        for (SystemTable.Column c : t.columns()) {
          attribute(out, t.oid(), c.name(), c.type().wireType(), -1, ++n, false, false);
        }
      }
      for (CatalogSnapshot.Table t : snap.tables()) {
        TableSchema s = t.schema();
        for (int id = 0; id < s.nextColumnId(); id++) {
          ColumnInfo c = s.columnById(id);
          short attnum = CatalogSnapshot.Table.attnum(id);
          if (c == null) {
            // A dropped column keeps its number, as in PostgreSQL.
            out.add().set("attrelid", t.oid()).set("attname", "........pg.dropped." + attnum + "........")
                .set("attnum", attnum).set("attisdropped", true).set("attislocal", true).set("attstattarget", -1)
                .set("atttypmod", -1).set("attcacheoff", -1).set("attidentity", "").set("attgenerated", "")
                .set("attcompression", "").set("attalign", "i").set("attstorage", "p");
            continue;
          }
          attribute(out, t.oid(), c.name(), TypeMapping.toPg(c.type()), PgTypes.typmod(c.type()), attnum,
              !c.nullable(), c.defaultExpr() != null);
        }
        short sysNum = 0;
        for (String name : SystemColumns.NAMES) {
          PgType type = name.startsWith("_system") ? PgType.TIMESTAMP : name.equals(SystemColumns.OP) ? PgType.TEXT
              : PgType.INT8;
          attribute(out, t.oid(), name, type, -1, --sysNum, false, false);
        }
        for (CatalogSnapshot.Index i : t.indexes()) {
          short n = 0;
          for (short a : i.attnums()) {
            ColumnInfo c = t.columnByAttnum(a);
            attribute(out, i.oid(), c.name(), TypeMapping.toPg(c.type()), PgTypes.typmod(c.type()), ++n, false, false);
          }
        }
      }
    });
  }

  private static void attribute(SystemTable.Rows out, int relid, String name, PgType type, int typmod, short attnum,
                                boolean notNull, boolean hasDefault) {
    PgTypes.Facts f = PgTypes.facts(type);
    out.add().set("attrelid", relid).set("attname", name).set("atttypid", type.oid()).set("attstattarget", -1)
        .set("attlen", type.size()).set("attnum", attnum).set("attcacheoff", -1).set("atttypmod", typmod)
        .set("attbyval", f.byVal()).set("attalign", String.valueOf(f.align()))
        .set("attstorage", String.valueOf(f.storage())).set("attcompression", "").set("attnotnull", notNull)
        .set("atthasdef", hasDefault).set("attidentity", "").set("attgenerated", "").set("attislocal", true)
        .set("attcollation", f.collation())
        .set("attndims", PgTypes.isArray(type) ? 1 : 0);
  }

  private static SystemTable pgIndex() {
    String spec = "indexrelid:oid indrelid:oid indnatts:int2 indnkeyatts:int2 indisunique:bool indnullsnotdistinct:bool"
        + " indisprimary:bool indisexclusion:bool indimmediate:bool indisclustered:bool indisvalid:bool"
        + " indcheckxmin:bool indisready:bool indislive:bool indisreplident:bool indkey:int2vector"
        + " indcollation:oidvector indclass:oidvector indoption:int2vector indexprs:node indpred:node";
    return new SystemTable(2610, Oids.PG_CATALOG, "pg_index", 'r', spec, (snap, out) -> {
      for (CatalogSnapshot.Table t : snap.tables()) {
        for (CatalogSnapshot.Index i : t.indexes()) {
          List<Integer> collations = new ArrayList<>();
          for (short a : i.attnums()) {
            collations.add(PgTypes.facts(TypeMapping.toPg(t.columnByAttnum(a).type())).collation());
          }
          int n = i.attnums().size();
          out.add().set("indexrelid", i.oid()).set("indrelid", t.oid()).set("indnatts", n).set("indnkeyatts", n)
              .set("indisunique", i.unique()).set("indisprimary", i.primary()).set("indimmediate", true)
              .set("indisvalid", true).set("indisready", true).set("indislive", true).set("indkey", i.attnums())
              .set("indcollation", collations).set("indclass", Collections.nCopies(n, 0))
              .set("indoption", Collections.nCopies(n, 0));
        }
      }
    });
  }

  private static SystemTable pgConstraint() {
    String spec = "oid:oid conname:name connamespace:oid contype:char condeferrable:bool condeferred:bool"
        + " convalidated:bool conrelid:oid contypid:oid conindid:oid conparentid:oid confrelid:oid confupdtype:char"
        + " confdeltype:char confmatchtype:char conislocal:bool coninhcount:int4 connoinherit:bool conkey:int2[]"
        + " confkey:int2[] conpfeqop:oid[] conppeqop:oid[] conffeqop:oid[] confdelsetcols:int2[] conexclop:oid[]"
        + " conbin:node";
    return new SystemTable(2606, Oids.PG_CATALOG, "pg_constraint", 'r', spec, (snap, out) -> {
      for (CatalogSnapshot.Constraint c : snap.constraints()) {
        boolean fk = c.type() == 'f';
        out.add().set("oid", c.oid()).set("conname", c.name()).set("connamespace", Oids.PUBLIC)
            .set("contype", String.valueOf(c.type())).set("convalidated", true).set("conrelid", c.tableOid())
            .set("conindid", c.indexOid()).set("confrelid", c.refTableOid())
            .set("confupdtype", fk ? Definitions.actionCode(c.onUpdate()) : " ")
            .set("confdeltype", fk ? Definitions.actionCode(c.onDelete()) : " ")
            .set("confmatchtype", fk ? "s" : " ").set("conislocal", true).set("conkey", c.attnums())
            .set("confkey", fk ? c.refAttnums() : null).set("conbin", c.checkExpr());
      }
    });
  }

  private static SystemTable pgAttrdef() {
    return new SystemTable(2604, Oids.PG_CATALOG, "pg_attrdef", 'r', "oid:oid adrelid:oid adnum:int2 adbin:node",
        (snap, out) -> {
          for (CatalogSnapshot.Table t : snap.tables()) {
            for (ColumnInfo c : t.schema().columns()) {
              if (c.defaultExpr() != null) {
                // adbin holds the expression's text; pg_get_expr returns it unchanged.
                out.add().set("oid", Oids.attrdef(t.oid(), c.id())).set("adrelid", t.oid())
                    .set("adnum", CatalogSnapshot.Table.attnum(c.id())).set("adbin", c.defaultExpr());
              }
            }
          }
        });
  }

  private static SystemTable pgTables(SystemCatalog sys) {
    String spec = "schemaname:name tablename:name tableowner:name tablespace:name hasindexes:bool hasrules:bool"
        + " hastriggers:bool rowsecurity:bool";
    return new SystemTable(12004, Oids.PG_CATALOG, "pg_tables", 'v', spec, (snap, out) -> {
      for (SystemTable t : sys.tables()) {
        if (t.relkind() == 'r') {
          out.add().set("schemaname", SystemCatalog.namespaceName(t.namespace())).set("tablename", t.name())
              .set("tableowner", CatalogNames.BOOTSTRAP_ROLE);
        }
      }
      for (CatalogSnapshot.Table t : snap.tables()) {
        out.add().set("schemaname", "public").set("tablename", t.name()).set("tableowner", CatalogNames.BOOTSTRAP_ROLE)
            .set("hasindexes", !t.indexes().isEmpty());
      }
    });
  }

  private static SystemTable pgIndexes() {
    return new SystemTable(12005, Oids.PG_CATALOG, "pg_indexes", 'v',
        "schemaname:name tablename:name indexname:name tablespace:name indexdef:text", (snap, out) -> {
          for (CatalogSnapshot.Table t : snap.tables()) {
            for (CatalogSnapshot.Index i : t.indexes()) {
              out.add().set("schemaname", "public").set("tablename", t.name()).set("indexname", i.name())
                  .set("indexdef", Definitions.index(i, t, false));
            }
          }
        });
  }
}
