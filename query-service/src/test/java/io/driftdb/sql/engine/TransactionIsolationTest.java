package io.driftdb.sql.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdb.sql.SessionInfo;
import io.driftdb.sql.SqlError;
import io.driftdb.sql.SqlSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Concurrency semantics with several sessions on one engine (each session is one connection). */
class TransactionIsolationTest {
  @TempDir
  Path dir;
  EngineFixture f;
  SqlSession a;
  SqlSession b;

  @BeforeEach
  void setUp() {
    f = new EngineFixture(dir);
    f.exec("CREATE TABLE acct (id INTEGER PRIMARY KEY, balance INTEGER)");
    f.exec("CREATE TABLE doctors (name TEXT PRIMARY KEY, on_call BOOLEAN)");
    f.exec("INSERT INTO acct VALUES (1, 100), (2, 100)");
    f.exec("INSERT INTO doctors VALUES ('alice', true), ('bob', true)");
    a = f.engine.openSession(SessionInfo.local("a"));
    b = f.engine.openSession(SessionInfo.local("b"));
  }

  @AfterEach
  void tearDown() {
    a.close();
    b.close();
    f.close();
  }

  private static void run(SqlSession s, String sql) {
    s.execute(sql, List.of());
  }

  private static Object one(SqlSession s, String sql) {
    return s.execute(sql, List.of()).rows().get(0)[0];
  }

  private static String state(SqlError e) {
    return e.sqlState();
  }

  @Test
  void writeWriteConflictAbortsExactlyOneWith40001() {
    run(a, "BEGIN");
    run(b, "BEGIN");
    run(a, "UPDATE acct SET balance = balance - 10 WHERE id = 1");
    run(b, "UPDATE acct SET balance = balance - 20 WHERE id = 1");
    run(a, "COMMIT");
    assertThatThrownBy(() -> run(b, "COMMIT")).isInstanceOf(SqlError.class)
        .satisfies(e -> assertThat(state((SqlError) e)).isEqualTo("40001"));
    assertThat(f.rows("SELECT balance FROM acct WHERE id = 1")).containsExactly("90");
    assertThat(b.transactionStatus()).isEqualTo(SqlSession.TxStatus.IDLE);
  }

  @Test
  void concurrentConflictingTransactionsFromManyThreadsLoseNoUpdateAndExactlyOneWinsEachRound() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 10; round++) {
        CountDownLatch ready = new CountDownLatch(4);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          results.add(pool.submit(() -> {
            try (SqlSession s = f.engine.openSession(SessionInfo.local("w"))) {
              run(s, "BEGIN");
              run(s, "UPDATE acct SET balance = balance + 1 WHERE id = 2");
              ready.countDown();
              ready.await();
              run(s, "COMMIT");
              return "ok";
            } catch (SqlError e) {
              return e.sqlState();
            }
          }));
        }
        List<String> outcomes = new ArrayList<>();
        for (Future<String> r : results) {
          outcomes.add(r.get());
        }
        assertThat(outcomes).filteredOn("ok"::equals).hasSize(1);
        assertThat(outcomes).filteredOn("40001"::equals).hasSize(3);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(f.rows("SELECT balance FROM acct WHERE id = 2")).containsExactly("110");
  }

  private void writeSkew(String isolation) {
    run(a, "BEGIN ISOLATION LEVEL " + isolation);
    run(b, "BEGIN ISOLATION LEVEL " + isolation);
    assertThat(((Number) one(a, "SELECT count(*) FROM doctors WHERE on_call")).intValue()).isEqualTo(2);
    assertThat(((Number) one(b, "SELECT count(*) FROM doctors WHERE on_call")).intValue()).isEqualTo(2);
    run(a, "UPDATE doctors SET on_call = false WHERE name = 'alice'");
    run(b, "UPDATE doctors SET on_call = false WHERE name = 'bob'");
    run(a, "COMMIT");
    run(b, "COMMIT");
  }

  @Test
  void writeSkewIsAllowedUnderRepeatableRead() {
    writeSkew("REPEATABLE READ");
    assertThat(f.rows("SELECT count(*) FROM doctors WHERE on_call")).containsExactly("0");
  }

  @Test
  void writeSkewIsPreventedUnderSerializable() {
    assertThatThrownBy(() -> writeSkew("SERIALIZABLE")).isInstanceOf(SqlError.class)
        .satisfies(e -> assertThat(state((SqlError) e)).isEqualTo("40001"));
    assertThat(f.rows("SELECT count(*) FROM doctors WHERE on_call")).containsExactly("1");
  }

  @Test
  void aReaderKeepsItsSnapshotWhileOthersCommit() {
    run(a, "BEGIN");
    assertThat(one(a, "SELECT balance FROM acct WHERE id = 1")).isEqualTo(100);
    run(b, "UPDATE acct SET balance = 5 WHERE id = 1");
    run(b, "INSERT INTO acct VALUES (3, 7)");
    assertThat(one(a, "SELECT balance FROM acct WHERE id = 1")).isEqualTo(100);
    assertThat(((Number) one(a, "SELECT count(*) FROM acct")).intValue()).isEqualTo(2);
    run(a, "COMMIT");
    assertThat(one(a, "SELECT balance FROM acct WHERE id = 1")).isEqualTo(5);
  }

  @Test
  void ownWritesAreVisibleAndRollbackDiscardsThem() {
    run(a, "BEGIN");
    run(a, "INSERT INTO acct VALUES (9, 1)");
    run(a, "UPDATE acct SET balance = 2 WHERE id = 9");
    assertThat(one(a, "SELECT balance FROM acct WHERE id = 9")).isEqualTo(2);
    assertThat(b.execute("SELECT count(*) FROM acct WHERE id = 9", List.of()).rows().get(0)[0]).isEqualTo(0L);
    run(a, "SAVEPOINT s1");
    run(a, "DELETE FROM acct WHERE id = 9");
    run(a, "ROLLBACK TO SAVEPOINT s1");
    assertThat(one(a, "SELECT balance FROM acct WHERE id = 9")).isEqualTo(2);
    run(a, "ROLLBACK");
    assertThat(f.rows("SELECT count(*) FROM acct WHERE id = 9")).containsExactly("0");
  }

  @Test
  void anErrorPutsTheBlockInTheFailedStateUntilRollback() {
    run(a, "BEGIN");
    run(a, "INSERT INTO acct VALUES (20, 1)");
    assertThatThrownBy(() -> run(a, "INSERT INTO acct VALUES (20, 2)")).isInstanceOf(SqlError.class);
    assertThat(a.transactionStatus()).isEqualTo(SqlSession.TxStatus.FAILED);
    assertThatThrownBy(() -> run(a, "SELECT 1")).isInstanceOf(SqlError.class)
        .satisfies(e -> assertThat(state((SqlError) e)).isEqualTo("25P02"));
    assertThat(a.execute("COMMIT", List.of()).commandTag()).isEqualTo("ROLLBACK");
    assertThat(f.rows("SELECT count(*) FROM acct WHERE id = 20")).containsExactly("0");
  }

  @Test
  void aMultiStatementTransactionIsOneLogRecord() {
    long before = f.engine.materializer().appliedSeq();
    run(a, "BEGIN");
    run(a, "INSERT INTO acct VALUES (30, 1)");
    run(a, "UPDATE acct SET balance = 0 WHERE id = 1");
    run(a, "INSERT INTO doctors VALUES ('carol', false)");
    run(a, "COMMIT");
    assertThat(f.engine.materializer().appliedSeq()).isEqualTo(before + 1);
    assertThat(f.rows("SELECT _seq_from FROM acct WHERE id = 30")).containsExactly(String.valueOf(before + 1));
    assertThat(f.rows("SELECT _seq_from FROM doctors WHERE name = 'carol'")).containsExactly(String.valueOf(before + 1));
  }
}
