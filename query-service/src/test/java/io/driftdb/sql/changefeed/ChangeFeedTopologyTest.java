package io.driftdb.sql.changefeed;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdb.log.LogListener;
import io.driftdb.log.cluster.KafkaBroker;
import io.driftdb.log.cluster.KafkaLogAddress;
import io.driftdb.log.cluster.KafkaTopicLog;
import io.driftdb.materializer.TableData;
import io.driftdb.schemas.CommitValidation;
import io.driftdb.schemas.RowOp;
import io.driftdb.schemas.Schemas;
import io.driftdb.schemas.TransactionCodec;
import io.driftdb.schemas.TransactionRecord;
import io.driftdb.sql.SessionInfo;
import io.driftdb.sql.SqlSession;
import io.driftdb.sql.engine.DriftEngine;
import io.driftdb.sql.engine.EngineConfig;
import io.driftdb.sql.kafka.RowCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The change feed against a real broker (Kafka's in-process KRaft test kit): DriftDB nodes in
 * cluster mode write the log, a {@link ChangeFeed} (a KafkaStreams instance) fans it out, and
 * the change topics are read back with read_committed consumers.
 */
class ChangeFeedTopologyTest {
  /** How long to wait for the feed to catch up before failing (a bound, not a measurement). */
  private static final Duration CATCH_UP = Duration.ofSeconds(120);
  @RegisterExtension
  static final KafkaBroker KAFKA = new KafkaBroker();

  @TempDir
  Path dir;
  private final List<Node> nodes = new ArrayList<>();
  private final List<ChangeFeed> feeds = new ArrayList<>();

  @AfterEach
  void closeAll() {
    feeds.forEach(ChangeFeed::close);
    nodes.forEach(Node::close);
  }

  /** A DriftDB node in cluster mode. */
  private record Node(DriftEngine engine, SqlSession session) implements AutoCloseable {
    long exec(String... sql) {
      for (String s : sql) {
        session.execute(s, List.of());
      }
      Object seq = session.execute("SELECT last_commit_seq()", List.of()).rows().get(0)[0];
      return ((Number) seq).longValue();
    }

    void readAfter(long seq) {
      session.execute("SET driftdb.read_after = " + seq, List.of());
    }

    long commitTime(long seq) {
      return engine.materializer().timeline().timestampOf(seq);
    }

    @Override
    public void close() {
      session.close();
      engine.close();
    }
  }

  private Node node(String name, String logUri) {
    DriftEngine e = DriftEngine.open(EngineConfig.of(dir.resolve(name)).withSharedLog(logUri));
    Node n = new Node(e, e.openSession(SessionInfo.local("test")));
    nodes.add(n);
    return n;
  }

  private ChangeFeed startFeed(String logUri, String applicationId, boolean exactlyOnce) throws Exception {
    ChangeFeed f = ChangeFeed.start(ChangeFeedConfig.of(KafkaLogAddress.parse(logUri))
        .withApplicationId(applicationId).withStateDir(dir.resolve("streams-" + applicationId))
        .withExactlyOnce(exactlyOnce));
    feeds.add(f);
    return f;
  }

  private static Map<String, Object> client() {
    return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
  }

  /** Waits until the feed has committed its position past {@code seq} (its events are then committed too). */
  private static void awaitProcessed(String applicationId, String logTopic, long seq) throws Exception {
    TopicPartition tp = new TopicPartition(logTopic, 0);
    long deadline = System.nanoTime() + CATCH_UP.toNanos();
    try (Admin admin = Admin.create(client())) {
      while (true) {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
            .partitionsToOffsetAndMetadata().get();
        OffsetAndMetadata o = committed.get(tp);
        if (o != null && o.offset() > seq) {
          return;
        }
        assertThat(System.nanoTime()).as("the feed %s did not get past SEQ %d (committed: %s)", applicationId, seq,
            committed).isLessThan(deadline);
        Thread.sleep(100);
      }
    }
  }

  /** Every change topic of {@code logTopic} and its committed events, as "SEQ OP key value" lines. */
  private static Map<String, List<String>> changeTopics(String logTopic, Map<Long, Long> timestamps)
      throws Exception {
    Map<String, List<String>> out = new TreeMap<>();
    try (Admin admin = Admin.create(client())) {
      for (String t : admin.listTopics().names().get()) {
        if (t.startsWith(logTopic + ".") && t.endsWith(".changes")) {
          out.put(t.substring(logTopic.length() + 1, t.length() - ".changes".length()), read(t, timestamps));
        }
      }
    }
    return out;
  }

  private static List<String> read(String topic, Map<Long, Long> timestamps) {
    Map<String, Object> p = new HashMap<>(client());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    TopicPartition tp = new TopicPartition(topic, 0);
    List<String> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      long deadline = System.nanoTime() + CATCH_UP.toNanos();
      while (c.position(tp) < end) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          long seq = Long.parseLong(header(r, RowCodec.SEQ_HEADER));
          assertThat(r.timestamp()).as("timestamp of %s", r).isEqualTo(timestamps.get(seq));
          out.add(seq + " " + header(r, RowCodec.OP_HEADER) + " " + text(r.key()) + " " + text(r.value()));
        }
        assertThat(System.nanoTime()).as("reading %s", topic).isLessThan(deadline);
      }
    }
    return out;
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? "-" : text(h.value());
  }

  private static String text(byte[] b) {
    return b == null ? "null" : new String(b, StandardCharsets.UTF_8);
  }

  /** The commit times the nodes recorded, for every SEQ up to {@code head}. */
  private static Map<Long, Long> commitTimes(Node n, long head) {
    Map<Long, Long> out = new TreeMap<>();
    for (long s = 0; s <= head; s++) {
      out.put(s, n.commitTime(s));
    }
    return out;
  }

  @Test
  void twoNodesWritesFanOutPerTableAndTheRejectedTransactionIsNotInAnyTopic() throws Exception {
    String logTopic = "feed-fanout";
    String uri = KAFKA.logUri(logTopic);
    Node a = node("a", uri);
    Node b = node("b", uri);
    a.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)",
        "CREATE TABLE orders (id INTEGER, item TEXT, qty INTEGER, PRIMARY KEY (id, item))");
    long s1 = a.exec("INSERT INTO users VALUES (1, 'ada'), (2, 'alan')");
    long s2 = a.exec("INSERT INTO orders VALUES (10, 'pen', 1)");
    b.readAfter(s2);
    long s3 = b.exec("BEGIN", "UPDATE users SET name = 'grace' WHERE id = 2",
        "UPDATE orders SET qty = 5 WHERE id = 10", "COMMIT");
    a.readAfter(s3);
    long s4 = a.exec("DELETE FROM users WHERE id = 1");
    // A writer that read users at s2 and missed b's update: every node rejects it (40001).
    TableData users = a.engine().materializer().catalog().resolve("users", s2).orElseThrow();
    TransactionRecord stale = Schemas.transaction("stale").setStartSeq(s2)
        .setValidation(CommitValidation.newBuilder().build())
        .setEvents(List.of(Schemas.row(RowOp.UPDATE, users.tableId()).setRow(List.of(2, "lost")).build()))
        .build();
    long staleSeq;
    try (KafkaTopicLog raw = KafkaTopicLog.open(KafkaLogAddress.parse(uri), Map.of(), "none", LogListener.NONE)) {
      staleSeq = raw.append(null, new TransactionCodec().encode(stale), List.of()).get().seq();
    }
    b.readAfter(staleSeq);
    assertThat(b.engine().materializer().verdict(staleSeq)).isPresent();
    long s5 = b.exec("INSERT INTO users VALUES (3, 'edsger')");
    a.readAfter(s5);
    a.exec("ALTER TABLE users RENAME TO people");
    long s6 = a.exec("INSERT INTO people VALUES (4, 'barbara')");
    a.exec("DROP TABLE orders");
    long head = a.exec("CREATE TABLE empty_one (id INTEGER PRIMARY KEY)");

    startFeed(uri, "fanout", true);
    awaitProcessed("fanout", logTopic, head);

    Map<String, List<String>> topics = changeTopics(logTopic, commitTimes(a, head));
    assertThat(topics).containsOnlyKeys("users", "orders", "people", "empty_one");
    assertThat(topics.get("users")).containsExactly(
        s1 + " INSERT 1 {\"id\":1,\"name\":\"ada\"}",
        s1 + " INSERT 2 {\"id\":2,\"name\":\"alan\"}",
        s3 + " UPDATE 2 {\"id\":2,\"name\":\"grace\"}",
        s4 + " DELETE 1 null",
        s5 + " INSERT 3 {\"id\":3,\"name\":\"edsger\"}");
    assertThat(topics.get("orders")).containsExactly(
        s2 + " INSERT {\"id\":10,\"item\":\"pen\"} {\"id\":10,\"item\":\"pen\",\"qty\":1}",
        s3 + " UPDATE {\"id\":10,\"item\":\"pen\"} {\"id\":10,\"item\":\"pen\",\"qty\":5}");
    assertThat(topics.get("people")).containsExactly(s6 + " INSERT 4 {\"id\":4,\"name\":\"barbara\"}");
    assertThat(topics.get("empty_one")).isEmpty();
    assertThat(topics.values()).flatMap(l -> l).noneMatch(e -> e.startsWith(staleSeq + " "));
  }

  /** Stopped and started again, the feed continues at its committed position: nothing lost, nothing twice. */
  @ParameterizedTest(name = "exactly-once: {0}")
  @ValueSource(booleans = {true, false})
  void aRestartedFeedContinuesWhereItStopped(boolean exactlyOnce) throws Exception {
    String logTopic = "feed-restart-" + exactlyOnce;
    String uri = KAFKA.logUri(logTopic);
    String app = "restart-" + exactlyOnce;
    Node a = node("a", uri);
    a.exec("CREATE TABLE kv (k INTEGER PRIMARY KEY, v TEXT)");
    List<String> expected = new ArrayList<>();
    long seq = -1;
    for (int i = 0; i < 5; i++) {
      seq = a.exec("INSERT INTO kv VALUES (" + i + ", 'v" + i + "')");
      expected.add(seq + " INSERT " + i + " {\"k\":" + i + ",\"v\":\"v" + i + "\"}");
    }
    ChangeFeed first = startFeed(uri, app, exactlyOnce);
    awaitProcessed(app, logTopic, seq);
    first.close();
    feeds.remove(first);
    assertThat(first.termination()).isCompleted();

    seq = a.exec("UPDATE kv SET v = 'w' WHERE k = 0");
    expected.add(seq + " UPDATE 0 {\"k\":0,\"v\":\"w\"}");
    seq = a.exec("DELETE FROM kv WHERE k = 1");
    expected.add(seq + " DELETE 1 null");
    a.exec("CREATE TABLE later (id INTEGER PRIMARY KEY)");
    long later = a.exec("INSERT INTO later VALUES (1)");
    // Restarting rebuilds the state from the log first: the update must see the schema of kv.
    startFeed(uri, app, exactlyOnce);
    awaitProcessed(app, logTopic, later);

    Map<String, List<String>> topics = changeTopics(logTopic, commitTimes(a, later));
    assertThat(topics.get("kv")).containsExactlyElementsOf(expected);
    assertThat(topics.get("later")).containsExactly(later + " INSERT 1 {\"id\":1}");
  }
}
