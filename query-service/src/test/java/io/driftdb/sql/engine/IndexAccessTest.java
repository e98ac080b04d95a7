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
      for (int i = 0; i < 180; i++) {
        long at = seqs.get(rnd.nextInt(seqs.size()));
        int a = rnd.nextInt(22) - 1;
        int b = a + rnd.nextInt(6);
        String s = "s" + (Math.abs(a) % 5);
        // parameters keep one cached plan per shape; the predicate pairs differ only in pushability
        Object[][] pairs = {
            {"v = $2", "coalesce(v, -100) = $2", a, null},
            {"v BETWEEN $2 AND $3", "coalesce(v, -100) BETWEEN $2 AND $3", a, b},
            {"v > $2", "coalesce(v, -100) > $2", a, null},
            {"s = $2", "coalesce(s, '') = $2", s, null},
            {"id BETWEEN $2 AND $3", "id + 0 BETWEEN $2 AND $3", a, b * 3},
            {"id IN ($2, $3, 7)", "id + 0 IN ($2, $3, 7)", a, b},
        };
        for (Object[] p : pairs) {
          for (boolean past : new boolean[] {false, true}) {
            String from = past ? "t FOR SYSTEM_TIME AS OF @SEQ:$1" : "t AS OF @SEQ:$1";
            long point = past ? at : f.engine.materializer().appliedSeq();
            Object[] args = p[3] == null ? new Object[] {point, p[2]} : new Object[] {point, p[2], p[3]};
            List<String> indexed = f.rows("SELECT id, v, s FROM " + from + " WHERE " + p[0] + " ORDER BY id", args);
            List<String> scanned = f.rows("SELECT id, v, s FROM " + from + " WHERE " + p[1] + " ORDER BY id", args);
            assertThat(indexed).as("seed=%d %s WHERE %s %s", seed, from, p[0], java.util.Arrays.toString(args))
                .isEqualTo(scanned);
            checks++;
          }
          checks += current(f, (String) p[0], (String) p[1], p[2], p[3], seed);
        }
      }
      assertThat(checks).isGreaterThan(2000);
    }
  }

  /** The same pair on the current table (no AS OF): the non-temporal scan path. */
  private static int current(EngineFixture f, String indexed, String scanned, Object a, Object b, long seed) {
    String i2 = indexed.replace("$2", "$1").replace("$3", "$2");
    String s2 = scanned.replace("$2", "$1").replace("$3", "$2");
    Object[] args = b == null ? new Object[] {a} : new Object[] {a, b};
    assertThat(f.rows("SELECT id, v, s FROM t WHERE " + i2 + " ORDER BY id", args))
        .as("seed=%d current WHERE %s", seed, i2)
        .isEqualTo(f.rows("SELECT id, v, s FROM t WHERE " + s2 + " ORDER BY id", args));
    return 1;
  }
}
