package io.driftdb.sql.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdb.sql.SessionInfo;
import io.driftdb.sql.SqlError;
import io.driftdb.sql.SqlSession;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog tells the truth about the tables at the statement's snapshot, with stable OIDs. */
class CatalogContentsTest {
  @TempDir
  Path dir;

  private static final String TABLES = "select oid, relname from pg_class where relnamespace = 2200 and relkind = 'r'"
      + " order by oid";

  @Test
  void oidsAreStableAcrossRestartsAndOtherDdl() {
    List<String> before;
    try (CatalogFixture f = new CatalogFixture(dir)) {
      f.exec("CREATE TABLE a (id int PRIMARY KEY)");
      f.exec("CREATE TABLE b (id int PRIMARY KEY, v text)");
      f.exec("CREATE INDEX b_v_idx ON b (v)");
      before = f.rows("select oid, relname from pg_class where relnamespace = 2200 order by oid");
      assertThat(before).containsExactly("16384|a", "16385|a_pkey", "20480|b", "20481|b_pkey", "20482|b_v_idx");
      f.exec("DROP TABLE a");
      f.exec("CREATE TABLE a (id int PRIMARY KEY)");
      // The new incarnation of "a" is a new table with a new OID; b keeps its numbers.
      assertThat(f.rows(TABLES)).containsExactly("20480|b", "24576|a");
    }
    try (CatalogFixture f = new CatalogFixture(dir)) {
      assertThat(f.rows(TABLES)).containsExactly("20480|b", "24576|a");
      assertThat(f.rows("select 'b_v_idx'::regclass::oid, 'b'::regclass::oid")).containsExactly("20482|20480");
    }
  }

  @Test
  void alterTableKeepsAttributeNumbers() {
    try (CatalogFixture f = new CatalogFixture(dir)) {
      f.exec("CREATE TABLE t (id int PRIMARY KEY, a text, b text)");
      f.exec("ALTER TABLE t DROP COLUMN a");
      f.exec("ALTER TABLE t ADD COLUMN c varchar(5) DEFAULT 'x'");
      f.exec("ALTER TABLE t RENAME COLUMN b TO bb");
      assertThat(f.rows("select attnum, attname, format_type(atttypid, atttypmod), attisdropped, atthasdef"
          + " from pg_attribute where attrelid = 't'::regclass and attnum > 0 order by attnum")).containsExactly(
          "1|id|integer|false|false", "2|........pg.dropped.2........|-|true|false", "3|bb|text|false|false",
          "4|c|character varying(5)|false|true");
      assertThat(f.rows("select adnum, pg_get_expr(adbin, adrelid) from pg_attrdef where adrelid = 't'::regclass"))
          .containsExactly("4|'x'");
      assertThat(f.rows("select column_name, ordinal_position from information_schema.columns where table_name = 't'"
          + " order by 2")).containsExactly("id|1", "bb|3", "c|4");
      f.exec("ALTER TABLE t RENAME TO t2");
      assertThat(f.rows("select relname from pg_class where oid = 16384")).containsExactly("t2");
    }
  }

  @Test
  void aTransactionSeesTheCatalogOfItsSnapshot() {
    try (CatalogFixture f = new CatalogFixture(dir);
         SqlSession other = f.engine.openSession(new SessionInfo("driftdb", "appdb", "other", "local"))) {
      f.exec("CREATE TABLE early (id int PRIMARY KEY)");
      f.exec("BEGIN");
      assertThat(f.rows("select relname from pg_class where relkind = 'r' and relnamespace = 2200"))
          .containsExactly("early");
      other.execute("CREATE TABLE late (id int PRIMARY KEY)", List.of());
      assertThat(f.rows("select relname from pg_class where relkind = 'r' and relnamespace = 2200"))
          .containsExactly("early");
      assertThat(f.rows("select count(*) from information_schema.tables where table_name = 'late'"))
          .containsExactly("0");
      f.exec("COMMIT");
      assertThat(f.rows("select relname from pg_class where relkind = 'r' and relnamespace = 2200 order by 1"))
          .containsExactly("early", "late");
    }
  }

  @Test
  void rolesComeFromTheCatalog() {
    try (CatalogFixture f = new CatalogFixture(dir)) {
      f.exec("CREATE USER bob WITH PASSWORD 'pw'");
      f.exec("CREATE USER root SUPERUSER");
      assertThat(f.rows("select rolname, rolsuper, oid = 10 from pg_roles order by 1")).containsExactly(
          "bob|false|false", "driftdb|true|true", "root|true|false");
      assertThat(f.rows("select usename from pg_user order by 1")).containsExactly("bob", "driftdb", "root");
      assertThat(f.rows("select pg_get_userbyid(oid) from pg_authid where rolname = 'bob'")).containsExactly("bob");
      assertThat(f.rows("select rolpassword from pg_roles where rolname = 'bob'")).containsExactly("********");
      assertThat(f.rows("select current_user, session_user")).containsExactly("driftdb|driftdb");
    }
  }

  @Test
  void informationSchema() {
    try (CatalogFixture f = new CatalogFixture(dir)) {
      f.exec("CREATE TABLE items (sku varchar(20), region char(2), qty smallint NOT NULL, price numeric(8,2),"
          + " PRIMARY KEY (region, sku))");
      assertThat(f.rows("select table_catalog, table_schema, table_name, table_type from information_schema.tables"
          + " where table_schema = 'public'")).containsExactly("appdb|public|items|BASE TABLE");
      assertThat(f.rows("select column_name, data_type, character_maximum_length, numeric_precision, numeric_scale,"
          + " is_nullable, udt_name from information_schema.columns where table_name = 'items'"
          + " order by ordinal_position"))
          .containsExactly("sku|character varying|20|null|null|NO|varchar", "region|character|2|null|null|NO|bpchar",
              "qty|smallint|null|16|0|NO|int2", "price|numeric|null|8|2|YES|numeric");
      assertThat(f.rows("select constraint_name, constraint_type from information_schema.table_constraints"))
          .containsExactly("items_pkey|PRIMARY KEY");
      assertThat(f.rows("select column_name, ordinal_position from information_schema.key_column_usage"
          + " where constraint_name = 'items_pkey' order by 2")).containsExactly("region|1", "sku|2");
      assertThat(f.rows("select schema_name from information_schema.schemata order by 1"))
          .containsExactly("information_schema", "pg_catalog", "public");
      assertThat(f.rows("select count(*) > 100 from information_schema.columns where table_schema = 'pg_catalog'"))
          .containsExactly("true");
    }
  }

  @Test
  void regclassRegtypeAndFunctions() {
    try (CatalogFixture f = new CatalogFixture(dir)) {
      f.exec("CREATE TABLE \"Mixed Case\" (id int PRIMARY KEY)");
      f.exec("CREATE TABLE plain (id int PRIMARY KEY)");
      assertThat(f.rows("select 'pg_class'::regclass::oid, 'pg_catalog.pg_type'::regclass::oid,"
          + " 'plain'::regclass, '\"Mixed Case\"'::regclass")).containsExactly("1259|1247|plain|\"mixed case\"");
      // Table names are case-insensitive in DriftDB: stored lower-case, quoted when printed if needed.
      assertThat(f.rows("select c.oid::regclass from pg_class c where c.relname = 'mixed case'"))
          .containsExactly("\"mixed case\"");
      assertThat(f.rows("select 23::regtype, 1043::regtype::text, 'int4'::regtype::oid,"
          + " 'character varying'::regtype::oid"))
          .containsExactly("integer|character varying|23|1043");
      assertThat(f.rows("select format_type(1700, 655366), format_type(1007, -1), format_type(1042, 7),"
          + " format_type(12345, -1), format_type(null, -1)"))
          .containsExactly("numeric(10,2)|integer[]|character(3)|???|null");
      assertThat(f.rows("select pg_table_is_visible('plain'::regclass), pg_table_is_visible(1259),"
          + " pg_table_is_visible('information_schema.tables'::regclass)")).containsExactly("true|true|false");
      assertThat(f.rows("select to_regclass('nosuch'), current_schemas(true), current_schemas(false)"))
          .containsExactly("null|[pg_catalog, public]|[public]");
      assertThat(f.rows("select 'abc' ~ 'b', 'abc' ~* 'B', 'abc' !~ '^b', 'abc' !~* 'A', 6 & 3, 4 | 1"))
          .containsExactly("true|true|true|false|2|5");
      assertThat(f.rows("select 'a1' ~ '^[[:alpha:]][[:digit:]]$', 'a1' ~ '^[[:digit:]]'"))
          .containsExactly("true|false");
      assertThat(f.rows("select '2020-01-02 03:04:05'::pg_catalog.timestamp, 7::pg_catalog.int8 + 1,"
          + " 'x'::pg_catalog.text, '{1,2}'::pg_catalog.int4[] = '{1,2}'"))
          .containsExactly("2020-01-02T03:04:05|8|x|true");
      assertThatThrownBy(() -> f.rows("select 'nosuch'::regclass"))
          .isInstanceOfSatisfying(SqlError.class, e -> assertThat(e.sqlState()).isEqualTo(SqlError.UNDEFINED_TABLE));
    }
  }

  @Test
  void unqualifiedCatalogNamesResolveToPgCatalog() {
    try (CatalogFixture f = new CatalogFixture(dir)) {
      assertThat(f.rows("select nspname from pg_namespace order by oid"))
          .containsExactly("pg_catalog", "public", "information_schema");
      assertThat(f.rows("select typname from pg_type t where t.oid = 23")).containsExactly("int4");
      assertThat(f.rows("with pg_type as (select 1 as typname) select typname from pg_type")).containsExactly("1");
    }
  }

  @Test
  void catalogRelationsDescribeThemselves() {
    try (CatalogFixture f = new CatalogFixture(dir)) {
      assertThat(f.rows("select relkind, relnatts from pg_class where oid = 'pg_class'::regclass"))
          .containsExactly("r|33");
      assertThat(f.rows("select attname from pg_attribute where attrelid = 'pg_namespace'::regclass order by attnum"))
          .containsExactly("oid", "nspname", "nspowner", "nspacl");
      assertThat(f.rows("select count(*) from pg_class where relname = 'pg_description'")).containsExactly("1");
    }
  }
}
