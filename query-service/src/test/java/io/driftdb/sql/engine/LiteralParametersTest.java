package io.driftdb.sql.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdb.sql.SqlError;
import io.driftdb.sql.SqlSession;
import io.driftdb.sql.SessionInfo;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Statements that differ only in literals share one plan ({@link LiteralParameters}): which
 * literals become parameters, that the results are those of the statement as written, and
 * that a new literal does not plan again.
 */
class LiteralParametersTest {
  @TempDir
  Path dir;
  EngineFixture f;

  @BeforeEach
  void setUp() {
    f = new EngineFixture(dir);
    f.exec("CREATE TABLE kv (id INTEGER PRIMARY KEY, name VARCHAR, big BIGINT, small SMALLINT, amount DECIMAL(10,2), "
        + "born DATE)");
    for (int i = 1; i <= 20; i++) {
      f.exec(String.format("INSERT INTO kv VALUES (%d, 'n%d', %d, %d, %d.50, DATE '2024-01-%02d')", i, i,
          i * 10_000_000_000L, i * 100, i, i));
    }
    f.exec("INSERT INTO kv (id, name) VALUES (21, 'it''s'), (22, 'b '), (23, 'b'), (-4, 'minus')");
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private static String shape(String sql) {
    LiteralParameters.Shape s = LiteralParameters.of(sql);
    return s == null ? null : s.sql();
  }

  @Test
  void onlyComparisonOperandsAfterWhereBecomeParameters() {
    assertThat(shape("SELECT id, val, n FROM bench_kv WHERE id = 42")).isEqualTo("SELECT id, val, n FROM bench_kv WHERE id = $1");
    assertThat(LiteralParameters.of("SELECT * FROM t WHERE a = -7 AND b <> 'x''y' OR c>=3").literals())
        .extracting(LiteralParameters.Literal::value)
        .containsExactly(BigInteger.valueOf(-7), "x'y", BigInteger.valueOf(3));
    assertThat(shape("SELECT * FROM t WHERE a = -7 AND b <> 'x''y' OR c>=3"))
        .isEqualTo("SELECT * FROM t WHERE a = $1 AND b <> $2 OR c>=$3");
    assertThat(shape("SELECT * FROM t WHERE (a = 1) ORDER BY b LIMIT 10 OFFSET 5"))
        .isEqualTo("SELECT * FROM t WHERE (a = $1) ORDER BY b LIMIT 10 OFFSET 5");
    assertThat(shape("SELECT * FROM t WHERE lower(s) = 'q' AND CAST(x AS VARCHAR(20)) = 'a'"))
        .isEqualTo("SELECT * FROM t WHERE lower(s) = $1 AND CAST(x AS VARCHAR(20)) = $2");
    assertThat(shape("SELECT * FROM t FOR SYSTEM_TIME AS OF @SEQ:5 WHERE id = 3"))
        .isEqualTo("SELECT * FROM t FOR SYSTEM_TIME AS OF @SEQ:5 WHERE id = $1");
    assertThat(shape("SELECT * FROM t WHERE id IN (SELECT id FROM u FOR SYSTEM_TIME AS OF @SEQ:9 WHERE k = 2)"))
        .isEqualTo("SELECT * FROM t WHERE id IN (SELECT id FROM u FOR SYSTEM_TIME AS OF @SEQ:9 WHERE k = $1)");
  }

  @Test
  void literalsThatMustStayLiteralsStay() {
    for (String sql : List.of(
        "SELECT 1, 'x' FROM t",                                   // select list, no WHERE
        "SELECT * FROM t LIMIT 5",
        "SELECT * FROM t WHERE id > 0 + 1",                      // arithmetic
        "SELECT * FROM t WHERE 1 = 1",                            // nothing to type a parameter from
        "SELECT * FROM t WHERE id = 5::bigint",                   // casts
        "SELECT * FROM t WHERE d = DATE '2024-01-01'",
        "SELECT * FROM t WHERE ts > now() - INTERVAL '1' DAY",
        "SELECT * FROM t WHERE x = 1.5",                          // decimals keep their type
        "SELECT * FROM t WHERE x = 1e3",
        "SELECT * FROM t WHERE s = E'a\\nb'",
        "SELECT * FROM t WHERE s = $$a$$",
        "SELECT * FROM t WHERE a = '{1,2}'",                      // array text for the catalog rewrites
        "SELECT * FROM t WHERE s = 'a' COLLATE \"C\"",
        "SELECT * FROM t WHERE id IN (1, 2)",
        "SELECT * FROM t WHERE id BETWEEN 1 AND 2",
        "SELECT * FROM t WHERE s LIKE 'a%'",
        "SELECT * FROM t WHERE id = $1",                          // already parameterized
        "SELECT * FROM pg_class WHERE relname = 'x'",
        "SELECT * FROM t WHERE s ~ 'x'",
        "EXPLAIN SELECT * FROM t WHERE id = 4",
        "UPDATE t SET a = 1 WHERE id = 2",
        "SELECT * FROM t WHERE s = 'a' 'b'")) {
      assertThat(shape(sql)).as(sql).isNull();
    }
  }

  @Test
  void sameTextWithOtherLiteralsIsPlannedOnceAndGivesEachItsOwnRows() {
    assertThat(f.rows("SELECT id, name FROM kv WHERE id = 1")).containsExactly("1|n1");
    long plans = f.engine.planCompilations();
    for (int i = 2; i <= 20; i++) {
      assertThat(f.rows("SELECT id, name FROM kv WHERE id = " + i)).containsExactly(i + "|n" + i);
    }
    assertThat(f.rows("SELECT id, name FROM kv WHERE id = 99")).isEmpty();
    assertThat(f.rows("SELECT id, name FROM kv WHERE id = -4")).containsExactly("-4|minus");
    assertThat(f.engine.planCompilations()).as("no new plan for new literals").isEqualTo(plans);

    assertThat(f.rows("SELECT name FROM kv WHERE name = 'n7' OR id = 3 ORDER BY name")).containsExactly("n3", "n7");
    plans = f.engine.planCompilations();
    assertThat(f.rows("SELECT name FROM kv WHERE name = 'it''s' OR id = 5 ORDER BY name")).containsExactly("it's", "n5");
    assertThat(f.engine.planCompilations()).isEqualTo(plans);
  }

  @Test
  void resultsEqualThoseOfTheLiteralStatement() {
    // A parenthesized literal is not a comparison operand of its own: that statement runs as written.
    for (String cmp : List.of("id = 7", "id <> 7", "id < 3", "id >= 19", "id = 3000000000", "id = -4", "id = 2.0",
        "big = 50000000000", "big > 150000000000", "small = 700", "small = 70000", "small < -70000",
        "amount = 3", "amount > 18", "name = 'b'", "name = 'b '", "name = 'B'", "name = 'it''s'", "name > 'n5'",
        "name = ''", "born = '2024-01-05'", "born > '2024-01-18'")) {
      String paren = cmp.replaceFirst("([<>=!]+) *(.*)$", "$1 ($2)");
      String sql = "SELECT id FROM kv WHERE " + cmp + " ORDER BY id";
      String asWritten = "SELECT id FROM kv WHERE " + paren + " ORDER BY id";
      assertThat(shape(asWritten)).as(asWritten).isNull();
      assertThat(f.rows(sql)).as(sql).isEqualTo(f.rows(asWritten));
    }
    f.exec("CREATE TABLE fixed (id INTEGER PRIMARY KEY, code CHAR(3), t TEXT, v3 VARCHAR(3))");
    f.exec("INSERT INTO fixed VALUES (1, 'ab', 'ab', 'abc'), (2, 'abc', 'ab ', 'ab'), (3, 'a', 'a', 'a')");
    for (String cmp : List.of("code = 'ab'", "code = 'ab '", "code = 'abc'", "code > 'a'", "t = 'ab'", "t = 'ab '",
        "t < 'ab '", "v3 = 'abcd'", "v3 = 'abc'", "v3 < 'abcd'", "v3 = 'ab '")) {
      String sql = "SELECT id FROM fixed WHERE " + cmp + " ORDER BY id";
      String asWritten = "SELECT id FROM fixed WHERE " + cmp.replaceFirst("([<>=!]+) *(.*)$", "$1 ($2)") + " ORDER BY id";
      assertThat(f.rows(sql)).as(sql).isEqualTo(f.rows(asWritten));
    }
    assertThat(f.rows("SELECT id FROM kv WHERE id = 3000000000")).isEmpty();
    assertThat(f.rows("SELECT id FROM kv WHERE small = 700")).containsExactly("7");
    assertThat(f.rows("SELECT id FROM kv WHERE name = 'b' ORDER BY id")).containsExactly("23");
  }

  @Test
  void errorsAreThoseOfTheLiteralStatement() {
    String state = errorState("SELECT id FROM kv WHERE id = ('x')");
    assertThat(errorState("SELECT id FROM kv WHERE id = 'x'")).isEqualTo(state);
    assertThat(errorState("SELECT id FROM nosuch WHERE id = 1")).isEqualTo("42P01");
    f.exec("CREATE TABLE nosuch (id INTEGER PRIMARY KEY)");
    f.exec("INSERT INTO nosuch VALUES (1)");
    assertThat(f.rows("SELECT id FROM nosuch WHERE id = 1")).containsExactly("1"); // the catalog changed: planned anew
    assertThat(f.rows("SELECT id FROM nosuch WHERE id = 2")).isEmpty();
  }

  private String errorState(String sql) {
    try {
      f.exec(sql);
    } catch (SqlError e) {
      return e.sqlState();
    }
    throw new AssertionError(sql + " did not fail");
  }

  @Test
  void temporalQueriesLimitsAndTransactionsStayCorrect() {
    long before = f.engine.materializer().appliedSeq();
    f.exec("UPDATE kv SET name = 'changed' WHERE id = 2");
    assertThat(f.rows("SELECT name FROM kv FOR SYSTEM_TIME AS OF @SEQ:" + before + " WHERE id = 2")).containsExactly("n2");
    assertThat(f.rows("SELECT name FROM kv FOR SYSTEM_TIME AS OF @SEQ:" + (before + 1) + " WHERE id = 2"))
        .containsExactly("changed");
    assertThat(f.rows("SELECT name FROM kv FOR SYSTEM_TIME AS OF @SEQ:" + before + " WHERE id = 3")).containsExactly("n3");
    assertThat(f.rows("SELECT id FROM kv WHERE id > 5 ORDER BY id LIMIT 2")).containsExactly("6", "7");
    assertThat(f.rows("SELECT id FROM kv WHERE id > 15 ORDER BY id LIMIT 3 OFFSET 1")).containsExactly("17", "18", "19");

    f.exec("BEGIN");
    f.exec("INSERT INTO kv (id, name) VALUES (100, 'mine')");
    assertThat(f.rows("SELECT name FROM kv WHERE id = 100")).containsExactly("mine");
    SqlSession other = f.engine.openSession(SessionInfo.local("other"));
    try {
      assertThat(other.execute("SELECT name FROM kv WHERE id = 100", List.of()).rows()).isEmpty();
    } finally {
      other.close();
    }
    f.exec("ROLLBACK");
    assertThat(f.rows("SELECT name FROM kv WHERE id = 100")).isEmpty();
  }

  @Test
  void explainShowsTheStatementAsWritten() {
    String plan = String.join("\n", f.rows("EXPLAIN SELECT name FROM kv WHERE id = 42"));
    assertThat(plan).contains("42").contains("primary-key lookup kv_pkey").doesNotContain("?");
    String shaped = String.join("\n", f.rows("EXPLAIN SELECT name FROM kv WHERE id = $1", 42));
    assertThat(shaped).contains("primary-key lookup kv_pkey"); // the shape uses the same access path
  }

  @Test
  void concurrentFirstExecutionsOfANewShapePlanItOnce() throws Exception {
    int threads = 8;
    long plans = f.engine.planCompilations();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<Object[]>>> results = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        int id = i + 1;
        results.add(pool.submit(() -> {
          SqlSession s = f.engine.openSession(SessionInfo.local("c" + id));
          try {
            start.await();
            return s.execute("SELECT name, small FROM kv WHERE id = " + id, List.of()).rows();
          } finally {
            s.close();
          }
        }));
      }
      start.countDown();
      for (int i = 0; i < threads; i++) {
        List<Object[]> rows = results.get(i).get(60, TimeUnit.SECONDS);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)[0]).isEqualTo("n" + (i + 1));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(f.engine.planCompilations() - plans).isEqualTo(1);
  }

  private static String insertShape(String sql) {
    LiteralParameters.Shape s = LiteralParameters.ofInsert(sql);
    return s == null ? null : s.sql();
  }

  @Test
  void insertValuesCellsThatAreLiteralsBecomeParameters() {
    LiteralParameters.Shape s = LiteralParameters.ofInsert(
        "INSERT INTO t (a, b, c, d) VALUES (1, -2.50, 'x''y', 99999999999999999999), (+7, 0.0, '', -3)");
    assertThat(s.sql()).isEqualTo("INSERT INTO t (a, b, c, d) VALUES ($1, $2, $3, $4), ($5, $6, $7, $8)");
    assertThat(s.values()).containsExactly(1L, new java.math.BigDecimal("-2.50"), "x'y",
        new java.math.BigDecimal("99999999999999999999"), 7L, new java.math.BigDecimal("0.0"), "", -3L);
    // Only whole cells that are literals: expressions, calls, casts, typed literals and key words stay.
    assertThat(insertShape("INSERT INTO t VALUES (1 + 2, upper('a'), DEFAULT, NULL, TRUE, DATE '2024-01-01', "
        + "'a'::text, 1e3, E'\\n', 5)"))
        .isEqualTo("INSERT INTO t VALUES (1 + 2, upper('a'), DEFAULT, NULL, TRUE, DATE '2024-01-01', "
            + "'a'::text, 1e3, E'\\n', $1)");
    for (String sql : List.of("INSERT INTO t VALUES (1) RETURNING id", "INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING",
        "INSERT INTO t SELECT 1", "INSERT INTO t VALUES ($1, 2)", "INSERT INTO t VALUES (DEFAULT)",
        "SELECT 1", "UPDATE t SET a = 1")) {
      assertThat(insertShape(sql)).as(sql).isNull();
    }
  }

  @Test
  void insertsThatDifferOnlyInLiteralsShareATemplateAndStoreWhatTheLiteralWouldStore() {
    String columns = "(id INTEGER PRIMARY KEY, i INTEGER, b BIGINT, s SMALLINT, d DECIMAL(10,2), v VARCHAR(5), "
        + "t TEXT, day DATE, ok BOOLEAN)";
    f.exec("CREATE TABLE shaped " + columns);
    f.exec("CREATE TABLE written " + columns);
    String[][] rows = {
        {"1", "5", "50000000000", "7", "1.5", "'abc'", "'x''y'", "'2024-01-05'", "'t'"},
        {"2", "-5", "-1", "-7", "-0.25", "''", "'multi word'", "'2024-02-29'", "'false'"},
        {"3", "0", "9223372036854775807", "32767", "12345678.99", "'abcde'", "''", "'1999-12-31'", "'yes'"},
        {"4", "3000000000", "1", "1", "1", "'a'", "'a'", "'2024-01-01'", "'t'"},          // INTEGER overflow
        {"5", "1", "1", "70000", "1", "'a'", "'a'", "'2024-01-01'", "'t'"},                // SMALLINT overflow
        {"6", "1", "1", "1", "1.555", "'a'", "'a'", "'2024-01-01'", "'t'"},                // scale
        {"7", "1", "1", "1", "1", "'abcdef'", "'a'", "'2024-01-01'", "'t'"},               // too long for VARCHAR(5)
        {"8", "1", "1", "1", "1", "'a'", "'a'", "'not a date'", "'t'"},
        {"9", "1", "1", "1", "1", "'a'", "'a'", "'2024-01-01'", "'maybe'"},
        {"10", "'12'", "1", "1", "1", "'a'", "'a'", "'2024-01-01'", "'t'"},                // string into INTEGER
        {"11", "1.0", "2.5", "1", "1", "'a'", "'a'", "'2024-01-01'", "'t'"},               // decimals into integers
        {"1", "1", "1", "1", "1", "'a'", "'a'", "'2024-01-01'", "'t'"},                    // duplicate key
    };
    long plans = f.engine.planCompilations();
    for (String[] r : rows) {
      String shaped = "INSERT INTO shaped VALUES (" + String.join(", ", r) + ")";
      String[] paren = new String[r.length];
      for (int i = 0; i < r.length; i++) {
        paren[i] = "(" + r[i] + ")"; // not a whole-cell literal: runs as written
      }
      String written = "INSERT INTO written VALUES (" + String.join(", ", paren) + ")";
      assertThat(insertShape(written)).isNull();
      assertThat(outcome(shaped)).as(shaped).isEqualTo(outcome(written));
    }
    assertThat(f.engine.cachedInsert(insertShape("INSERT INTO shaped VALUES (" + String.join(", ", rows[0]) + ")")))
        .as("the shape's template is cached").isNotNull();
    assertThat(f.engine.planCompilations()).as("INSERT ... VALUES plans nothing").isEqualTo(plans);
    assertThat(f.rows("SELECT * FROM shaped ORDER BY id")).isEqualTo(f.rows("SELECT * FROM written ORDER BY id"))
        .hasSizeGreaterThanOrEqualTo(3);
  }

  private String outcome(String sql) {
    try {
      return f.exec(sql).commandTag();
    } catch (SqlError e) {
      return e.sqlState() + " " + e.getMessage().replace("shaped", "T").replace("written", "T");
    }
  }

  @Test
  void aFailedTransactionStillRefusesStatements() {
    f.exec("BEGIN");
    assertThatThrownBy(() -> f.exec("SELECT id FROM kv WHERE id = 'x'")).isInstanceOf(SqlError.class);
    assertThatThrownBy(() -> f.exec("SELECT id FROM kv WHERE id = 1"))
        .isInstanceOfSatisfying(SqlError.class, e -> assertThat(e.sqlState()).isEqualTo(SqlError.IN_FAILED_TRANSACTION));
    f.exec("ROLLBACK");
    assertThat(f.rows("SELECT id FROM kv WHERE id = 1")).containsExactly("1");
  }
}
