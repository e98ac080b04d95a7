package io.driftdb.sql.changefeed;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdb.log.LogCursor;
import io.driftdb.log.LogRecord;
import io.driftdb.log.kafka.TopicBackend;
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
import io.driftdb.sql.kafka.TableTopicBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The change-feed topology without a broker: the records of a real (local-log) database are
 * piped through Kafka Streams' {@link TopologyTestDriver}.
 */
class ChangeFeedTopologyDriverTest {
  private static final String LOG = "shop";

  @TempDir
  Path dir;
  private DriftEngine engine;
  private SqlSession session;

  @BeforeEach
  void open() {
    engine = DriftEngine.open(EngineConfig.of(dir));
    session = engine.openSession(SessionInfo.local("test"));
  }

  @AfterEach
  void close() {
    session.close();
    engine.close();
  }

  private void exec(String... sql) {
    for (String s : sql) {
      session.execute(s, List.of());
    }
  }

  private List<LogRecord> logRecords() {
    List<LogRecord> out = new ArrayList<>();
    try (LogCursor c = engine.log().read(0)) {
      while (c.hasNext()) {
        out.add(c.next());
      }
    }
    return out;
  }

  private static TopologyTestDriver driver(LogReplay replay) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "changefeed-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    return new TopologyTestDriver(ChangeFeedTopology.build(LOG, replay, ChangeTopics.NONE, p), p);
  }

  private static void pipe(TopologyTestDriver d, List<LogRecord> records) {
    var in = d.createInputTopic(LOG, new ByteArraySerializer(), new ByteArraySerializer());
    for (LogRecord r : records) {
      in.pipeInput(new TestRecord<>(r.key(), r.value(), null, r.timestampMs()));
    }
  }

  private static List<String> events(TopologyTestDriver d, String topic) {
    List<String> out = new ArrayList<>();
    for (TestRecord<byte[], byte[]> r : d.createOutputTopic(topic, new ByteArrayDeserializer(),
        new ByteArrayDeserializer()).readRecordsToList()) {
      out.add(header(r.headers(), RowCodec.SEQ_HEADER) + " " + header(r.headers(), RowCodec.OP_HEADER) + " "
          + text(r.key()) + " " + text(r.value()));
    }
    return out;
  }

  private static String header(Headers h, String name) {
    Header last = h.lastHeader(name);
    return last == null ? "-" : text(last.value());
  }

  private static String text(byte[] b) {
    return b == null ? "null" : new String(b, StandardCharsets.UTF_8);
  }

  private long seq() {
    return engine.materializer().appliedSeq();
  }

  @Test
  void everyTableGetsItsEventsInSeqOrderKeyedByPrimaryKey() {
    exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, born DATE)",
        "INSERT INTO users VALUES (1, 'ada', '1815-12-10'), (2, 'alan', '1912-06-23')");
    long insert = seq();
    exec("CREATE TABLE \"Order Items\" (order_id INTEGER, sku TEXT, qty INTEGER, PRIMARY KEY (order_id, sku))",
        "BEGIN",
        "UPDATE users SET name = 'grace' WHERE id = 2",
        "INSERT INTO \"Order Items\" VALUES (7, 'x-1', 3)",
        "COMMIT");
    long both = seq();
    exec("DELETE FROM users WHERE id = 1");
    long delete = seq();
    exec("ALTER TABLE users RENAME TO people", "INSERT INTO people VALUES (3, 'edsger', NULL)");
    long renamed = seq();
    exec("CREATE TABLE notes (body TEXT)", "INSERT INTO notes VALUES ('hi')", "DROP TABLE notes");
    long note = seq() - 1;

    try (TopologyTestDriver d = driver((seq, m) -> assertThat(seq).isZero())) {
      pipe(d, logRecords());
      assertThat(d.producedTopicNames()).containsExactlyInAnyOrder("shop.users.changes",
          "shop.order-20items.changes", "shop.people.changes", "shop.notes.changes");
      assertThat(events(d, "shop.users.changes")).containsExactly(
          insert + " INSERT 1 {\"id\":1,\"name\":\"ada\",\"born\":\"1815-12-10\"}",
          insert + " INSERT 2 {\"id\":2,\"name\":\"alan\",\"born\":\"1912-06-23\"}",
          both + " UPDATE 2 {\"id\":2,\"name\":\"grace\",\"born\":\"1912-06-23\"}",
          delete + " DELETE 1 null");
      assertThat(events(d, "shop.order-20items.changes")).containsExactly(
          both + " INSERT {\"order_id\":7,\"sku\":\"x-1\"} {\"order_id\":7,\"sku\":\"x-1\",\"qty\":3}");
      assertThat(events(d, "shop.people.changes")).containsExactly(
          renamed + " INSERT 3 {\"id\":3,\"name\":\"edsger\",\"born\":null}");
      // No primary key: the hidden row id is the key, as in the Kafka gateway.
      assertThat(events(d, "shop.notes.changes")).singleElement().asString()
          .startsWith(note + " INSERT ").endsWith(" {\"body\":\"hi\"}");
    }
  }

  /** Keys, values, headers and timestamps are the ones the Kafka gateway serves for the table. */
  @Test
  void eventsAreByteForByteTheGatewaysChangeEvents() {
    exec("CREATE TABLE t (k TEXT PRIMARY KEY, n NUMERIC(8,2), at TIMESTAMPTZ, raw BYTEA, doc JSONB)",
        "INSERT INTO t VALUES ('a', 1.50, '2025-01-02 03:04:05.678+00', '\\x00ff', '{\"x\": [1, null]}')",
        "INSERT INTO t VALUES ('b', NULL, NULL, NULL, NULL)",
        "UPDATE t SET n = n * 2 WHERE k = 'a'",
        "DELETE FROM t WHERE k = 'b'");
    TableTopicBackend gateway = new TableTopicBackend(engine);
    var topic = gateway.topic("t").orElseThrow();
    List<TopicBackend.ChangeEvent> expected = gateway.fetch(topic, 0, Integer.MAX_VALUE).events();
    try (TopologyTestDriver d = driver((seq, m) -> { })) {
      pipe(d, logRecords());
      List<TestRecord<byte[], byte[]>> got = d.createOutputTopic("shop.t.changes", new ByteArrayDeserializer(),
          new ByteArrayDeserializer()).readRecordsToList();
      assertThat(got).hasSameSizeAs(expected).hasSize(4);
      for (int i = 0; i < got.size(); i++) {
        TestRecord<byte[], byte[]> g = got.get(i);
        TopicBackend.ChangeEvent e = expected.get(i);
        assertThat(g.key()).as("key %d", i).isEqualTo(e.key());
        assertThat(g.value()).as("value %d", i).isEqualTo(e.value());
        assertThat(g.timestamp()).as("timestamp %d", i).isEqualTo(e.timestampMs());
        for (var h : e.headers()) {
          assertThat(g.headers().lastHeader(h.key()).value()).as("%s of %d", h.key(), i).isEqualTo(h.value());
        }
      }
    }
  }

  /** A record that fails the commit check of cluster mode is skipped, as every node skips it. */
  @Test
  void aRecordThatFailsTheCommitCheckProducesNothing() {
    exec("CREATE TABLE acct (id INTEGER PRIMARY KEY, balance INTEGER)", "INSERT INTO acct VALUES (1, 100)");
    long before = seq();
    exec("UPDATE acct SET balance = 150 WHERE id = 1");
    TableData t = engine.materializer().catalog().resolve("acct", before).orElseThrow();
    List<LogRecord> records = new ArrayList<>(logRecords());
    TransactionRecord stale = Schemas.transaction("stale").setStartSeq(before)
        .setValidation(CommitValidation.newBuilder().build())
        .setEvents(List.of(Schemas.row(RowOp.UPDATE, t.tableId()).setRow(List.of(1, 40)).build()))
        .build();
    records.add(new LogRecord(records.size(), System.currentTimeMillis(), null, new TransactionCodec().encode(stale),
        List.of()));
    TransactionRecord fresh = Schemas.transaction("fresh").setStartSeq(records.size() - 1)
        .setValidation(CommitValidation.newBuilder().build())
        .setEvents(List.of(Schemas.row(RowOp.UPDATE, t.tableId()).setRow(List.of(1, 175)).build()))
        .build();
    records.add(new LogRecord(records.size(), System.currentTimeMillis(), null, new TransactionCodec().encode(fresh),
        List.of()));
    try (TopologyTestDriver d = driver((seq, m) -> { })) {
      pipe(d, records);
      assertThat(events(d, "shop.acct.changes")).extracting(e -> e.substring(e.lastIndexOf(' ') + 1))
          .containsExactly("{\"id\":1,\"balance\":100}", "{\"id\":1,\"balance\":150}", "{\"id\":1,\"balance\":175}");
    }
  }

  /**
   * Started in the middle of the log (a restart after a committed offset), the processor first
   * rebuilds the state before that record from the log and emits only what follows.
   */
  @Test
  void aProcessorResumingMidLogRebuildsTheStateFirst() {
    exec("CREATE TABLE kv (k INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO kv VALUES (1, 'a')",
        "ALTER TABLE kv ADD COLUMN w INTEGER", "UPDATE kv SET v = 'b', w = 2 WHERE k = 1");
    List<LogRecord> records = logRecords();
    long resumeAt = records.size() - 1;
    List<Long> rebuilt = new ArrayList<>();
    LogReplay replay = (seq, m) -> {
      rebuilt.add(seq);
      TransactionCodec codec = new TransactionCodec();
      records.stream().filter(r -> r.seq() < seq).forEach(r -> m.apply(r.seq(), r.timestampMs(),
          codec.decode(r.value())));
    };
    ChangeFeedProcessor p = new ChangeFeedProcessor(LOG, replay, ChangeTopics.NONE);
    MockProcessorContext<byte[], ChangeEvent> ctx = new MockProcessorContext<>();
    p.init(ctx);
    LogRecord last = records.get((int) resumeAt);
    ctx.setRecordMetadata(LOG, 0, resumeAt);
    p.process(new Record<>(null, last.value(), last.timestampMs()));
    assertThat(rebuilt).containsExactly(resumeAt);
    assertThat(ctx.forwarded()).singleElement().satisfies(f -> {
      assertThat(f.childName()).isEmpty();
      assertThat(f.record().value().toString())
          .isEqualTo("shop.kv.changes @" + resumeAt + " UPDATE 1 -> {\"k\":1,\"v\":\"b\",\"w\":2}");
    });
    // A revived task is initialized again and resumes from the committed offset: rebuilt again.
    p.init(ctx);
    ctx.resetForwards();
    p.process(new Record<>(null, last.value(), last.timestampMs()));
    assertThat(rebuilt).containsExactly(resumeAt, resumeAt);
    assertThat(ctx.forwarded()).hasSize(1);
  }

  @Test
  void topicNamesEscapeWhatKafkaWouldRefuseAndStayDistinct() {
    assertThat(ChangeTopicName.of("db", "users")).isEqualTo("db.users.changes");
    assertThat(ChangeTopicName.of("db", "Users")).isEqualTo("db.Users.changes");
    assertThat(ChangeTopicName.of("db", "a.b")).isEqualTo("db.a-2eb.changes");
    assertThat(ChangeTopicName.of("db", "a-2eb")).isEqualTo("db.a-2d2eb.changes");
    assertThat(ChangeTopicName.of("db", "caf\u00e9")).isEqualTo("db.caf-c3-a9.changes");
    char[] longName = new char[300];
    Arrays.fill(longName, 'x');
    String a = ChangeTopicName.of("db", new String(longName));
    longName[299] = 'y';
    String b = ChangeTopicName.of("db", new String(longName));
    assertThat(a).hasSize(ChangeTopicName.MAX_TOPIC_LENGTH).endsWith(".changes").contains("--").isNotEqualTo(b);
    assertThat(b).hasSize(ChangeTopicName.MAX_TOPIC_LENGTH);
  }

  /** The rebuild waits for a record: only then is the position known. */
  @Test
  void initAloneReadsNothing() {
    List<Long> rebuilt = new ArrayList<>();
    ChangeFeedProcessor p = new ChangeFeedProcessor(LOG, (seq, m) -> rebuilt.add(seq), ChangeTopics.NONE);
    p.init(new MockProcessorContext<>());
    assertThat(rebuilt).isEmpty();
  }
}
