package io.driftdb.sql.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secondary-index and primary-key access paths: EXPLAIN names them, and (property test) every
 * indexed query, current and AS OF an old SEQ, returns what a full scan returns.
 */
class IndexAccessTest {
  @TempDir
  Path dir;

  private static String plan(EngineFixture f, String sql) {
    return String.join("\n", f.rows("EXPLAIN " + sql));
  }

  @Test
  void explainShowsTheAccessPath() {
    try (EngineFixture f = new EngineFixture(dir)) {
      f.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER, s TEXT)");
      f.exec("CREATE INDEX t_v_idx ON t (v)");
      assertThat(plan(f, "SELECT * FROM t WHERE v = 3")).contains("DriftDB access path: index lookup t_v_idx");
      assertThat(plan(f, "SELECT * FROM t WHERE v BETWEEN 3 AND 9")).contains("index range scan t_v_idx");
      assertThat(plan(f, "SELECT * FROM t WHERE id = 3")).contains("primary-key lookup t_pkey");
      assertThat(plan(f, "SELECT * FROM t WHERE id > 3")).contains("primary-key range scan t_pkey");
      assertThat(plan(f, "SELECT * FROM t WHERE s = 'x'")).contains("full scan");
      assertThat(plan(f, "SELECT * FROM t FOR SYSTEM_TIME AS OF @SEQ:1 WHERE v = 3"))
          .contains("versions visible at one SEQ, via index lookup t_v_idx");
    }
  }

  @Test
  void indexedResultsEqualFullScanResults() {
    long seed = Long.getLong("index.seed", System.nanoTime());
    Random rnd = new Random(seed);
    try (EngineFixture f = new EngineFixture(dir)) {
      f.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER, s TEXT)");
      f.exec("CREATE INDEX t_v_idx ON t (v)");
      f.exec("CREATE INDEX t_s_idx ON t (s)");
      List<Long> seqs = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        int id = rnd.nextInt(60);
        switch (rnd.nextInt(3)) {
          case 0 -> f.exec("INSERT INTO t VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", id, rnd.nextInt(20),
              rnd.nextBoolean() ? null : "s" + rnd.nextInt(5));
          case 1 -> f.exec("UPDATE t SET v = $1, s = $2 WHERE id = $3", rnd.nextInt(20), "s" + rnd.nextInt(5), id);
          default -> f.exec("DELETE FROM t WHERE id = $1", id);
        }
        seqs.add(f.engine.materializer().appliedSeq());
      }
      int checks = 0;
      for (int i = 0; i < 200; i++) {
        long at = seqs.get(rnd.nextInt(seqs.size()));
        int a = rnd.nextInt(22) - 1;
        int b = a + rnd.nextInt(6);
        String[][] pairs = {
            {"v = " + a, "coalesce(v, -100) = " + a},
            {"v BETWEEN " + a + " AND " + b, "coalesce(v, -100) BETWEEN " + a + " AND " + b},
            {"v > " + a, "coalesce(v, -100) > " + a},
            {"s = 's" + (a % 5) + "'", "coalesce(s, '') = 's" + (a % 5) + "'"},
            {"id BETWEEN " + a + " AND " + (b * 3), "id + 0 BETWEEN " + a + " AND " + (b * 3)},
            {"id IN (" + a + ", " + b + ", 7)", "id + 0 IN (" + a + ", " + b + ", 7)"},
        };
        for (String[] p : pairs) {
          for (String from : new String[] {"t", "t FOR SYSTEM_TIME AS OF @SEQ:" + at}) {
            List<String> indexed = f.rows("SELECT id, v, s FROM " + from + " WHERE " + p[0] + " ORDER BY id");
            List<String> scanned = f.rows("SELECT id, v, s FROM " + from + " WHERE " + p[1] + " ORDER BY id");
            assertThat(indexed).as("seed=%d %s WHERE %s", seed, from, p[0]).isEqualTo(scanned);
            checks++;
          }
        }
      }
      assertThat(checks).isGreaterThan(2000);
    }
  }
}
