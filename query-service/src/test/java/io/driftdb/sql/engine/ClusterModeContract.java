package io.driftdb.sql.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdb.log.LogListener;
import io.driftdb.log.cluster.KafkaLogAddress;
import io.driftdb.log.cluster.KafkaTopicLog;
import io.driftdb.materializer.CommitVerdict;
import io.driftdb.materializer.Materializer;
import io.driftdb.materializer.TableData;
import io.driftdb.schemas.CommitValidation;
import io.driftdb.schemas.RowEvent;
import io.driftdb.schemas.RowOp;
import io.driftdb.schemas.Schemas;
import io.driftdb.schemas.TransactionCodec;
import io.driftdb.schemas.TransactionRecord;
import io.driftdb.sql.SessionInfo;
import io.driftdb.sql.SqlError;
import io.driftdb.sql.SqlSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode: two DriftDB nodes (engines with their own data directories) on one shared
 * Kafka log. Subclasses provide the broker: in-process KRaft, or a Testcontainers one.
 */
abstract class ClusterModeContract {
  @TempDir
  Path dir;
  private final List<EngineFixture> nodes = new ArrayList<>();
  private String logUri;

  /** The broker's bootstrap servers. */
  abstract String bootstrapServers();

  private EngineFixture node(String name) {
    EngineFixture f = new EngineFixture(EngineConfig.of(dir.resolve(name)).withSharedLog(logUri));
    nodes.add(f);
    return f;
  }

  @org.junit.jupiter.api.BeforeEach
  void topic(TestInfo info) {
    logUri = "kafka://" + bootstrapServers() + "/driftdb." + info.getTestMethod().orElseThrow().getName();
  }

  @AfterEach
  void closeNodes() {
    for (EngineFixture f : nodes) {
      f.close();
    }
  }

  private static long seq(EngineFixture f) {
    return ((Number) f.exec("SELECT last_commit_seq()").rows().get(0)[0]).longValue();
  }

  private static void readAfter(EngineFixture f, long seq) {
    f.exec("SET driftdb.read_after = " + seq);
  }

  @Test
  void aWriteOnOneNodeIsReadableOnTheOtherAfterReadAfter() {
    EngineFixture a = node("a");
    EngineFixture b = node("b");
    a.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)");
    a.exec("INSERT INTO users VALUES (1, 'ada')");
    readAfter(b, seq(a));
    assertThat(b.rows("SELECT id, name FROM users")).containsExactly("1|ada");
    b.exec("UPDATE users SET name = 'grace' WHERE id = 1");
    long update = seq(b);
    readAfter(a, update);
    assertThat(a.rows("SELECT name FROM users")).containsExactly("grace");
    assertThat(a.rows("SELECT name FROM users FOR SYSTEM_TIME AS OF @SEQ:" + (update - 1))).containsExactly("ada");
    assertThat(b.rows("SELECT name FROM users FOR SYSTEM_TIME ALL ORDER BY _seq_from"))
        .containsExactlyElementsOf(a.rows("SELECT name FROM users FOR SYSTEM_TIME ALL ORDER BY _seq_from"));
  }

  /** A record appended by a node with a stale snapshot is rejected by every node, in log order. */
  @Test
  void aStaleCommitGetsTheSameVerdictOnBothNodes() throws Exception {
    EngineFixture a = node("a");
    EngineFixture b = node("b");
    a.exec("CREATE TABLE acct (id INTEGER PRIMARY KEY, balance INTEGER)");
    a.exec("INSERT INTO acct VALUES (1, 100)");
    long before = seq(a);
    a.exec("UPDATE acct SET balance = 150 WHERE id = 1");
    TableData t = a.engine.materializer().catalog().resolve("acct", before).orElseThrow();
    // A third writer that read the row at `before` and did not see the update.
    TransactionRecord stale = Schemas.transaction("stale").setStartSeq(before)
        .setValidation(CommitValidation.newBuilder().build())
        .setEvents(List.of(Schemas.row(RowOp.UPDATE, t.tableId()).setRow(List.of(1, 40)).build()))
        .build();
    long staleSeq;
    try (KafkaTopicLog raw = KafkaTopicLog.open(KafkaLogAddress.parse(logUri), Map.of(), "none", LogListener.NONE)) {
      staleSeq = raw.append(null, new TransactionCodec().encode(stale), List.of()).get().seq();
    }
    for (EngineFixture n : List.of(a, b)) {
      readAfter(n, staleSeq);
      assertThat(n.engine.materializer().verdict(staleSeq)).get()
          .extracting(CommitVerdict::sqlState).isEqualTo("40001");
      assertThat(n.rows("SELECT balance FROM acct")).containsExactly("150");
      assertThat(n.rows("SELECT balance FROM acct FOR SYSTEM_TIME AS OF @SEQ:" + staleSeq)).containsExactly("150");
    }
  }

  /** Both nodes increment one counter concurrently in transactions; every verdict agrees. */
  @Test
  void concurrentConflictingTransactionsOnTwoNodesAgree() throws Exception {
    EngineFixture a = node("a");
    EngineFixture b = node("b");
    a.exec("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)");
    a.exec("INSERT INTO counter VALUES (1, 0)");
    long start = seq(a);
    readAfter(b, start);
    AtomicInteger committed = new AtomicInteger();
    AtomicInteger conflicts = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Future<?>> work = new ArrayList<>();
    for (int w = 0; w < 6; w++) {
      EngineFixture node = w % 2 == 0 ? a : b;
      work.add(pool.submit(() -> {
        try (SqlSession s = node.engine.openSession(SessionInfo.local("w"))) {
          for (int i = 0; i < 15; i++) {
            s.execute("BEGIN", List.of());
            s.execute("UPDATE counter SET n = n + 1 WHERE id = 1", List.of());
            try {
              s.execute("COMMIT", List.of());
              committed.incrementAndGet();
            } catch (SqlError e) {
              assertThat(e.sqlState()).isEqualTo("40001");
              conflicts.incrementAndGet();
              s.execute("ROLLBACK", List.of());
            }
          }
        }
        return null;
      }));
    }
    for (Future<?> f : work) {
      f.get();
    }
    pool.shutdown();
    long head = Math.max(a.engine.log().headSeq(), b.engine.log().headSeq());
    readAfter(a, head);
    readAfter(b, head);
    assertThat(committed.get() + conflicts.get()).isEqualTo(90);
    assertThat(conflicts.get()).isPositive();
    for (EngineFixture n : List.of(a, b)) {
      assertThat(n.rows("SELECT n FROM counter")).containsExactly(String.valueOf(committed.get()));
    }
    Materializer ma = a.engine.materializer();
    Materializer mb = b.engine.materializer();
    for (long s = start + 1; s <= head; s++) {
      Optional<CommitVerdict> va = ma.verdict(s);
      assertThat(mb.verdict(s)).as("verdict of SEQ %d", s).isEqualTo(va);
    }
    assertThat(b.rows("SELECT n, _seq_from FROM counter FOR SYSTEM_TIME ALL ORDER BY _seq_from"))
        .containsExactlyElementsOf(a.rows("SELECT n, _seq_from FROM counter FOR SYSTEM_TIME ALL ORDER BY _seq_from"));
  }

  @Test
  void aRestartedNodeResumesFromItsSnapshotAndLosesNothing() throws Exception {
    EngineFixture a = node("a");
    EngineFixture b = node("b");
    a.exec("CREATE TABLE events (id INTEGER PRIMARY KEY, body TEXT)");
    for (int i = 0; i < 30; i++) {
      a.exec("INSERT INTO events VALUES (?, ?)", i, "e" + i);
    }
    readAfter(b, seq(a));
    b.exec("CHECKPOINT");
    long snapshotSeq = b.engine.materializer().appliedSeq();
    b.close();
    nodes.remove(b);
    for (int i = 30; i < 50; i++) {
      a.exec("INSERT INTO events VALUES (?, ?)", i, "e" + i);
    }
    long head = seq(a);
    EngineFixture b2 = node("b");
    assertThat(b2.engine.startup().snapshotSeq()).isEqualTo(snapshotSeq);
    assertThat(b2.engine.startup().replayed()).isEqualTo(head - snapshotSeq);
    assertThat(b2.rows("SELECT count(*) FROM events")).containsExactly("50");
    b2.exec("INSERT INTO events VALUES (50, 'from b')");
    readAfter(a, seq(b2));
    assertThat(a.rows("SELECT body FROM events WHERE id = 50")).containsExactly("from b");
  }
}
