package io.driftdb.sql.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stock Kafka clients against the gateway, where it used to differ from a Kafka broker. */
class KafkaBrokerParityTest {
  private static final TopicPartition ITEMS = new TopicPartition("items", 0);
  @TempDir
  Path dir;
  private KafkaDb db;

  @BeforeEach
  void open() {
    db = new KafkaDb(dir);
    db.exec("CREATE TABLE items (id INT PRIMARY KEY, name TEXT)");
  }

  @AfterEach
  void close() {
    db.close();
  }

  private KafkaConsumer<String, String> assignedConsumer() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, db.bootstrap());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    c.assign(List.of(ITEMS));
    c.seekToBeginning(List.of(ITEMS));
    return c;
  }

  /**
   * A text primary key is the record key as sent, even when that text also reads as a JSON
   * number: "12e4" (a hex id, say) must not become the row "1.2E+5", nor "1.50" the row "1.5".
   */
  @Test
  void aTextKeyThatLooksLikeAJsonNumberIsKeptAsSent() throws Exception {
    db.exec("CREATE TABLE codes (id TEXT PRIMARY KEY, v INT)");
    try (KafkaProducer<String, String> p = db.producer()) {
      for (String key : new String[] {"12e4", "1.50", "-0", "1E3"}) {
        p.send(new ProducerRecord<>("codes", key, "{\"v\": 1}")).get();
      }
      // The key and a key column in the value agree: accepted (it used to be refused with
      // "the key says id = 7E+1 but the value has id = 7e1").
      p.send(new ProducerRecord<>("codes", "7e1", "{\"id\": \"7e1\", \"v\": 2}")).get();
      // Numeric keys of numeric columns still read as numbers.
      p.send(new ProducerRecord<>("items", "1e1", "{\"name\": \"ten\"}")).get();
    }
    assertThat(db.rows("SELECT id FROM codes ORDER BY id")).containsExactly("-0", "1.50", "12e4", "1E3", "7e1");
    assertThat(db.rows("SELECT id, name FROM items")).containsExactly("10|ten");
  }

  /**
   * ListOffsets with the max-timestamp spec (-3, KIP-734) answers, as Kafka does, the first
   * offset that has the largest timestamp: the events of one transaction share its commit time.
   */
  @Test
  void maxTimestampIsTheFirstEventWithTheLargestTimestamp() throws Exception {
    db.exec("INSERT INTO items VALUES (1, 'a')");
    long firstTime = db.engine.materializer().timeline().timestampOf(db.headSeq());
    while (System.currentTimeMillis() <= firstTime) {
      Thread.sleep(1); // the next commit gets a later timestamp (in the same millisecond, event 0 would be the answer)
    }
    db.exec("INSERT INTO items VALUES (2, 'b'), (3, 'c'), (4, 'd')"); // events 1, 2, 3: one commit time
    long commitTime = db.engine.materializer().timeline().timestampOf(db.headSeq());
    Properties ap = new Properties();
    ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, db.bootstrap());
    try (Admin a = Admin.create(ap)) {
      ListOffsetsResultInfo max = a.listOffsets(Map.of(ITEMS, OffsetSpec.maxTimestamp())).partitionResult(ITEMS).get();
      assertThat(max.timestamp()).isEqualTo(commitTime);
      assertThat(max.offset()).isEqualTo(1);
    }
  }

  /**
   * ListOffsets -5 (latest tiered, KIP-1005) on a topic without tiered storage is offset -1 on a
   * Kafka broker, not the end of the log: nothing was tiered; -4 (earliest local) is the start.
   */
  @Test
  void latestTieredIsMinusOneWithoutTieredStorage() throws Exception {
    db.exec("INSERT INTO items VALUES (1, 'a'), (2, 'b')");
    Properties ap = new Properties();
    ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, db.bootstrap());
    try (Admin a = Admin.create(ap)) {
      assertThat(a.listOffsets(Map.of(ITEMS, OffsetSpec.latestTiered())).partitionResult(ITEMS).get().offset())
          .isEqualTo(-1);
      assertThat(a.listOffsets(Map.of(ITEMS, OffsetSpec.earliestLocal())).partitionResult(ITEMS).get().offset())
          .isEqualTo(0);
      assertThat(a.listOffsets(Map.of(ITEMS, OffsetSpec.latest())).partitionResult(ITEMS).get().offset())
          .isEqualTo(2);
    }
  }

  /**
   * DELETE HISTORY removes the change events of deleted rows; their offsets become gaps. A
   * consumer must still reach the high watermark (as over records compaction removed from a
   * Kafka log), not stay before the trailing gap with a lag that never goes away.
   */
  @Test
  void aConsumerMovesPastTheGapsDeleteHistoryLeavesAtTheEnd() throws Exception {
    db.exec("INSERT INTO items VALUES (1, 'kept')");
    db.exec("INSERT INTO items VALUES (2, 'gone')");
    db.exec("DELETE FROM items WHERE id = 2");
    db.exec("DELETE HISTORY FROM items"); // offsets 1 (INSERT 2) and 2 (DELETE 2) now have no event
    try (KafkaConsumer<String, String> c = assignedConsumer()) {
      List<ConsumerRecord<String, String>> got = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 20_000;
      while (System.currentTimeMillis() < deadline && c.position(ITEMS) < 3) {
        c.poll(Duration.ofMillis(100)).forEach(got::add);
      }
      assertThat(got).extracting(ConsumerRecord::offset).containsExactly(0L);
      assertThat(c.endOffsets(List.of(ITEMS))).containsEntry(ITEMS, 3L);
      assertThat(c.position(ITEMS)).as("the consumer reached the high watermark").isEqualTo(3);

      // Only gaps before the next event: it is still delivered, at its own offset.
      db.exec("INSERT INTO items VALUES (5, 'next')");
      got.clear();
      deadline = System.currentTimeMillis() + 20_000;
      while (System.currentTimeMillis() < deadline && got.isEmpty()) {
        c.poll(Duration.ofMillis(100)).forEach(got::add);
      }
      assertThat(got).extracting(r -> r.offset() + " " + r.key() + " "
          + new String(r.headers().lastHeader("driftdb.op").value(), StandardCharsets.UTF_8))
          .containsExactly("3 5 INSERT");
    }
    // A consumer that starts inside the gap moves past it too.
    try (KafkaConsumer<String, String> c = assignedConsumer()) {
      c.seek(ITEMS, 1);
      List<ConsumerRecord<String, String>> got = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 20_000;
      while (System.currentTimeMillis() < deadline && got.isEmpty()) {
        c.poll(Duration.ofMillis(100)).forEach(got::add);
      }
      assertThat(got).extracting(ConsumerRecord::offset).containsExactly(3L);
      assertThat(c.position(ITEMS)).isEqualTo(4);
    }
  }
}
