package io.driftdb.log.cluster;

import io.driftdb.log.LogRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

/** Tails a shared log: one consumer assigned to its only partition, no consumer group. */
final class KafkaLogFollower implements LogFollower {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaTopicLog log;

  KafkaLogFollower(KafkaConsumer<byte[], byte[]> consumer, KafkaTopicLog log) {
    this.consumer = consumer;
    this.log = log;
  }

  @Override
  public List<LogRecord> poll(Duration wait) {
    List<LogRecord> out = new ArrayList<>();
    try {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(wait)) {
        out.add(KafkaTopicLog.toLogRecord(r));
        log.observed(r.offset());
      }
    } catch (WakeupException e) {
      // close() or wakeup() asked the poll to return
    }
    return out;
  }

  @Override
  public void wakeup() {
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
