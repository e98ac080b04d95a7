package io.driftdb.sql.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdb.log.LogListener;
import io.driftdb.log.cluster.KafkaBroker;
import io.driftdb.log.cluster.KafkaLogAddress;
import io.driftdb.log.cluster.KafkaTopicLog;
import io.driftdb.sql.SqlError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Cluster mode when something goes wrong: a node that stopped applying, a log that lost its start, an oversized or racing transaction. */
class ClusterModeFailureTest {
  @RegisterExtension
  static final KafkaBroker KAFKA = new KafkaBroker();

  @TempDir
  Path dir;
  private final List<EngineFixture> nodes = new ArrayList<>();
  private String topic;
  private String logUri;

  @BeforeEach
  void topic(TestInfo info) {
    topic = "driftdb.failure." + info.getTestMethod().orElseThrow().getName();
    logUri = "kafka://" + KAFKA.bootstrapServers() + "/" + topic;
  }

  @AfterEach
  void closeNodes() {
    for (EngineFixture f : nodes) {
      try {
        f.close();
      } catch (RuntimeException e) {
        // already closed
      }
    }
  }

  private EngineFixture node(String name) {
    EngineFixture f = new EngineFixture(EngineConfig.of(dir.resolve(name)).withSharedLog(logUri));
    nodes.add(f);
    return f;
  }

  private static long seq(EngineFixture f) {
    return ((Number) f.exec("SELECT last_commit_seq()").rows().get(0)[0]).longValue();
  }

  private long logHead() throws Exception {
    try (KafkaTopicLog raw = KafkaTopicLog.open(KafkaLogAddress.parse(logUri), Map.of(), "none", LogListener.NONE)) {
      return raw.headSeq();
    }
  }

  /**
   * A node whose log applier stopped (here on a record that is not a DriftDB transaction) says
   * so in isWritable(), but COMMIT does not ask: it appends the transaction to the shared log
   * (where other nodes may apply it) and then waits forever for an apply that will never come.
   */
  @Test
  void aNodeThatStoppedApplyingTheLogRefusesCommitsInsteadOfHanging() throws Exception {
    EngineFixture a = node("a");
    a.exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
    a.exec("INSERT INTO t VALUES (1)");
    long garbage;
    try (KafkaTopicLog raw = KafkaTopicLog.open(KafkaLogAddress.parse(logUri), Map.of(), "none", LogListener.NONE)) {
      garbage = raw.append(null, "not a transaction".getBytes(StandardCharsets.UTF_8), List.of()).get().seq();
    }
    long deadline = System.currentTimeMillis() + 30_000;
    while (a.engine.isWritable() && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertThat(a.engine.isWritable()).as("the applier stopped at the garbage record").isFalse();

    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<?> commit = pool.submit(() -> a.exec("INSERT INTO t VALUES (2)"));
      assertThatThrownBy(() -> commit.get(15, TimeUnit.SECONDS))
          .as("COMMIT on a node that no longer applies the log must fail, not hang")
          .isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(SqlError.class);
      assertThat(logHead()).as("nothing appended to the shared log").isEqualTo(garbage);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A transaction larger than the producer's max.request.size is refused by the Kafka client
   * before anything is sent: its outcome is known (not appended), yet the client is told
   * 08007 "outcome unknown" and the node turns read-only until restarted, for every session.
   */
  @Test
  void anOversizedTransactionIsRefusedWithoutMakingTheNodeReadOnly() throws Exception {
    EngineFixture a = node("a");
    a.exec("CREATE TABLE docs (id INTEGER PRIMARY KEY, body TEXT)");
    String big = "x".repeat(2 * 1024 * 1024);
    Throwable refused = null;
    try {
      a.exec("INSERT INTO docs VALUES (1, ?)", big);
    } catch (SqlError e) {
      refused = e;
    }
    assertThat(refused).as("a 2 MiB transaction").isNotNull();
    assertThat(((SqlError) refused).sqlState()).as("its outcome is known: nothing was appended").isNotEqualTo("08007");
    assertThat(a.engine.isWritable()).as("the node still takes commits").isTrue();
    a.exec("INSERT INTO docs VALUES (2, 'small')");
    assertThat(a.rows("SELECT id FROM docs")).containsExactly("2");
  }

  /**
   * SET driftdb.read_after = N waits until this node applied N, but inside a transaction block
   * the statements then read the block's snapshot, taken at BEGIN, before N. A JDBC client with
   * autocommit off runs exactly this (the driver sends BEGIN before the SET), so the SELECT
   * after a successful read_after misses the write it waited for. PostgreSQL takes a block's
   * snapshot at its first query, not at BEGIN or SET.
   */
  @Test
  void readAfterAsTheFirstStatementOfATransactionBlockIsVisibleToItsQueries() throws Exception {
    EngineFixture a = node("a");
    EngineFixture b = node("b");
    a.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)");
    b.exec("SET driftdb.read_after = " + seq(a));
    b.exec("BEGIN");
    a.exec("INSERT INTO users VALUES (1, 'ada')");
    b.exec("SET driftdb.read_after = " + seq(a));
    assertThat(b.rows("SELECT name FROM users")).as("after read_after in the block").containsExactly("ada");
    b.exec("COMMIT");
  }

  /**
   * ALTER TABLE … ADD COLUMN writes the default into the rows that exist at the statement's
   * snapshot, and checks NOT NULL against them, but does not depend on the table: a row another
   * node inserted that this node has not applied yet is neither rewritten nor a conflict, so
   * after both commit that row has NULL in a NOT NULL column whose default is 7, on every node.
   * (Node a is held behind node b's insert deterministically by holding its materializer's
   * applied-SEQ monitor, as a slow applier would be.)
   */
  @Test
  void addColumnConflictsWithARowInsertedConcurrentlyOnAnotherNode() throws Exception {
    EngineFixture a = node("a");
    EngineFixture b = node("b");
    a.exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
    a.exec("INSERT INTO t VALUES (1)");
    b.exec("SET driftdb.read_after = " + seq(a));
    java.lang.reflect.Field f = io.driftdb.materializer.Materializer.class.getDeclaredField("appliedMonitor");
    f.setAccessible(true);
    Object monitor = f.get(a.engine.materializer());
    java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    Thread holder = new Thread(() -> {
      synchronized (monitor) {
        held.countDown();
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    holder.start();
    held.await();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    Throwable conflict = null;
    try {
      b.exec("INSERT INTO t VALUES (2)");
      long insert = seq(b);
      Future<?> alter = pool.submit(() -> a.exec("ALTER TABLE t ADD COLUMN c INTEGER NOT NULL DEFAULT 7"));
      long deadline = System.currentTimeMillis() + 15_000;
      while (!alter.isDone() && logHead() <= insert && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      release.countDown();
      try {
        alter.get(15, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        conflict = e.getCause();
      }
    } finally {
      release.countDown();
      holder.join();
      pool.shutdownNow();
    }
    long head = logHead();
    for (EngineFixture n : List.of(a, b)) {
      n.exec("SET driftdb.read_after = " + head);
      if (conflict == null) {
        assertThat(n.rows("SELECT id, c FROM t ORDER BY id")).as("rows after ADD COLUMN c NOT NULL DEFAULT 7")
            .containsExactly("1|7", "2|7");
      } else {
        assertThat(conflict).isInstanceOf(SqlError.class);
        assertThat(((SqlError) conflict).sqlState()).isEqualTo("40001");
        assertThat(n.rows("SELECT id FROM t ORDER BY id")).containsExactly("1", "2");
      }
    }
  }

  /**
   * A node materializes the log from its snapshot's SEQ + 1, or from SEQ 0 without a snapshot.
   * If the topic no longer holds those records (retention on a topic DriftDB did not create,
   * DeleteRecords), the node must refuse to start with a clear reason. A new node instead starts
   * from whatever record the topic starts at and serves a state missing every transaction
   * before it; a restarted node fails with "SEQ n applied out of order".
   */
  @Test
  void aNodeRefusesToStartWhenTheLogNoLongerHoldsTheRecordsAfterItsState() throws Exception {
    EngineFixture a = node("a");
    EngineFixture b = node("b");
    a.exec("CREATE TABLE events (id INTEGER PRIMARY KEY, body TEXT)");
    a.exec("INSERT INTO events VALUES (0, 'e0')");
    b.exec("SET driftdb.read_after = " + seq(a));
    b.exec("CHECKPOINT");
    long snapshotSeq = b.engine.materializer().appliedSeq();
    b.close();
    nodes.remove(b);
    for (int i = 1; i < 10; i++) {
      a.exec("INSERT INTO events VALUES (?, ?)", i, "e" + i);
    }
    long head = seq(a);
    // What retention would do: the records up to the last one are gone from the topic.
    try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        KAFKA.bootstrapServers()))) {
      admin.deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(head)))
          .all().get(30, TimeUnit.SECONDS);
    }
    assertThat(head).isGreaterThan(snapshotSeq + 1);
    for (String name : List.of("c", "b")) { // c: a new node; b: restarted from its snapshot
      EngineFixture n = null;
      Throwable thrown = null;
      try {
        n = node(name);
      } catch (RuntimeException e) {
        thrown = e;
      }
      if (n != null) {
        assertThat(n.rows("SELECT count(*) FROM events"))
            .as("node %s started although the log now starts at SEQ %d", name, head)
            .containsExactly("10");
      }
      assertThat(thrown).as("opening node %s", name).isNotNull()
          .hasMessageContaining("starts at SEQ " + head);
    }
  }
}
