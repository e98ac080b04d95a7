package io.driftdb.sql.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secondary-index and primary-key access paths: EXPLAIN names them, and (property tests) every
 * indexed query, current and AS OF an old SEQ, returns what a full scan returns; ORDER BY ...
 * LIMIT walks in key or index order return what a full scan sorted by Calcite returns. Run with
 * -Dindex.seed=N to reproduce a failure.
 */
class IndexAccessTest {
  @TempDir
  Path dir;

  private static String plan(EngineFixture f, String sql, Object... params) {
    return String.join("\n", f.rows("EXPLAIN " + sql, params));
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
  void explainShowsOrderedWalksForOrderByLimit() {
    try (EngineFixture f = new EngineFixture(dir)) {
      f.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER, s TEXT)");
      f.exec("CREATE INDEX t_v_idx ON t (v)");
      f.exec("CREATE INDEX t_s_idx ON t (s)");
      String walk = "DriftDB access path: index scan t_v_idx ordered by (v) limit 5";
      assertThat(plan(f, "SELECT * FROM t ORDER BY v LIMIT 5")).contains(walk).doesNotContain("Sort");
      assertThat(plan(f, "SELECT id, s FROM t WHERE v > 3 ORDER BY v DESC LIMIT 5 OFFSET 2"))
          .contains("index range scan t_v_idx ordered by (v DESC) limit 5 offset 2").doesNotContain("Sort");
      assertThat(plan(f, "SELECT * FROM t WHERE v = 4 ORDER BY v LIMIT 5"))
          .contains("index range scan t_v_idx ordered by (v) limit 5");
      assertThat(plan(f, "SELECT * FROM t WHERE v IN (1, 4) ORDER BY v LIMIT 5"))
          .contains("index range scan t_v_idx ordered by (v) limit 5");
      assertThat(plan(f, "SELECT id FROM t ORDER BY id DESC LIMIT 3"))
          .contains("primary-key scan t_pkey ordered by (id DESC) limit 3");
      assertThat(plan(f, "SELECT * FROM t WHERE id BETWEEN 2 AND 9 ORDER BY id LIMIT 3"))
          .contains("primary-key range scan t_pkey ordered by (id) limit 3");
      assertThat(plan(f, "SELECT * FROM t FOR SYSTEM_TIME AS OF @SEQ:1 ORDER BY v LIMIT 5"))
          .contains("versions visible at one SEQ, via index scan t_v_idx ordered by (v) limit 5");
      assertThat(plan(f, "SELECT * FROM t FOR SYSTEM_TIME AS OF @SEQ:1 WHERE s > 'a' ORDER BY s DESC LIMIT 5"))
          .contains("versions visible at one SEQ, via index range scan t_s_idx ordered by (s DESC) limit 5");
      assertThat(plan(f, "SELECT * FROM t ORDER BY v NULLS FIRST LIMIT 5")).contains("ordered by (v NULLS FIRST)");
      assertThat(plan(f, "SELECT * FROM t ORDER BY v DESC NULLS LAST LIMIT 5"))
          .contains("ordered by (v DESC NULLS LAST)");
      assertThat(plan(f, "SELECT * FROM t ORDER BY v, id LIMIT 5")).contains("index scan t_v_idx ordered by (v, id)");
      assertThat(plan(f, "SELECT v * 2 FROM t WHERE s IS NOT NULL ORDER BY v LIMIT 5")).contains(walk);
      assertThat(plan(f, "SELECT * FROM t WHERE v >= $1 ORDER BY v LIMIT $2 OFFSET $3", 1, 5, 0))
          .contains("index range scan t_v_idx ordered by (v) limit $2 offset $3");
      // Not an ordered walk: Calcite sorts what the usual access path returns.
      assertThat(plan(f, "SELECT * FROM t WHERE s = 'x' ORDER BY v LIMIT 5")).contains("index lookup t_s_idx", "Sort");
      assertThat(plan(f, "SELECT * FROM t WHERE id = 3 ORDER BY v LIMIT 5")).contains("primary-key lookup t_pkey");
      assertThat(plan(f, "SELECT * FROM t WHERE s LIKE 'x%' ORDER BY v LIMIT 5")).contains("full scan", "Sort");
      for (String order : new String[] {"coalesce(v, v)", "v, s", "v, id DESC", "_seq_from"}) {
        assertThat(plan(f, "SELECT * FROM t ORDER BY " + order + " LIMIT 5")).as(order).contains("full scan", "Sort");
      }
      assertThat(plan(f, "SELECT * FROM t ORDER BY v")).contains("full scan", "Sort");

      f.exec("CREATE TABLE u (k1 INTEGER, k2 INTEGER, a INTEGER, b TEXT NOT NULL, c TEXT, PRIMARY KEY (k1, k2))");
      f.exec("CREATE INDEX u_ab_idx ON u (a, b)");
      f.exec("CREATE INDEX u_ac_idx ON u (a, c)");
      assertThat(plan(f, "SELECT * FROM u ORDER BY k1 DESC, k2 DESC LIMIT 4"))
          .contains("primary-key scan u_pkey ordered by (k1 DESC, k2 DESC) limit 4");
      assertThat(plan(f, "SELECT * FROM u ORDER BY a, b, k1 LIMIT 4")).contains("index scan u_ab_idx ordered by (a, b, k1)");
      // c may be NULL and the index keeps NULLs lowest: only NULLS FIRST ascending follows it.
      assertThat(plan(f, "SELECT * FROM u ORDER BY a, c LIMIT 4")).contains("full scan", "Sort");
      assertThat(plan(f, "SELECT * FROM u ORDER BY a, c NULLS FIRST LIMIT 4"))
          .contains("index scan u_ac_idx ordered by (a, c NULLS FIRST)");
    }
  }

  /** The seed of a property test, printed (-Dindex.seed=N fixes it to rerun a failure). */
  private static long printedSeed(String what) {
    long seed = Long.getLong("index.seed", System.nanoTime());
    System.out.println(what + " seed=" + seed + " (rerun with -Dindex.seed=" + seed + ")");
    return seed;
  }

  /** Table t with secondary indexes on v and on s, as both property tests use it. */
  private static void createIndexedT(EngineFixture f) {
    f.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER, s TEXT)");
    f.exec("CREATE INDEX t_v_idx ON t (v)");
    f.exec("CREATE INDEX t_s_idx ON t (s)");
  }

  @Test
  void indexedResultsEqualFullScanResults() {
    long seed = printedSeed("IndexAccessTest");
    Random rnd = new Random(seed);
    try (EngineFixture f = new EngineFixture(dir)) {
      createIndexedT(f);
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
            {"id BETWEEN $2 AND $3", "coalesce(id, id) BETWEEN $2 AND $3", a, b * 3},
            {"id IN ($2, $3, 7)", "coalesce(id, id) IN ($2, $3, 7)", a, b},
        };
        for (Object[] p : pairs) {
          for (boolean past : new boolean[] {false, true}) {
            String from = past ? "t FOR SYSTEM_TIME AS OF @SEQ:$1" : "t AS OF @SEQ:$1";
            long point = past ? at : f.engine.materializer().appliedSeq();
            Object[] args = p[3] == null ? new Object[] {point, p[2]} : new Object[] {point, p[2], p[3]};
            List<String> indexed = f.rows("SELECT id, v, s FROM " + from + " WHERE " + p[0] + " ORDER BY id", args);
            String reference = "SELECT id, v, s FROM " + from + " WHERE " + p[1] + " ORDER BY id";
            List<String> scanned = f.rows(reference, args);
            if (i == 0) {
              // Calcite simplifies some expressions (id + 0 is id): the reference must stay a full scan.
              assertThat(plan(f, reference, args)).as(reference).contains("via full scan");
            }
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

  // ---- ORDER BY ... LIMIT ----

  /**
   * An ORDER BY of the property test: as written for the index, the same keys as expressions
   * Calcite cannot see through (so it scans everything and sorts), and the positions of the keys
   * in the select list when the order is not total (ties may then come in any order).
   */
  private record Order(String indexed, String reference, int[] partialKeys) {
    static Order total(String indexed, String reference) {
      return new Order(indexed, reference, null);
    }
  }

  /** One table of the test: select list, orders and (indexed, reference) filter templates. */
  private record Shape(String table, String columns, List<Order> orders, List<String[]> filters) {}

  private static final Shape T = new Shape("t", "id, v, s", List.of(
      new Order("v", "coalesce(v, v)", new int[] {1}),
      Order.total("v, id", "coalesce(v, v), coalesce(id, id)"),
      new Order("v DESC", "coalesce(v, v) DESC", new int[] {1}),
      Order.total("v DESC, id DESC", "coalesce(v, v) DESC, coalesce(id, id) DESC"),
      Order.total("v NULLS FIRST, id", "coalesce(v, v) NULLS FIRST, coalesce(id, id)"),
      new Order("v DESC NULLS LAST", "coalesce(v, v) DESC NULLS LAST", new int[] {1}),
      Order.total("s, id", "coalesce(s, s), coalesce(id, id)"),
      new Order("s DESC", "coalesce(s, s) DESC", new int[] {2}),
      Order.total("id", "coalesce(id, id)"),
      Order.total("id DESC", "coalesce(id, id) DESC")), List.of(
      new String[] {"", ""},
      new String[] {"v = {A}", "coalesce(v, -100) = {A}"},
      new String[] {"v BETWEEN {A} AND {B}", "coalesce(v, -100) BETWEEN {A} AND {B}"},
      new String[] {"v > {A}", "coalesce(v, -100) > {A}"},
      new String[] {"v <= {B}", "coalesce(v, 100) <= {B}"},
      new String[] {"v IN ({A}, {B})", "coalesce(v, -100) IN ({A}, {B})"},
      new String[] {"s = {S}", "coalesce(s, '') = {S}"},
      new String[] {"s >= {S}", "coalesce(s, '') >= {S}"},
      new String[] {"id BETWEEN {A} AND {C}", "coalesce(id, id) BETWEEN {A} AND {C}"},
      new String[] {"v > {A} AND s IS NOT NULL", "coalesce(v, -100) > {A} AND coalesce(s, '') <> ''"}));

  private static final Shape U = new Shape("u", "k1, k2, a, b, c", List.of(
      Order.total("k1, k2", "coalesce(k1, k1), coalesce(k2, k2)"),
      new Order("k1 DESC", "coalesce(k1, k1) DESC", new int[] {0}),
      Order.total("a, b, k1, k2", "coalesce(a, a), coalesce(b, b), coalesce(k1, k1), coalesce(k2, k2)"),
      new Order("a DESC, b DESC", "coalesce(a, a) DESC, coalesce(b, b) DESC", new int[] {2, 3}),
      Order.total("a, c NULLS FIRST, k1, k2",
          "coalesce(a, a), coalesce(c, c) NULLS FIRST, coalesce(k1, k1), coalesce(k2, k2)"),
      Order.total("a DESC, c DESC NULLS LAST, k1 DESC, k2 DESC",
          "coalesce(a, a) DESC, coalesce(c, c) DESC NULLS LAST, coalesce(k1, k1) DESC, coalesce(k2, k2) DESC"),
      new Order("a NULLS FIRST", "coalesce(a, a) NULLS FIRST", new int[] {2})), List.of(
      new String[] {"", ""},
      new String[] {"a = {A}", "coalesce(a, -100) = {A}"},
      new String[] {"a >= {A}", "coalesce(a, -100) >= {A}"},
      new String[] {"k1 BETWEEN {A} AND {B}", "coalesce(k1, k1) BETWEEN {A} AND {B}"},
      new String[] {"c = {S}", "coalesce(c, '') = {S}"}));

  @Test
  void orderByLimitWalksEqualSortedFullScans() {
    long seed = printedSeed("IndexAccessTest ORDER BY");
    Random rnd = new Random(seed);
    try (EngineFixture f = new EngineFixture(dir)) {
      createIndexedT(f);
      f.exec("CREATE TABLE u (k1 INTEGER, k2 INTEGER, a INTEGER, b TEXT NOT NULL, c TEXT, PRIMARY KEY (k1, k2))");
      f.exec("CREATE INDEX u_ab_idx ON u (a, b)");
      f.exec("CREATE INDEX u_ac_idx ON u (a, c)");
      List<Long> seqs = new ArrayList<>();
      for (int i = 0; i < 220; i++) {
        randomWrite(f, rnd);
        seqs.add(f.engine.materializer().appliedSeq());
      }
      // A few dozen query shapes (plans are cached per text), each run with many parameter values.
      OrderChecker check = new OrderChecker(f, rnd, seed);
      List<OrderChecker.Query> queries = new ArrayList<>();
      for (int i = 0; i < 36; i++) {
        queries.add(check.randomQuery(rnd.nextInt(3) == 0 ? U : T, rnd.nextInt(3)));
      }
      for (OrderChecker.Query q : queries) {
        for (int i = 0; i < 8; i++) {
          check.run(q, seqs.get(rnd.nextInt(seqs.size())));
        }
      }
      // Inside a transaction the scan merges the transaction's own writes into the walk.
      for (int round = 0; round < 6; round++) {
        f.exec("BEGIN");
        for (int w = 0; w < 4; w++) {
          randomWrite(f, rnd);
        }
        for (OrderChecker.Query q : queries) {
          if (q.when() == 0) {
            check.run(q, 0);
          }
        }
        f.exec("ROLLBACK");
      }
      System.out.println("IndexAccessTest ORDER BY: " + check.checks + " comparisons, " + check.walks
          + " of them through an ordered walk");
      assertThat(check.checks).isGreaterThan(300);
      assertThat(check.walks).isGreaterThan(check.checks / 3);
    }
  }

  private static void randomWrite(EngineFixture f, Random rnd) {
    int id = rnd.nextInt(60);
    Integer v = rnd.nextInt(5) == 0 ? null : rnd.nextInt(20);
    String s = rnd.nextInt(4) == 0 ? null : "s" + rnd.nextInt(6);
    int k1 = rnd.nextInt(6);
    int k2 = rnd.nextInt(6);
    Integer a = rnd.nextInt(5) == 0 ? null : rnd.nextInt(8);
    String c = rnd.nextInt(3) == 0 ? null : "c" + rnd.nextInt(4);
    switch (rnd.nextInt(7)) {
      case 0, 1 -> f.exec("INSERT INTO t VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", id, v, s);
      case 2 -> f.exec("UPDATE t SET v = $1, s = $2 WHERE id = $3", v, s, id);
      case 3 -> f.exec("DELETE FROM t WHERE id = $1", id);
      case 4 -> f.exec("INSERT INTO u VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING", k1, k2, a,
          "b" + rnd.nextInt(3), c);
      case 5 -> f.exec("UPDATE u SET a = $1, c = $2 WHERE k1 = $3 AND k2 = $4", a, c, k1, k2);
      default -> f.exec("DELETE FROM u WHERE k1 = $1 AND k2 = $2", k1, k2);
    }
  }

  /** Runs random ORDER BY ... LIMIT queries and their full-scan references, and compares them. */
  private static final class OrderChecker {
    private final EngineFixture f;
    private final Random rnd;
    private final long seed;
    private final java.util.Map<String, String> plans = new java.util.HashMap<>();
    int checks;
    int walks;

    OrderChecker(EngineFixture f, Random rnd, long seed) {
      this.f = f;
      this.rnd = rnd;
      this.seed = seed;
    }

    /**
     * One query shape: the order, the filter pair, {@code when} (0 current table, 1 AS OF the
     * head, 2 FOR SYSTEM_TIME AS OF an old SEQ) and whether LIMIT is a literal or parameters.
     */
    record Query(Shape shape, Order order, String[] filter, int when, boolean literalLimit) {}

    Query randomQuery(Shape shape, int when) {
      return new Query(shape, shape.orders().get(rnd.nextInt(shape.orders().size())),
          shape.filters().get(rnd.nextInt(shape.filters().size())), when, rnd.nextInt(6) == 0);
    }

    void run(Query q, long old) {
      Shape shape = q.shape();
      Order order = q.order();
      String[] filter = q.filter();
      int a = rnd.nextInt(22) - 1;
      java.util.Map<String, Object> values = java.util.Map.of("A", a, "B", a + rnd.nextInt(8),
          "C", a + rnd.nextInt(30), "S", (shape == T ? "s" : "c") + rnd.nextInt(6),
          "P", q.when() == 2 ? old : f.engine.materializer().appliedSeq(), "L", rnd.nextInt(12),
          "O", rnd.nextInt(3) == 0 ? rnd.nextInt(6) : 0);
      String from = switch (q.when()) {
        case 0 -> shape.table();
        case 1 -> shape.table() + " AS OF @SEQ:{P}";
        default -> shape.table() + " FOR SYSTEM_TIME AS OF @SEQ:{P}";
      };
      String limit = q.literalLimit() ? " LIMIT 3" : " LIMIT {L} OFFSET {O}";
      String where = filter[0].isEmpty() ? "" : " WHERE ";
      String head = "SELECT " + shape.columns() + " FROM " + from;
      List<Object> args = new ArrayList<>();
      String indexed = bind(head + where + filter[0] + " ORDER BY " + order.indexed() + limit, values, args);
      List<Object> refArgs = new ArrayList<>();
      String reference = bind(head + where + filter[1] + " ORDER BY " + order.reference() + limit, values, refArgs);
      List<String> got = f.rows(indexed, args.toArray());
      List<String> want = f.rows(reference, refArgs.toArray());
      String what = String.format("seed=%d %s %s", seed, indexed, args);
      if (plan(indexed, args).contains("ordered by")) {
        walks++;
      }
      assertThat(plan(reference, refArgs)).as(reference).contains("full scan").doesNotContain("ordered by");
      if (order.partialKeys() == null) {
        assertThat(got).as(what).isEqualTo(want);
      } else {
        // Ties may come in any order: the keys must match, and each row must be one the query selects.
        assertThat(keys(got, order.partialKeys())).as(what).isEqualTo(keys(want, order.partialKeys()));
        List<Object> allArgs = new ArrayList<>();
        String unlimited = bind(head + where + filter[1], values, allArgs);
        assertThat(f.rows(unlimited, allArgs.toArray())).as(what).containsAll(got);
      }
      checks++;
    }

    private String plan(String sql, List<Object> args) {
      return plans.computeIfAbsent(sql, q -> IndexAccessTest.plan(f, q, args.toArray()));
    }

    private static List<String> keys(List<String> rows, int[] positions) {
      List<String> out = new ArrayList<>();
      for (String r : rows) {
        String[] cols = r.split("\\|", -1);
        StringBuilder b = new StringBuilder();
        for (int p : positions) {
          b.append(cols[p]).append('|');
        }
        out.add(b.toString());
      }
      return out;
    }

    /** Replaces each {X} of the template by the next $n and appends X's value to {@code args}. */
    private static String bind(String template, java.util.Map<String, Object> values, List<Object> args) {
      StringBuilder out = new StringBuilder();
      int i = 0;
      while (i < template.length()) {
        int open = template.indexOf('{', i);
        if (open < 0) {
          out.append(template, i, template.length());
          break;
        }
        int close = template.indexOf('}', open);
        out.append(template, i, open);
        args.add(values.get(template.substring(open + 1, close)));
        out.append('$').append(args.size());
        i = close + 1;
      }
      return out.toString();
    }
  }
}
