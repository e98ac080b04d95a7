package io.driftdb.sql.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exact DatabaseMetaData queries of pgJDBC 42.7.8 (src/test/resources/catalog/jdbc_*.sql;
 * getIndexInfo assembled from the driver's own string constants) with their {@code $n}
 * parameters bound, as the driver sends them.
 */
class JdbcMetadataQueriesTest {
  @TempDir
  Path dir;
  CatalogFixture f;

  @BeforeEach
  void setUp() {
    f = new CatalogFixture(dir);
    f.exec("CREATE TABLE users (id integer PRIMARY KEY, name varchar(100) NOT NULL, email text,"
        + " score numeric(10,2) DEFAULT 0, active boolean DEFAULT true)");
    f.exec("CREATE INDEX users_name_idx ON users (name)");
    f.exec("CREATE INDEX users_email_name_idx ON users (email, name)");
    f.exec("CREATE TABLE orders (order_id bigint, line int, note char(3), PRIMARY KEY (order_id, line))");
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void getTables() {
    String q = CatalogFixture.query("jdbc_get_tables");
    assertThat(f.rows(q, "%")).containsExactly("appdb|public|orders|TABLE|null|||||",
        "appdb|public|users|TABLE|null|||||");
    assertThat(f.rows(q, "us%")).containsExactly("appdb|public|users|TABLE|null|||||");
    assertThat(f.rows(q, "pg_class")).isEmpty();
  }

  @Test
  void getColumns() {
    // current_database, nspname, relname, attname, atttypid, attnotnull, atttypmod, attlen, typtypmod, attnum,
    // attidentity, attgenerated, adsrc, description, typbasetype, typtype
    assertThat(f.rows(CatalogFixture.query("jdbc_get_columns"), "public", "users")).containsExactly(
        "appdb|public|users|id|23|true|-1|4|-1|1|null|null|null|null|0|b",
        "appdb|public|users|name|1043|true|104|-1|-1|2|null|null|null|null|0|b",
        "appdb|public|users|email|25|false|-1|-1|-1|3|null|null|null|null|0|b",
        "appdb|public|users|score|1700|false|655366|-1|-1|4|null|null|0|null|0|b",
        "appdb|public|users|active|16|false|-1|1|-1|5|null|null|true|null|0|b");
    assertThat(f.rows(CatalogFixture.query("jdbc_get_columns"), "%", "ord%")).extracting(r -> r.split("\\|")[3])
        .containsExactly("order_id", "line", "note");
  }

  @Test
  void getPrimaryKeys() {
    String q = CatalogFixture.query("jdbc_get_primary_keys");
    assertThat(f.rows(q, "public", "users")).containsExactly("appdb|public|users|id|1|users_pkey");
    assertThat(f.rows(q, "public", "orders")).containsExactly("appdb|public|orders|order_id|1|orders_pkey",
        "appdb|public|orders|line|2|orders_pkey");
  }

  @Test
  void getIndexInfo() {
    // TABLE_CAT, TABLE_SCHEM, TABLE_NAME, NON_UNIQUE, INDEX_QUALIFIER, INDEX_NAME, TYPE, ORDINAL_POSITION,
    // COLUMN_NAME, ASC_OR_DESC, CARDINALITY, PAGES, FILTER_CONDITION, REMARKS
    f.exec("INSERT INTO users (id, name) VALUES (1, 'ann'), (2, 'bob')");
    assertThat(f.rows(CatalogFixture.query("jdbc_get_index_info"), "public", "users")).containsExactly(
        "appdb|public|users|false|null|users_pkey|3|1|id|A|2.0|1|null|null",
        "appdb|public|users|true|null|users_email_name_idx|3|1|email|A|2.0|1|null|null",
        "appdb|public|users|true|null|users_email_name_idx|3|2|name|A|2.0|1|null|null",
        "appdb|public|users|true|null|users_name_idx|3|1|name|A|2.0|1|null|null");
  }

  @Test
  void getSchemasAndCatalog() {
    assertThat(f.rows(CatalogFixture.query("jdbc_get_schemas"))).containsExactly("information_schema|appdb",
        "pg_catalog|appdb", "public|appdb");
    assertThat(f.rows(CatalogFixture.query("jdbc_current_catalog"))).containsExactly("appdb");
    // getCatalogs
    assertThat(f.rows("SELECT datname AS \"TABLE_CAT\" FROM pg_catalog.pg_database WHERE datallowconn = true"
        + " ORDER BY datname")).containsExactly("appdb");
  }

  @Test
  void getImportedKeysAndTypeInfo() {
    // DriftDB has no foreign keys yet: the query runs and finds none.
    assertThat(f.rows(CatalogFixture.query("jdbc_get_imported_keys"), "public", "orders")).isEmpty();
    assertThat(f.rows("select setting from pg_catalog.pg_settings where name = 'max_index_keys'")).containsExactly("32");
    assertThat(f.rows(CatalogFixture.query("jdbc_get_type_info"))).contains("int4|23", "varchar|1043", "jsonb|3802",
        "timestamptz|1184", "_text|1009");
  }

  @Test
  void typeInfoCacheLookups() {
    // What the driver asks about a type OID it does not know (jsonb is not in its built-in table).
    assertThat(f.rows(CatalogFixture.query("jdbc_type_by_oid"), 3802)).containsExactly("true|pg_catalog|jsonb");
    assertThat(f.rows(CatalogFixture.query("jdbc_sql_type_by_oid"), 3802)).containsExactly("false|b|jsonb|3802");
    assertThat(f.rows(CatalogFixture.query("jdbc_sql_type_by_oid"), 1007)).containsExactly("true|b|_int4|1007");
  }
}
