package io.driftdb.sql.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdb.sql.SqlError;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every constraint kind with its SQLSTATE; the data is unchanged after a violation; still enforced after restart. */
class ConstraintsTest {
  @TempDir
  Path dir;

  private static void violates(EngineFixture f, String sql, String state) {
    long head = f.engine.materializer().appliedSeq();
    assertThatThrownBy(() -> f.exec(sql)).isInstanceOf(SqlError.class)
        .satisfies(e -> assertThat(((SqlError) e).sqlState()).as(sql + ": " + e.getMessage()).isEqualTo(state));
    assertThat(f.engine.materializer().appliedSeq()).as("nothing committed by " + sql).isEqualTo(head);
  }

  private static void schema(EngineFixture f) {
    f.exec("CREATE TABLE dept (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
    f.exec("CREATE TABLE emp (id INTEGER PRIMARY KEY, email TEXT UNIQUE, age INTEGER CHECK (age >= 18), "
        + "salary NUMERIC(10,2) DEFAULT 1000, created TIMESTAMP DEFAULT now(), "
        + "dept INTEGER REFERENCES dept (id) ON DELETE SET NULL, CHECK (salary < 100000))");
    f.exec("CREATE TABLE badge (bno INTEGER PRIMARY KEY, emp INTEGER NOT NULL REFERENCES emp ON DELETE CASCADE ON UPDATE CASCADE)");
    f.exec("CREATE TABLE locked (id INTEGER PRIMARY KEY, dept INTEGER REFERENCES dept ON DELETE RESTRICT)");
  }

  private static void checkAll(EngineFixture f) {
    List<String> before = f.rows("SELECT * FROM emp ORDER BY id");
    violates(f, "INSERT INTO emp (id, email, age) VALUES (1, 'x@y', 40)", "23505");
    violates(f, "INSERT INTO emp (id, email, age) VALUES (9, 'a@x', 40)", "23505");
    violates(f, "UPDATE emp SET email = 'a@x' WHERE id = 2", "23505");
    violates(f, "INSERT INTO emp (id, email, age) VALUES (9, 'n@x', 12)", "23514");
    violates(f, "UPDATE emp SET salary = 200000 WHERE id = 1", "23514");
    violates(f, "INSERT INTO dept (id) VALUES (5)", "23502");
    violates(f, "UPDATE dept SET name = NULL WHERE id = 1", "23502");
    violates(f, "INSERT INTO emp (id, email, age, dept) VALUES (9, 'n@x', 30, 77)", "23503");
    violates(f, "INSERT INTO badge VALUES (5, 999)", "23503");
    violates(f, "DELETE FROM dept WHERE id = 2", "23503");
    violates(f, "INSERT INTO dept VALUES (3, 'eng')", "23505");
    assertThat(f.rows("SELECT * FROM emp ORDER BY id")).isEqualTo(before);
  }

  @Test
  void everyKindIsEnforcedWithItsSqlStateAndSurvivesRestart() {
    try (EngineFixture f = new EngineFixture(dir)) {
      schema(f);
      f.exec("INSERT INTO dept VALUES (1, 'eng'), (2, 'ops')");
      f.exec("INSERT INTO emp (id, email, age, dept) VALUES (1, 'a@x', 30, 1), (2, 'b@x', 40, 1), (3, NULL, NULL, 2)");
      f.exec("INSERT INTO locked VALUES (1, 2)");
      f.exec("INSERT INTO badge VALUES (10, 1), (11, 2)");
      // DEFAULT literal and expression
      assertThat(f.rows("SELECT salary, created IS NOT NULL FROM emp WHERE id = 1")).containsExactly("1000.00|true");
      // two NULLs do not collide in a UNIQUE column
      f.exec("INSERT INTO emp (id, email) VALUES (4, NULL)");
      checkAll(f);
      f.restart();
      checkAll(f);
      // ON DELETE SET NULL, ON DELETE CASCADE, ON UPDATE CASCADE
      f.exec("DELETE FROM locked");
      f.exec("DELETE FROM dept WHERE id = 1");
      assertThat(f.rows("SELECT id FROM emp WHERE dept IS NULL ORDER BY id")).containsExactly("1", "2", "4");
      f.exec("UPDATE emp SET id = 20 WHERE id = 2");
      assertThat(f.rows("SELECT emp FROM badge WHERE bno = 11")).containsExactly("20");
      f.exec("DELETE FROM emp WHERE id = 1");
      assertThat(f.rows("SELECT bno FROM badge")).containsExactly("11");
      // CREATE UNIQUE INDEX checks existing rows and then enforces
      f.exec("CREATE TABLE u (id INTEGER PRIMARY KEY, code TEXT)");
      f.exec("INSERT INTO u VALUES (1, 'a'), (2, 'a')");
      violates(f, "CREATE UNIQUE INDEX u_code ON u (code)", "23505");
      f.exec("UPDATE u SET code = 'b' WHERE id = 2");
      f.exec("CREATE UNIQUE INDEX u_code ON u (code)");
      violates(f, "INSERT INTO u VALUES (3, 'b')", "23505");
    }
  }
}
