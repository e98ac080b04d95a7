package io.driftdb.sql.catalog;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimingProbeTest {
  @TempDir
  Path dir;

  @Test
  void timing() {
    try (CatalogFixture f = new CatalogFixture(dir)) {
      for (int i = 0; i < 8; i++) {
        f.exec("CREATE TABLE t" + i + " (id int PRIMARY KEY, v text)");
      }
      for (int i = 0; i < 8; i++) {
        StringBuilder b = new StringBuilder("t" + i + ":");
        long total = 0;
        String oid = f.rows(CatalogFixture.query("psql_d_1").replace("$NAME", "t" + i)).get(0).split("\\|")[0];
        for (String q : List.of("psql_d_1", "psql_d_2", "psql_d_3", "psql_d_4", "psql_d_5", "psql_d_6", "psql_d_7",
            "psql_d_8", "psql_d_9")) {
          long t0 = System.nanoTime();
          f.rows(CatalogFixture.query(q).replace("$NAME", "t" + i).replace("$OID", oid));
          long ms = (System.nanoTime() - t0) / 1_000_000;
          total += ms;
          b.append(' ').append(ms);
        }
        System.out.println("TIMING " + b + " total " + total);
      }
    }
  }
}
