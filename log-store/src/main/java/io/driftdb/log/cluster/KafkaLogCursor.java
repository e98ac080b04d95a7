package io.driftdb.log.cluster;

import io.driftdb.log.LogCursor;
import io.driftdb.log.LogRecord;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.NoSuchElementException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads a shared log from a SEQ up to the end it had when the cursor was opened. */
final class KafkaLogCursor implements LogCursor {
  private static final Duration STALL = Duration.ofSeconds(60);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final TopicPartition partition;
  private final long end;
  private final KafkaTopicLog log;
  private final ArrayDeque<LogRecord> buffer = new ArrayDeque<>();
  private long nextSeq;

  KafkaLogCursor(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long end, KafkaTopicLog log) {
    this.consumer = consumer;
    this.partition = partition;
    this.end = end;
    this.log = log;
    this.nextSeq = consumer.position(partition);
  }

  @Override
  public boolean hasNext() {
    long deadline = System.nanoTime() + STALL.toNanos();
    while (buffer.isEmpty() && nextSeq < end) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200)).records(partition)) {
        if (r.offset() < end) {
          buffer.add(KafkaTopicLog.toLogRecord(r));
          log.observed(r.offset());
        }
        nextSeq = r.offset() + 1;
        deadline = System.nanoTime() + STALL.toNanos();
      }
      if (System.nanoTime() > deadline) {
        throw new UncheckedIOException(new java.io.IOException("reading " + log.address() + " stalled at SEQ "
            + nextSeq + " (end " + end + "): no data from Kafka for " + STALL.toSeconds() + " s"));
      }
    }
    return !buffer.isEmpty();
  }

  @Override
  public LogRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return buffer.poll();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
