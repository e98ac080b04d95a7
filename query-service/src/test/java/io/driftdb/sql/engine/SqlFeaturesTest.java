package io.driftdb.sql.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdb.sql.QueryResult;
import io.driftdb.sql.SqlError;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQL surface: queries, DML forms, casts, functions, through the real engine. */
class SqlFeaturesTest {
  @TempDir
  Path dir;
  EngineFixture f;

  @BeforeEach
  void setUp() {
    f = new EngineFixture(dir);
    f.exec("CREATE TABLE emp (id INTEGER PRIMARY KEY, name TEXT NOT NULL, dept VARCHAR(10), salary NUMERIC(10,2), "
        + "hired DATE, active BOOLEAN DEFAULT true, note TEXT)");
    f.exec("CREATE TABLE dept (code VARCHAR(10) PRIMARY KEY, title TEXT)");
    f.exec("INSERT INTO dept VALUES ('eng', 'Engineering'), ('ops', 'Operations'), ('hr', 'People')");
    f.exec("INSERT INTO emp (id, name, dept, salary, hired) VALUES (1, 'Ann', 'eng', 100.50, '2020-01-02'), "
        + "(2, 'Bob', 'eng', 90, '2021-03-04'), (3, 'Cid', 'ops', 80, '2019-05-06'), (4, 'Dee', NULL, 70, NULL)");
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  /** A timestamptz column comes back as timestamptz (UTC offset), as PostgreSQL sends it; expressions stay timestamp. */
  @Test
  void timestamptzColumnsAreReportedAsTimestamptz() {
    f.exec("CREATE TABLE visits (id INTEGER PRIMARY KEY, seen TIMESTAMPTZ, local_seen TIMESTAMP)");
    f.exec("INSERT INTO visits VALUES (1, '2025-10-24 12:00:00', '2025-10-24 12:00:00')");
    var r = f.exec("SELECT seen, local_seen, v.seen AS again FROM visits v WHERE id = 1");
    assertThat(r.columns()).extracting(io.driftdb.sql.Column::type).containsExactly(io.driftdb.sql.PgType.TIMESTAMPTZ,
        io.driftdb.sql.PgType.TIMESTAMP, io.driftdb.sql.PgType.TIMESTAMPTZ);
    assertThat(r.rows().get(0)[0]).isEqualTo(java.time.OffsetDateTime.parse("2025-10-24T12:00:00Z"));
    var hist = f.exec("SELECT seen FROM visits FOR SYSTEM_TIME ALL");
    assertThat(hist.columns().get(0).type()).isEqualTo(io.driftdb.sql.PgType.TIMESTAMPTZ);
  }

  @Test
  void selectsJoinsAggregates() {
    assertThat(f.rows("SELECT name FROM emp WHERE salary > 85 ORDER BY name")).containsExactly("Ann", "Bob");
    assertThat(f.rows("SELECT dept, count(*), sum(salary) FROM emp GROUP BY dept HAVING count(*) > 1"))
        .containsExactly("eng|2|190.50");
    assertThat(f.rows("SELECT e.name, d.title FROM emp e JOIN dept d ON e.dept = d.code ORDER BY e.id"))
        .containsExactly("Ann|Engineering", "Bob|Engineering", "Cid|Operations");
    assertThat(f.rows("SELECT e.name, d.title FROM emp e LEFT JOIN dept d ON e.dept = d.code WHERE e.id = 4"))
        .containsExactly("Dee|null");
    assertThat(f.rows("SELECT d.code FROM dept d FULL OUTER JOIN emp e ON e.dept = d.code WHERE e.id IS NULL"))
        .containsExactly("hr");
    assertThat(f.rows("SELECT name FROM emp WHERE dept IN (SELECT code FROM dept WHERE title LIKE 'Op%')"))
        .containsExactly("Cid");
    assertThat(f.rows("SELECT name FROM emp e WHERE EXISTS (SELECT 1 FROM dept d WHERE d.code = e.dept AND d.title = 'Engineering') ORDER BY 1"))
        .containsExactly("Ann", "Bob");
    assertThat(f.rows("SELECT name, (SELECT title FROM dept WHERE code = emp.dept) FROM emp WHERE id = 3"))
        .containsExactly("Cid|Operations");
    assertThat(f.rows("SELECT DISTINCT dept FROM emp WHERE dept IS NOT NULL ORDER BY dept")).containsExactly("eng", "ops");
    assertThat(f.rows("SELECT name FROM emp ORDER BY id LIMIT 2 OFFSET 1")).containsExactly("Bob", "Cid");
    assertThat(f.rows("SELECT name, rank() OVER (PARTITION BY dept ORDER BY salary DESC) FROM emp WHERE dept = 'eng' ORDER BY 2"))
        .containsExactly("Ann|1", "Bob|2");
    assertThat(f.rows("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5) SELECT sum(x) FROM n"))
        .containsExactly("15");
    assertThat(f.rows("WITH e AS (SELECT * FROM emp WHERE dept = 'eng') SELECT count(*) FROM e")).containsExactly("2");
    assertThat(f.rows("SELECT code FROM dept EXCEPT SELECT dept FROM emp")).containsExactly("hr");
    assertThat(f.rows("SELECT code FROM dept INTERSECT SELECT dept FROM emp ORDER BY 1")).containsExactly("eng", "ops");
    assertThat(f.rows("SELECT CASE WHEN salary > 85 THEN 'high' ELSE 'low' END FROM emp WHERE id = 3")).containsExactly("low");
    assertThat(f.rows("SELECT name FROM emp WHERE name ILIKE 'a%'")).containsExactly("Ann");
    assertThat(f.rows("SELECT '42'::int + 1, 7 / 2, coalesce(dept, 'none') FROM emp WHERE id = 4")).containsExactly("43|3|none");
    assertThat(f.rows("SELECT upper(name) || '!' , length(name), substring(name from 1 for 2) FROM emp WHERE id = 1"))
        .containsExactly("ANN!|3|An");
    assertThat(f.rows("SELECT active FROM emp WHERE id = 1")).containsExactly("true");
    assertThat(f.rows("SELECT now() IS NOT NULL, current_seq() >= 0")).containsExactly("true|true");
    assertThat(f.rows("SELECT hired FROM emp WHERE id = 1")).containsExactly("2020-01-02");
    assertThat(f.rows("SELECT EXTRACT(YEAR FROM hired) FROM emp WHERE id = 2")).containsExactly("2021");
  }

  @Test
  void dmlForms() {
    QueryResult r = f.exec("UPDATE emp SET salary = salary * 2 WHERE dept = 'eng' RETURNING id, salary");
    assertThat(r.commandTag()).isEqualTo("UPDATE 2");
    assertThat(r.rows()).hasSize(2);
    assertThat(f.rows("SELECT salary FROM emp WHERE id = 2")).containsExactly("180.00");
    f.exec("UPDATE emp SET note = (SELECT title FROM dept WHERE code = emp.dept) WHERE id = 3");
    assertThat(f.rows("SELECT note FROM emp WHERE id = 3")).containsExactly("Operations");
    assertThat(f.exec("DELETE FROM emp WHERE salary < 75").commandTag()).isEqualTo("DELETE 1");
    f.exec("INSERT INTO dept SELECT 'x' || code, title FROM dept WHERE code <> 'hr'");
    assertThat(f.rows("SELECT count(*) FROM dept")).containsExactly("5");
    assertThat(f.exec("INSERT INTO dept VALUES ('eng', 'dup') ON CONFLICT DO NOTHING").commandTag()).isEqualTo("INSERT 0 0");
    f.exec("INSERT INTO dept VALUES ('eng', 'Eng2') ON CONFLICT (code) DO UPDATE SET title = excluded.title || '!'");
    assertThat(f.rows("SELECT title FROM dept WHERE code = 'eng'")).containsExactly("Eng2!");
    QueryResult ret = f.exec("INSERT INTO emp (id, name) VALUES (10, 'Zed') RETURNING *");
    assertThat(ret.rows().get(0)[0]).isEqualTo(10);
    assertThat(f.rows("SELECT active FROM emp WHERE id = 10")).containsExactly("true");
    f.exec("INSERT INTO emp (id, name, salary) VALUES ($1, $2, $3)", 11, "Yan", "12.5");
    assertThat(f.rows("SELECT salary FROM emp WHERE id = $1", 11)).containsExactly("12.50");
    f.exec("UPDATE emp SET id = 12 WHERE id = 11");
    assertThat(f.rows("SELECT name FROM emp WHERE id = 12")).containsExactly("Yan");
    assertThat(f.rows("SELECT last_commit_seq() = current_seq()")).containsExactly("true");
  }

  @Test
  void errorsCarrySqlStateAndChangeNothing() {
    long head = f.engine.materializer().appliedSeq();
    assertState("SELECT * FROM nope", "42P01");
    assertState("SELECT nope FROM emp", "42703");
    assertState("SELEC 1", "42601");
    assertState("INSERT INTO emp (id, name) VALUES ('abc', 'x')", "22P02");
    assertState("INSERT INTO emp (id, name, active) VALUES (20, 'x', 5)", "42804");
    assertState("INSERT INTO emp (id, name) VALUES (1, 'dup')", "23505");
    assertState("INSERT INTO emp (id) VALUES (21)", "23502");
    assertState("SELECT * FROM emp FOR SYSTEM_TIME AS OF @SEQ:999999", "22023");
    assertState("INSERT INTO emp (id, name) VALUES (30, 'ok'), (1, 'dup')", "23505");
    assertState("CREATE TABLE emp (x INT)", "42P07");
    // a failing cast folded into generated code is a statement error, not a broken session
    assertThatThrownBy(() -> f.exec("SELECT CAST('2024-01-02 03:04:05.5+02' AS TIMESTAMP)"))
        .isInstanceOf(SqlError.class);
    assertThat(f.rows("SELECT 1")).containsExactly("1");
    assertThat(f.engine.materializer().appliedSeq()).isEqualTo(head);
    assertThat(f.rows("SELECT count(*) FROM emp")).containsExactly("4");
  }

  @Test
  void explainShowsTheRealPlanWithPushedKeyLookup() {
    QueryResult r = f.exec("EXPLAIN SELECT name FROM emp WHERE id = 2");
    String plan = r.rows().stream().map(x -> (String) x[0]).reduce("", (a, b) -> a + b + "\n");
    assertThat(plan).contains("BindableTableScan").contains("filters=[[=($0, 2)]]");
  }

  private void assertState(String sql, String state) {
    assertThatThrownBy(() -> f.exec(sql)).isInstanceOf(SqlError.class)
        .satisfies(e -> assertThat(((SqlError) e).sqlState()).as(sql + " -> " + e.getMessage()).isEqualTo(state));
  }
}
