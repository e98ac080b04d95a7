package io.driftdb.log.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Unmodified Kafka Java clients against the gateway over an in-memory backend. */
class KafkaGatewayClientTest {
  private static final TopicPartition USERS = new TopicPartition("users", 0);
  private MemoryTopicBackend backend;
  private KafkaGateway gateway;

  @BeforeEach
  void start() {
    backend = new MemoryTopicBackend("users");
    gateway = KafkaGateway.start(GatewayConfig.of("127.0.0.1", 0), backend);
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  private String bootstrap() {
    return "127.0.0.1:" + gateway.address().getPort();
  }

  private KafkaProducer<String, String> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  private KafkaConsumer<String, String> consumer(String group) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    if (group != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    }
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 7);
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 300);
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
  }

  @Test
  void producerAppendsAndAnAssignedConsumerReadsBack() throws Exception {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try (KafkaProducer<String, String> producer = producer()) {
      for (int i = 0; i < 50; i++) {
        sent.add(producer.send(new ProducerRecord<>("users", "k" + i, "v" + i)));
      }
      producer.flush();
    }
    // The producer sees base offset + index in batch; the base is the backend's "SEQ" (from 100,
    // one per append). So offsets of later batches may repeat numbers of earlier ones.
    assertThat(sent.get(0).get().offset()).isEqualTo(100);
    for (Future<RecordMetadata> f : sent) {
      assertThat(f.get().offset()).isBetween(100L, 100L + 50 + 50);
    }
    assertThat(backend.eventCount("users")).isEqualTo(50);
    try (KafkaConsumer<String, String> c = consumer(null)) {
      c.assign(List.of(USERS));
      c.seekToBeginning(List.of(USERS));
      List<ConsumerRecord<String, String>> got = poll(c, 50);
      for (int i = 0; i < 50; i++) {
        assertThat(got.get(i).offset()).isEqualTo(i);
        assertThat(got.get(i).key()).isEqualTo("k" + i);
        assertThat(got.get(i).value()).isEqualTo("v" + i);
      }
      assertThat(c.endOffsets(List.of(USERS))).containsEntry(USERS, 50L);
    }
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

  /** Tracks which partitions a group member holds. */
  private static final class Holder implements ConsumerRebalanceListener {
    volatile Set<TopicPartition> held = Set.of();
    volatile int assignments;

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      held = Set.of();
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      held = Set.copyOf(partitions);
      assignments++;
    }
  }

  @Test
  void aGroupRebalancesBetweenMembersAndResumesFromTheCommittedOffset() throws Exception {
    try (KafkaProducer<String, String> producer = producer()) {
      for (int i = 0; i < 20; i++) {
        producer.send(new ProducerRecord<>("users", "k" + i, "v" + i));
      }
      producer.flush();
    }
    Holder h1 = new Holder();
    Holder h2 = new Holder();
    try (KafkaConsumer<String, String> c1 = consumer("g"); KafkaConsumer<String, String> c2 = consumer("g")) {
      c1.subscribe(List.of("users"), h1);
      List<ConsumerRecord<String, String>> first = poll(c1, 7);
      assertThat(first.get(0).offset()).isZero();
      c1.commitSync(Map.of(USERS, new OffsetAndMetadata(7)));

      // A second member joins: both rebalance, and the single partition ends up with exactly one.
      c2.subscribe(List.of("users"), h2);
      long deadline = System.currentTimeMillis() + 60_000;
      while (System.currentTimeMillis() < deadline && (h1.assignments < 2 || h2.assignments < 1)) {
        c1.poll(Duration.ofMillis(100));
        c2.poll(Duration.ofMillis(100));
      }
      assertThat(h1.assignments).as("the first member went through a second rebalance").isGreaterThanOrEqualTo(2);
      assertThat(h2.assignments).as("the second member joined").isGreaterThanOrEqualTo(1);
      assertThat(h1.held.size() + h2.held.size()).as("the one partition has exactly one owner").isEqualTo(1);
    }
    // Both left; a new member resumes at the committed offset 7, not at the beginning.
    try (KafkaConsumer<String, String> c3 = consumer("g")) {
      c3.subscribe(List.of("users"));
      List<ConsumerRecord<String, String>> rest = poll(c3, 7);
      assertThat(rest.get(0).offset()).isEqualTo(7);
      assertThat(rest.get(0).value()).isEqualTo("v7");
    }
  }
}
