package io.driftdb.sql.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance 6a: an unmodified KafkaProducer appends rows; its offsets are SEQs. */
class KafkaProducerToTableTest {
  @TempDir
  Path dir;
  private KafkaDb db;

  @BeforeEach
  void open() {
    db = new KafkaDb(dir);
    db.exec("CREATE TABLE users (id VARCHAR PRIMARY KEY, name VARCHAR, age INT, active BOOLEAN DEFAULT true, "
        + "joined TIMESTAMP)");
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void eachSendIsOneTransactionAndAsOfTheReturnedOffsetShowsTheStateInBetween() throws Exception {
    long o1;
    long o2;
    long o3;
    long o4;
    try (KafkaProducer<String, String> p = db.producer()) {
      o1 = p.send(new ProducerRecord<>("users", "u1", "{\"name\": \"Alice\", \"age\": 30}")).get().offset();
      o2 = p.send(new ProducerRecord<>("users", "\"u1\"", "{\"name\": \"Alice B\", \"age\": 31, "
          + "\"joined\": \"2025-03-01 10:00:00\"}")).get().offset();
      o3 = p.send(new ProducerRecord<>("users", "{\"id\": \"u2\"}", "{\"name\": \"Bob\", \"active\": false}")).get()
          .offset();
      o4 = p.send(new ProducerRecord<>("users", "u1", null)).get().offset(); // tombstone
    }
    assertThat(List.of(o1, o2, o3, o4)).isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
    assertThat(o4).as("the last offset is the head SEQ").isEqualTo(db.headSeq());

    assertThat(db.rows("SELECT id, name, age, active FROM users ORDER BY id")).containsExactly("u2|Bob|null|false");
    assertThat(db.rows("SELECT id, name, age, active, joined FROM users AS OF @SEQ:" + o1))
        .containsExactly("u1|Alice|30|true|null");
    assertThat(db.rows("SELECT id, name, age, joined FROM users AS OF @SEQ:" + o2))
        .containsExactly("u1|Alice B|31|2025-03-01T10:00");
    assertThat(db.rows("SELECT id, name FROM users AS OF @SEQ:" + o3 + " ORDER BY id"))
        .containsExactly("u1|Alice B", "u2|Bob");
    assertThat(db.rows("SELECT id FROM users AS OF @SEQ:" + o4)).containsExactly("u2");
    // Every row version carries the SEQ the producer was told.
    assertThat(db.rows("SELECT _seq_from, _op FROM users FOR SYSTEM_TIME ALL WHERE id = 'u1' ORDER BY _seq_from"))
        .containsExactly(o1 + "|INSERT", o2 + "|UPDATE", o4 + "|DELETE");
  }

  @Test
  void theRecordsOfOneProduceBatchAreOneTransaction() throws Exception {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try (KafkaProducer<String, String> p = db.producer(ProducerConfig.LINGER_MS_CONFIG, 200,
        ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20)) {
      for (int i = 0; i < 200; i++) {
        sent.add(p.send(new ProducerRecord<>("users", "b" + i, "{\"name\": \"n" + i + "\", \"age\": " + i + "}")));
      }
      p.flush();
    }
    Map<String, Long> offsetOf = new HashMap<>();
    for (int i = 0; i < sent.size(); i++) {
      offsetOf.put("b" + i, sent.get(i).get().offset());
    }
    List<String> rows = db.rows("SELECT id, _seq_from FROM users");
    assertThat(rows).hasSize(200);
    Map<Long, Integer> rowsPerSeq = new HashMap<>();
    for (String r : rows) {
      String[] f = r.split("\\|");
      long seq = Long.parseLong(f[1]);
      // Kafka numbers the records of a batch baseOffset..baseOffset+n-1; the base is the SEQ.
      assertThat(offsetOf.get(f[0]) - seq).isBetween(0L, 199L);
      rowsPerSeq.merge(seq, 1, Integer::sum);
    }
    assertThat(rowsPerSeq.size()).as("200 records in far fewer transactions").isLessThan(20);
    rowsPerSeq.forEach((seq, n) -> assertThat(offsetOf.values()).as("offsets of the batch at SEQ " + seq)
        .filteredOn(o -> o >= seq && o < seq + n).hasSize(n));
  }

  @Test
  void keysInEveryFormAndRowsReplacedWhole() throws Exception {
    db.exec("CREATE TABLE pairs (a INT, b VARCHAR, v DOUBLE PRECISION, doc JSONB, PRIMARY KEY (a, b))");
    try (KafkaProducer<String, String> p = db.producer()) {
      p.send(new ProducerRecord<>("pairs", "{\"a\": 1, \"b\": \"x\"}", "{\"v\": 1.5, \"doc\": {\"k\": [1, 2]}}")).get();
      p.send(new ProducerRecord<>("pairs", "[2, \"y\"]", "{\"v\": 2}")).get();
      p.send(new ProducerRecord<>("pairs", null, "{\"a\": 3, \"b\": \"z\", \"v\": 3}")).get();
      // A later record for the same key replaces the row: the unmentioned column becomes NULL.
      p.send(new ProducerRecord<>("pairs", "{\"A\": 1, \"B\": \"x\"}", "{\"v\": 9}")).get();
      p.send(new ProducerRecord<>("users", "7", "{\"name\": \"seven\"}")).get();
    }
    assertThat(db.rows("SELECT a, b, v, doc FROM pairs ORDER BY a"))
        .containsExactly("1|x|9.0|null", "2|y|2.0|null", "3|z|3.0|null");
    assertThat(db.rows("SELECT doc FROM pairs FOR SYSTEM_TIME ALL WHERE a = 1 AND doc IS NOT NULL"))
        .containsExactly("{\"k\":[1,2]}");
    assertThat(db.rows("SELECT id, name FROM users")).containsExactly("7|seven");
  }

  @Test
  void concurrentProducersOnTheSameKeysAreSerializedNotLost() throws Exception {
    List<Long> offsets = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 3; t++) {
      int id = t;
      threads.add(new Thread(() -> {
        try (KafkaProducer<String, String> p = db.producer()) {
          for (int i = 0; i < 20; i++) {
            offsets.add(p.send(new ProducerRecord<>("users", "k" + (i % 4),
                "{\"name\": \"t" + id + "-" + i + "\", \"age\": " + i + "}")).get().offset());
          }
        } catch (Exception e) {
          errors.add(e);
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(120_000);
    }
    assertThat(errors).isEmpty();
    assertThat(offsets).hasSize(60).doesNotHaveDuplicates();
    assertThat(db.rows("SELECT count(*) FROM users")).containsExactly("4");
    assertThat(db.rows("SELECT count(*) FROM users FOR SYSTEM_TIME ALL")).containsExactly("60");
  }

  @Test
  void oneProducersPipelinedBatchesLandInSendOrder() throws Exception {
    // Small batches and 5 requests in flight: the gateway submits a connection's next batches
    // while the first waits for its fsync. Half the records rewrite 10 hot keys, so later
    // batches also conflict with earlier ones still in flight and must wait, not overtake.
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try (KafkaProducer<String, String> p = db.producer(ProducerConfig.BATCH_SIZE_CONFIG, 400,
        ProducerConfig.LINGER_MS_CONFIG, 0, "max.in.flight.requests.per.connection", 5)) {
      for (int i = 0; i < 1000; i++) {
        String key = i % 2 == 0 ? "hot" + (i % 20) : "cold" + i;
        sent.add(p.send(new ProducerRecord<>("users", key, "{\"age\": " + i + "}")));
      }
      p.flush();
    }
    // A record's offset is its batch's SEQ plus its index in the batch, so offsets of
    // consecutive batches overlap; the SEQs of the transactions follow the send order.
    Map<String, Long> seqOf = new HashMap<>();
    for (String r : db.rows("SELECT id, _seq_from FROM users WHERE id LIKE 'cold%'")) {
      seqOf.put(r.split("\\|")[0], Long.parseLong(r.split("\\|")[1]));
    }
    long last = -1;
    for (int i = 1; i < 1000; i += 2) {
      long seq = seqOf.get("cold" + i);
      assertThat(seq).as("the transaction of record " + i).isGreaterThanOrEqualTo(last);
      assertThat(sent.get(i).get().offset() - seq).isBetween(0L, 999L);
      last = seq;
    }
    assertThat(new java.util.HashSet<>(seqOf.values()).size()).as("several batches").isGreaterThan(5);
    assertThat(db.rows("SELECT count(*) FROM users")).containsExactly("510");
    // The last write of each hot key wins: hotN was last written by record 980 + N.
    assertThat(db.rows("SELECT id, age FROM users WHERE id LIKE 'hot%' ORDER BY age"))
        .hasSize(10).allSatisfy(r -> assertThat(Integer.parseInt(r.split("\\|")[1])).isGreaterThanOrEqualTo(980));
    for (int i = 980; i < 1000; i += 2) {
      assertThat(db.rows("SELECT age FROM users WHERE id = 'hot" + (i % 20) + "'")).containsExactly(Integer.toString(i));
    }
  }
}
