package io.driftdb.sql.kafka;

import io.driftdb.log.kafka.GatewayConfig;
import io.driftdb.log.kafka.KafkaGateway;
import io.driftdb.sql.QueryResult;
import io.driftdb.sql.SessionInfo;
import io.driftdb.sql.SqlSession;
import io.driftdb.sql.engine.DriftEngine;
import io.driftdb.sql.engine.EngineConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** A DriftDB engine with a Kafka gateway on an ephemeral port, plus SQL and client helpers. */
final class KafkaDb implements AutoCloseable {
  final DriftEngine engine;
  final KafkaGateway gateway;
  private final SqlSession session;

  KafkaDb(Path dir) {
    this(dir, io.driftdb.sql.EngineListener.NONE);
  }

  KafkaDb(Path dir, io.driftdb.sql.EngineListener listener) {
    this(dir, GatewayConfig.of("127.0.0.1", 0).withOffsetsFile(dir.resolve("kafka").resolve("group-offsets")), listener);
  }

  KafkaDb(Path dir, GatewayConfig config) {
    this(dir, config, io.driftdb.sql.EngineListener.NONE);
  }

  private KafkaDb(Path dir, GatewayConfig config, io.driftdb.sql.EngineListener listener) {
    engine = DriftEngine.open(EngineConfig.of(dir).withListener(listener));
    gateway = TableTopicBackend.startGateway(engine, config);
    session = engine.openSession(SessionInfo.local("kafka-test"));
  }

  String bootstrap() {
    return "127.0.0.1:" + gateway.address().getPort();
  }

  long headSeq() {
    return engine.stats().headSeq();
  }

  QueryResult exec(String sql, Object... params) {
    return session.execute(sql, Arrays.asList(params));
  }

  /** Rows rendered as "a|b|c". */
  List<String> rows(String sql, Object... params) {
    List<String> out = new ArrayList<>();
    for (Object[] row : exec(sql, params).rows()) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        b.append(i == 0 ? "" : "|").append(row[i]);
      }
      out.add(b.toString());
    }
    return out;
  }

  /** An idempotent, acks=all, zstd producer: the configuration the acceptance test names. */
  KafkaProducer<String, String> producer(Object... extra) {
    return new KafkaProducer<>(producerConfig(extra), new StringSerializer(), new StringSerializer());
  }

  /** The same producer with String keys and raw byte values (Avro single-object encoded rows). */
  KafkaProducer<String, byte[]> bytesProducer() {
    return new KafkaProducer<>(producerConfig(), new StringSerializer(),
        new org.apache.kafka.common.serialization.ByteArraySerializer());
  }

  private Properties producerConfig(Object... extra) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
    for (int i = 0; i < extra.length; i += 2) {
      p.put(extra[i], extra[i + 1]);
    }
    return p;
  }

  KafkaConsumer<String, String> consumer(String group) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 200);
    return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
  }

  @Override
  public void close() {
    gateway.close();
    session.close();
    engine.close();
  }
}
