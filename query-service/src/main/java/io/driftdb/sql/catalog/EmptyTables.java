package io.driftdb.sql.catalog;

import java.util.List;

/**
 * Catalogs of features DriftDB does not have (comments, inheritance, row-level security,
 * extended statistics, publications, triggers, rules, sequences, extensions, enums, role
 * membership, views): they exist with PostgreSQL's columns so that client queries run, and
 * they are empty because there is nothing to list.
 */
final class EmptyTables {
  private EmptyTables() {}

  static List<SystemTable> define() {
    return List.of(
        empty(2609, "pg_description", 'r', "objoid:oid classoid:oid objsubid:int4 description:text"),
        empty(2396, "pg_shdescription", 'r', "objoid:oid classoid:oid description:text"),
        empty(2611, "pg_inherits", 'r', "inhrelid:oid inhparent:oid inhseqno:int4 inhdetachpending:bool"),
        empty(3256, "pg_policy", 'r', "oid:oid polname:name polrelid:oid polcmd:char polpermissive:bool polroles:oid[]"
            + " polqual:node polwithcheck:node"),
        empty(3381, "pg_statistic_ext", 'r', "oid:oid stxrelid:oid stxname:name stxnamespace:oid stxowner:oid"
            + " stxstattarget:int4 stxkeys:int2vector stxkind:char[] stxexprs:node"),
        empty(6104, "pg_publication", 'r', "oid:oid pubname:name pubowner:oid puballtables:bool pubinsert:bool"
            + " pubupdate:bool pubdelete:bool pubtruncate:bool pubviaroot:bool"),
        empty(6106, "pg_publication_rel", 'r', "oid:oid prpubid:oid prrelid:oid prqual:node prattrs:int2vector"),
        empty(6237, "pg_publication_namespace", 'r', "oid:oid pnpubid:oid pnnspid:oid"),
        empty(1261, "pg_auth_members", 'r', "roleid:oid member:oid grantor:oid admin_option:bool"),
        empty(2620, "pg_trigger", 'r', "oid:oid tgrelid:oid tgparentid:oid tgname:name tgfoid:oid tgtype:int2"
            + " tgenabled:char tgisinternal:bool tgconstrrelid:oid tgconstrindid:oid tgconstraint:oid tgdeferrable:bool"
            + " tginitdeferred:bool tgnargs:int2 tgattr:int2vector tgargs:text tgqual:node tgoldtable:name"
            + " tgnewtable:name"),
        empty(2618, "pg_rewrite", 'r', "oid:oid rulename:name ev_class:oid ev_type:char ev_enabled:char"
            + " is_instead:bool ev_qual:node ev_action:node"),
        empty(2224, "pg_sequence", 'r', "seqrelid:oid seqtypid:oid seqstart:int8 seqincrement:int8 seqmax:int8"
            + " seqmin:int8 seqcache:int8 seqcycle:bool"),
        empty(3079, "pg_extension", 'r', "oid:oid extname:name extowner:oid extnamespace:oid extrelocatable:bool"
            + " extversion:text extconfig:oid[] extcondition:text[]"),
        empty(3466, "pg_event_trigger", 'r', "oid:oid evtname:name evtevent:name evtowner:oid evtfoid:oid"
            + " evtenabled:char evttags:text[]"),
        empty(3501, "pg_enum", 'r', "oid:oid enumtypid:oid enumsortorder:float4 enumlabel:name"),
        empty(3118, "pg_foreign_table", 'r', "ftrelid:oid ftserver:oid ftoptions:text[]"),
        empty(3350, "pg_partitioned_table", 'r', "partrelid:oid partstrat:char partnatts:int2 partdefid:oid"
            + " partattrs:int2vector partclass:oidvector partcollation:oidvector partexprs:node"),
        empty(1255, "pg_proc", 'r', "oid:oid proname:name pronamespace:oid proowner:oid prolang:oid procost:float4"
            + " prorows:float4 provariadic:oid prosupport:regproc prokind:char prosecdef:bool proleakproof:bool"
            + " proisstrict:bool proretset:bool provolatile:char proparallel:char pronargs:int2 pronargdefaults:int2"
            + " prorettype:oid proargtypes:oidvector proallargtypes:oid[] proargmodes:char[] proargnames:text[]"
            + " proargdefaults:node protrftypes:oid[] prosrc:text probin:text prosqlbody:node proconfig:text[]"
            + " proacl:aclitem[]"),
        empty(2608, "pg_depend", 'r', "classid:oid objid:oid objsubid:int4 refclassid:oid refobjid:oid"
            + " refobjsubid:int4 deptype:char"),
        empty(12006, "pg_views", 'v', "schemaname:name viewname:name viewowner:name definition:text"),
        empty(12007, "pg_matviews", 'v', "schemaname:name matviewname:name matviewowner:name tablespace:name"
            + " hasindexes:bool ispopulated:bool definition:text"));
  }

  private static SystemTable empty(int oid, String name, char relkind, String spec) {
    return new SystemTable(oid, Oids.PG_CATALOG, name, relkind, spec, (snap, out) -> { });
  }
}
