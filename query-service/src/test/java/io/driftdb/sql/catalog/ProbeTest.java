package io.driftdb.sql.catalog;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeTest {
  @TempDir
  Path dir;

  @Test
  void probe() {
    try (CatalogFixture f = new CatalogFixture(dir)) {
      f.exec("CREATE TABLE users (id integer PRIMARY KEY, name varchar(100) NOT NULL, email text, score numeric(10,2) DEFAULT 0, created timestamptz, active boolean DEFAULT true)");
      f.exec("CREATE INDEX users_name_idx ON users (name)");
      f.exec("CREATE INDEX users_email_name_idx ON users (email, name)");
      f.exec("CREATE TABLE orders (order_id bigint, line int, user_id integer NOT NULL, amount double precision, note char(3), PRIMARY KEY (order_id, line))");
      f.exec("INSERT INTO users (id, name) VALUES (1, 'a'), (2, 'b')");
      String oid = null;
      for (String q : List.of("psql_l", "psql_dt", "psql_d_1", "psql_d_2", "psql_d_3", "psql_d_4", "psql_d_5", "psql_d_6",
          "psql_d_7", "psql_d_8", "psql_d_9", "psql_di", "psql_du", "psql_dn", "psql_d_all", "jdbc_get_tables",
          "jdbc_current_catalog", "jdbc_get_columns", "jdbc_get_primary_keys", "jdbc_get_schemas", "jdbc_get_index_info",
          "EXTRA")) {
        if (q.equals("EXTRA")) {
          try {
            for (String extra : java.nio.file.Files.readString(Path.of("/tmp/probe_queries.txt")).split(";;")) {
              if (extra.isBlank()) {
                continue;
              }
              try {
                System.out.println("== " + extra.strip());
                f.rows(extra.strip()).forEach(r -> System.out.println("   " + r));
              } catch (RuntimeException e) {
                System.out.println("   FAILED: " + e);
              }
            }
          } catch (java.io.IOException e) {
            System.out.println("no extras");
          }
          continue;
        }
        String sql = CatalogFixture.query(q).replace("$NAME", "users");
        if (oid != null) {
          sql = sql.replace("$OID", oid);
        }
        Object[] params = switch (q) {
          case "jdbc_get_tables" -> new Object[] {"%"};
          case "jdbc_get_columns" -> new Object[] {"public", "users"};
          case "jdbc_get_primary_keys", "jdbc_get_index_info" -> new Object[] {"public", "users"};
          default -> new Object[0];
        };
        try {
          long t0 = System.nanoTime();
          List<String> rows = f.rows(sql, params);
          System.out.println("== " + q + " (" + (System.nanoTime() - t0) / 1_000_000 + " ms)");
          rows.forEach(r -> System.out.println("   " + r));
          if (q.equals("psql_d_1") && !rows.isEmpty()) {
            oid = rows.get(0).split("\\|")[0];
          }
        } catch (RuntimeException e) {
          System.out.println("== " + q + " FAILED: " + e);
          Throwable c = e.getCause();
          while (c != null) {
            System.out.println("   cause: " + c);
            c = c.getCause();
          }
        }
      }
    }
  }
}
