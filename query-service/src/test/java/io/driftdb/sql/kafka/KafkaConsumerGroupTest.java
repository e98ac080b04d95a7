package io.driftdb.sql.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance 6a: a KafkaConsumer in a classic group reads a table's change events and resumes. */
class KafkaConsumerGroupTest {
  private static final TopicPartition ITEMS = new TopicPartition("items", 0);
  @TempDir
  Path dir;
  private KafkaDb db;

  @BeforeEach
  void open() {
    db = new KafkaDb(dir);
    db.exec("CREATE TABLE items (id INT PRIMARY KEY, name TEXT, price NUMERIC(10,2), made DATE)");
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static List<ConsumerRecord<String, String>> poll(KafkaConsumer<String, String> c, int n) {
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 60_000;
    while (out.size() < n && System.currentTimeMillis() < deadline) {
      c.poll(Duration.ofMillis(200)).forEach(out::add);
    }
    assertThat(out).hasSize(n);
    return out;
  }

  private static String header(ConsumerRecord<String, String> r, String key) {
    return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
  }

  private static String describe(ConsumerRecord<String, String> r) {
    return r.offset() + " " + header(r, "driftdb.op") + " " + r.key() + " " + r.value();
  }

  @Test
  void changeEventsInCommitOrderThenResumeFromTheCommittedOffsetAfterARestart() throws Exception {
    db.exec("BEGIN");
    db.exec("INSERT INTO items VALUES (1, 'apple', 1.50, DATE '2025-01-02'), (2, 'pear', 2.00, NULL)");
    db.exec("INSERT INTO items VALUES (3, 'plum', 0.99, NULL)");
    db.exec("COMMIT");
    long seq1 = db.headSeq();
    db.exec("UPDATE items SET price = 1.75 WHERE id = 1");
    long seq2 = db.headSeq();
    db.exec("DELETE FROM items WHERE id = 2");
    long seq3 = db.headSeq();

    List<ConsumerRecord<String, String>> first;
    try (KafkaConsumer<String, String> c = db.consumer("reporting")) {
      c.subscribe(List.of("items"));
      first = poll(c, 5);
      c.commitSync();
    }
    assertThat(first).extracting(KafkaConsumerGroupTest::describe).containsExactly(
        "0 INSERT 1 {\"id\":1,\"name\":\"apple\",\"price\":1.50,\"made\":\"2025-01-02\"}",
        "1 INSERT 2 {\"id\":2,\"name\":\"pear\",\"price\":2.00,\"made\":null}",
        "2 INSERT 3 {\"id\":3,\"name\":\"plum\",\"price\":0.99,\"made\":null}",
        "3 UPDATE 1 {\"id\":1,\"name\":\"apple\",\"price\":1.75,\"made\":\"2025-01-02\"}",
        "4 DELETE 2 null");
    assertThat(first).extracting(r -> Long.parseLong(header(r, "driftdb.seq")))
        .containsExactly(seq1, seq1, seq1, seq2, seq3);
    long commitTime = db.engine.materializer().timeline().timestampOf(seq2);
    assertThat(first.get(3).timestamp()).as("event time = commit time").isEqualTo(commitTime);

    // More changes while no consumer runs, one of them through the gateway itself.
    db.exec("INSERT INTO items VALUES (4, 'fig', 3.10, NULL)");
    try (var p = db.producer()) {
      p.send(new org.apache.kafka.clients.producer.ProducerRecord<>("items", "5", "{\"name\": \"kiwi\"}")).get();
    }

    // A restarted consumer in the same group continues at the committed offset 5.
    try (KafkaConsumer<String, String> c = db.consumer("reporting")) {
      c.subscribe(List.of("items"));
      List<ConsumerRecord<String, String>> next = poll(c, 2);
      assertThat(next).extracting(KafkaConsumerGroupTest::describe).containsExactly(
          "5 INSERT 4 {\"id\":4,\"name\":\"fig\",\"price\":3.10,\"made\":null}",
          "6 INSERT 5 {\"id\":5,\"name\":\"kiwi\",\"price\":null,\"made\":null}");
      c.commitSync();
      assertThat(c.committed(java.util.Set.of(ITEMS))).containsKey(ITEMS);
      assertThat(c.committed(java.util.Set.of(ITEMS)).get(ITEMS).offset()).isEqualTo(7);

      // ListOffsets by timestamp: the first event committed at or after the UPDATE's time.
      Map<TopicPartition, OffsetAndTimestamp> byTime = c.offsetsForTimes(Map.of(ITEMS, commitTime));
      assertThat(byTime.get(ITEMS).offset()).isEqualTo(3);
      assertThat(c.endOffsets(List.of(ITEMS))).containsEntry(ITEMS, 7L);
      assertThat(c.beginningOffsets(List.of(ITEMS))).containsEntry(ITEMS, 0L);
    }
    // Offsets are derived from the log, so they are the same after an engine restart, and the
    // group's committed offset was kept on disk: it resumes at 7.
    db.close();
    db = new KafkaDb(dir);
    db.exec("INSERT INTO items VALUES (6, 'date', 4.00, NULL)");
    try (KafkaConsumer<String, String> c = db.consumer("reporting")) {
      c.subscribe(List.of("items"));
      assertThat(poll(c, 1)).extracting(KafkaConsumerGroupTest::describe).containsExactly(
          "7 INSERT 6 {\"id\":6,\"name\":\"date\",\"price\":4.00,\"made\":null}");
    }
    try (KafkaConsumer<String, String> c = db.consumer("fresh-group")) {
      c.subscribe(List.of("items"));
      assertThat(poll(c, 8)).extracting(KafkaConsumerGroupTest::describe).startsWith(
          "0 INSERT 1 {\"id\":1,\"name\":\"apple\",\"price\":1.50,\"made\":\"2025-01-02\"}");
    }
  }
}
