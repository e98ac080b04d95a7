package io.driftdb.sql.changefeed;

import io.driftdb.materializer.Materializer;
import io.driftdb.schemas.TransactionCodec;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the log topic from its start with a plain consumer (no group, nothing committed). */
final class KafkaLogReplay implements LogReplay {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaLogReplay.class);
  /** Give up when the broker hands out nothing for this long although records are due. */
  private static final Duration STALL = Duration.ofSeconds(60);

  private final Map<String, Object> clientProps;
  private final String topic;

  KafkaLogReplay(Map<String, Object> clientProps, String topic) {
    this.clientProps = Map.copyOf(clientProps);
    this.topic = topic;
  }

  @Override
  public void replayBefore(long seq, Materializer m) {
    if (seq <= 0) {
      return; // a new feed: nothing before the log's first record
    }
    TopicPartition tp = new TopicPartition(topic, 0);
    TransactionCodec codec = new TransactionCodec();
    long records = 0;
    long t0 = System.nanoTime();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps())) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long lastProgress = System.nanoTime();
      while (c.position(tp) < seq) {
        var batch = c.poll(Duration.ofMillis(200));
        if (batch.isEmpty() && System.nanoTime() - lastProgress > STALL.toNanos()) {
          throw new IllegalStateException("rebuilding from " + topic + ": no record after SEQ " + m.appliedSeq()
              + " within " + STALL.toSeconds() + " s, but SEQ " + seq + " exists");
        }
        for (ConsumerRecord<byte[], byte[]> r : batch.records(tp)) {
          if (r.offset() >= seq) {
            break;
          }
          m.apply(r.offset(), r.timestamp(), ChangeFeedProcessor.decode(codec, topic, r.offset(), r.value()));
          records++;
          lastProgress = System.nanoTime();
        }
      }
    }
    LOG.info("rebuilt the state before SEQ {} of {} from {} records in {} ms", seq, topic, records,
        (System.nanoTime() - t0) / 1_000_000);
  }

  private Map<String, Object> consumerProps() {
    Map<String, Object> p = new HashMap<>(clientProps);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "driftdb-changefeed-replay-" + topic);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return p;
  }
}
