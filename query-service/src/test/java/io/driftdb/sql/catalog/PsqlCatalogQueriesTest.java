package io.driftdb.sql.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exact queries psql 15 sends for {@code \l}, {@code \dt}, {@code \d}, {@code \d table},
 * {@code \di}, {@code \du} and {@code \dn} (src/test/resources/catalog/psql_*.sql, captured from
 * psql 15.18 with {@code psql -E}), run through an engine session over tables created with SQL.
 * The expected rows are what PostgreSQL 15 returns for the same tables, except for names
 * DriftDB defines (owner driftdb, table access method drift).
 */
class PsqlCatalogQueriesTest {
  @TempDir
  Path dir;
  CatalogFixture f;

  @BeforeEach
  void setUp() {
    f = new CatalogFixture(dir);
    f.exec("CREATE TABLE users (id integer PRIMARY KEY, name varchar(100) NOT NULL, email text,"
        + " score numeric(10,2) DEFAULT 0, created timestamptz, active boolean DEFAULT true)");
    f.exec("CREATE INDEX users_name_idx ON users (name)");
    f.exec("CREATE INDEX users_email_name_idx ON users (email, name)");
    f.exec("CREATE TABLE orders (order_id bigint, line int, user_id integer NOT NULL, amount double precision,"
        + " note char(3), PRIMARY KEY (order_id, line))");
    f.exec("CREATE TABLE nopk (a int, b text, j jsonb, u uuid, d date, t timestamp, by bytea, s smallint, r real)");
    f.exec("INSERT INTO users (id, name) VALUES (1, 'ann'), (2, 'bob')");
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void listDatabases() {
    assertThat(f.rows(CatalogFixture.query("psql_l"))).containsExactly("appdb|driftdb|UTF8|C|C|null|libc|null");
  }

  @Test
  void listTables() {
    assertThat(f.rows(CatalogFixture.query("psql_dt"))).containsExactly(
        "public|nopk|table|driftdb", "public|orders|table|driftdb", "public|users|table|driftdb");
    assertThat(f.rows(CatalogFixture.query("psql_d_all"))).containsExactly(
        "public|nopk|table|driftdb", "public|orders|table|driftdb", "public|users|table|driftdb");
  }

  @Test
  void listIndexes() {
    assertThat(f.rows(CatalogFixture.query("psql_di"))).containsExactly(
        "public|orders_pkey|index|driftdb|orders",
        "public|users_email_name_idx|index|driftdb|users",
        "public|users_name_idx|index|driftdb|users",
        "public|users_pkey|index|driftdb|users");
  }

  @Test
  void listRolesAndSchemas() {
    f.exec("CREATE USER alice WITH PASSWORD 'secret'");
    assertThat(f.rows(CatalogFixture.query("psql_du"))).containsExactly(
        "alice|false|true|false|false|true|-1|null|[]|false|false",
        "driftdb|true|true|true|false|true|-1|null|[]|false|true");
    assertThat(f.rows(CatalogFixture.query("psql_dn"))).containsExactly("public|driftdb");
  }

  @Test
  void describeUsersLikePsql() {
    assertThat(describe("users")).containsExactly(
        "Table \"public.users\"",
        "id|integer||not null|",
        "name|character varying(100)||not null|",
        "email|text|||",
        "score|numeric(10,2)|||0",
        "created|timestamp with time zone|||",
        "active|boolean|||true",
        "Indexes:",
        "    \"users_pkey\" PRIMARY KEY, btree (id)",
        "    \"users_email_name_idx\" btree (email, name)",
        "    \"users_name_idx\" btree (name)");
  }

  @Test
  void describeCompositeKeyAndTypes() {
    assertThat(describe("orders")).containsExactly(
        "Table \"public.orders\"",
        "order_id|bigint||not null|",
        "line|integer||not null|",
        "user_id|integer||not null|",
        "amount|double precision|||",
        "note|character(3)|||",
        "Indexes:",
        "    \"orders_pkey\" PRIMARY KEY, btree (order_id, line)");
    assertThat(describe("nopk")).containsExactly(
        "Table \"public.nopk\"",
        "a|integer|||",
        "b|text|||",
        "j|jsonb|||",
        "u|uuid|||",
        "d|date|||",
        "t|timestamp without time zone|||",
        "by|bytea|||",
        "s|smallint|||",
        "r|real|||");
  }

  @Test
  void describeUnknownTableFindsNothing() {
    assertThat(f.rows(CatalogFixture.query("psql_d_1").replace("$NAME", "nosuch"))).isEmpty();
  }

  @Test
  void describeQueriesForFeaturesDriftDbLacksReturnNoRows() {
    String oid = f.rows(CatalogFixture.query("psql_d_1").replace("$NAME", "users")).get(0).split("\\|")[0];
    for (String q : List.of("psql_d_5", "psql_d_6", "psql_d_7", "psql_d_8", "psql_d_9")) {
      assertThat(f.rows(CatalogFixture.query(q).replace("$OID", oid))).as(q).isEmpty();
    }
  }

  @Test
  void patternMatchingFollowsPsqlRegex() {
    String q = CatalogFixture.query("psql_d_1");
    assertThat(f.rows(q.replace("$NAME", "u.*"))).extracting(r -> r.split("\\|")[2])
        .containsExactly("users", "users_email_name_idx", "users_name_idx", "users_pkey");
    assertThat(f.rows(q.replace("$NAME", "USERS"))).isEmpty();
  }

  /**
   * Every query psql 15 sends for {@code \d+ users}, {@code \dt+}, {@code \di+}, {@code \l+},
   * {@code \dn+}, {@code \d users_pkey}, {@code \df}, {@code \dv}, {@code \ds}, {@code \dT},
   * {@code \dx}, {@code \dp}, {@code \dm}, {@code \db}, {@code \dD}, {@code \dE}, {@code \dg},
   * {@code \dy}, {@code \dO} runs (psql_more.sql).
   */
  @Test
  void otherPsqlCommandsRun() {
    String[] queries = CatalogFixture.query("psql_more").split("\n;;\n");
    assertThat(queries).hasSize(38);
    java.util.Map<String, List<String>> results = new java.util.LinkedHashMap<>();
    for (String q : queries) {
      String sql = q.replace("$USERS_PKEY", "16385").replace("$ORDERS_PKEY", "20481").replace("$USERS", "16384");
      results.put(q.substring(3, q.indexOf('\n')), f.rows(sql));
    }
    assertThat(results.get("\\dt+ (query 1)")).containsExactly(
        "public|nopk|table|driftdb|permanent|drift|null|null",
        "public|orders|table|driftdb|permanent|drift|null|null",
        "public|users|table|driftdb|permanent|drift|null|null");
    assertThat(results.get("\\d users_pkey (query 1)")).containsExactly("16385|public|users_pkey");
    assertThat(results.get("\\d orders_pkey (query 3)")).containsExactly("order_id|bigint|yes|order_id",
        "line|integer|yes|line");
    assertThat(results.get("\\df (query 1)")).isEmpty();
    assertThat(results.get("\\dT (query 1)")).isEmpty();
  }

  /**
   * Runs every query psql sends for {@code \d name}, in order, and renders the result as psql
   * does: one line per column (name|type|collation|nullable|default), then the index footer
   * ("everything after USING", labelled PRIMARY KEY / UNIQUE).
   */
  private List<String> describe(String name) {
    List<String> found = f.rows(CatalogFixture.query("psql_d_1").replace("$NAME", name));
    assertThat(found).hasSize(1);
    String[] rel = found.get(0).split("\\|", -1);
    String oid = rel[0];
    List<String> out = new ArrayList<>();
    out.add("Table \"" + rel[1] + "." + rel[2] + "\"");
    String[] info = f.rows(CatalogFixture.query("psql_d_2").replace("$OID", oid)).get(0).split("\\|", -1);
    assertThat(info[1]).isEqualTo("r");
    boolean hasIndex = info[2].equals("true");
    for (Object[] c : f.exec(CatalogFixture.query("psql_d_3").replace("$OID", oid)).rows()) {
      out.add(c[0] + "|" + c[1] + "|" + (c[4] == null ? "" : c[4]) + "|" + (Boolean.TRUE.equals(c[3]) ? "not null" : "")
          + "|" + (c[2] == null ? "" : c[2]));
      assertThat(c[5]).isEqualTo("");
      assertThat(c[6]).isEqualTo("");
    }
    if (hasIndex) {
      out.add("Indexes:");
      for (Object[] i : f.exec(CatalogFixture.query("psql_d_4").replace("$OID", oid)).rows()) {
        String def = (String) i[5];
        String label = Boolean.TRUE.equals(i[1]) ? " PRIMARY KEY," : Boolean.TRUE.equals(i[2])
            ? ("u".equals(i[7]) ? " UNIQUE CONSTRAINT," : " UNIQUE,") : "";
        out.add("    \"" + i[0] + "\"" + label + " " + def.substring(def.indexOf(" USING ") + 7));
      }
    } else {
      assertThat(f.rows(CatalogFixture.query("psql_d_4").replace("$OID", oid))).isEmpty();
    }
    for (String q : List.of("psql_d_5", "psql_d_6", "psql_d_7", "psql_d_8", "psql_d_9")) {
      f.exec(CatalogFixture.query(q).replace("$OID", oid));
    }
    return out;
  }
}
