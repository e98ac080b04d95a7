package io.driftdb.log.cluster;

import io.driftdb.log.Appended;
import io.driftdb.log.FlushStats;
import io.driftdb.log.LogCursor;
import io.driftdb.log.LogListener;
import io.driftdb.log.LogRecord;
import io.driftdb.log.RecordHeader;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of cluster mode: a single-partition Kafka topic written with an idempotent producer
 * (acks=all), so the broker orders the transactions of every node and its offsets are the SEQs.
 * An append is durable once the in-sync replicas have it. The topic is created on first use
 * with infinite retention and broker-assigned timestamps; an existing topic must have exactly
 * one partition.
 */
public final class KafkaTopicLog implements SharedLog {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaTopicLog.class);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaLogAddress address;
  private final TopicPartition partition;
  private final Map<String, Object> clientProps;
  private final LogListener listener;
  private final KafkaProducer<byte[], byte[]> producer;
  private final AtomicLong head = new AtomicLong(-1);
  private final long startSeq;
  private volatile Throwable failure;
  private volatile boolean closed;

  private KafkaTopicLog(KafkaLogAddress address, Map<String, Object> clientProps, String compression,
                        LogListener listener, long startSeq, long headSeq) {
    this.address = address;
    this.partition = new TopicPartition(address.topic(), 0);
    this.clientProps = clientProps;
    this.listener = listener;
    this.startSeq = startSeq;
    this.head.set(headSeq);
    Map<String, Object> p = new HashMap<>(clientProps);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    this.producer = new KafkaProducer<>(p);
  }

  /**
   * Connects to the topic, creating it when missing.
   *
   * @param extraClientProps client settings for producer, consumers and admin (security, timeouts)
   * @param compression producer compression: {@code none} or {@code zstd}
   */
  public static KafkaTopicLog open(KafkaLogAddress address, Map<String, Object> extraClientProps, String compression,
                                   LogListener listener) throws IOException {
    Map<String, Object> base = new HashMap<>(extraClientProps);
    base.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address.bootstrapServers());
    try (Admin admin = Admin.create(adminProps(base))) {
      ensureTopic(admin, address.topic());
      TopicPartition tp = new TopicPartition(address.topic(), 0);
      long start = admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp)
          .get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).offset();
      long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp)
          .get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).offset();
      LOG.info("shared log {}: records {}..{}", address, start, end - 1);
      return new KafkaTopicLog(address, base, compression, listener, start, end - 1);
    } catch (ExecutionException e) {
      throw new IOException("cannot open the shared log " + address + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("cannot open the shared log " + address + ": Kafka did not answer within "
          + ADMIN_TIMEOUT.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while opening " + address, e);
    }
  }

  private static Map<String, Object> adminProps(Map<String, Object> base) {
    Map<String, Object> p = new HashMap<>(base);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
    return p;
  }

  private static void ensureTopic(Admin admin, String topic) throws ExecutionException, InterruptedException,
      TimeoutException, IOException {
    TopicDescription d = describe(admin, topic);
    if (d == null) {
      int brokers = admin.describeCluster().nodes().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).size();
      short replication = (short) Math.min(3, brokers);
      NewTopic t = new NewTopic(topic, 1, replication).configs(Map.of(
          "retention.ms", "-1",
          "retention.bytes", "-1",
          "cleanup.policy", "delete",
          "message.timestamp.type", "LogAppendTime",
          "min.insync.replicas", String.valueOf(Math.min(2, replication))));
      try {
        admin.createTopics(List.of(t)).all().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        LOG.info("created the shared log topic {} (replication factor {})", topic, replication);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
      // A new topic reaches the brokers' metadata a moment after CreateTopics returns.
      long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
      while ((d = describe(admin, topic)) == null) {
        if (System.nanoTime() > deadline) {
          throw new IOException("topic " + topic + " was created but is not in the cluster's metadata after "
              + ADMIN_TIMEOUT.toSeconds() + " s");
        }
        Thread.sleep(100);
      }
    }
    if (d.partitions().size() != 1) {
      throw new IOException("topic " + topic + " has " + d.partitions().size()
          + " partitions; a DriftDB log is a single-partition topic");
    }
  }

  private static TopicDescription describe(Admin admin, String topic) throws InterruptedException, TimeoutException,
      ExecutionException {
    try {
      return admin.describeTopics(List.of(topic)).allTopicNames().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
          .get(topic);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return null;
      }
      throw e;
    }
  }

  public KafkaLogAddress address() {
    return address;
  }

  @Override
  public CompletableFuture<Appended> append(byte[] key, byte[] value, List<RecordHeader> headers) {
    Throwable f = failure;
    if (f != null || closed) {
      return CompletableFuture.failedFuture(new IOException("the shared log " + address + " is not writable"
          + (f == null ? " (closed)" : ": " + f.getMessage()), f));
    }
    RecordHeaders h = new RecordHeaders();
    for (RecordHeader rh : headers) {
      h.add(rh.key(), rh.value());
    }
    CompletableFuture<Appended> out = new CompletableFuture<>();
    long t0 = System.nanoTime();
    int bytes = (key == null ? 0 : key.length) + value.length;
    try {
      producer.send(new ProducerRecord<>(partition.topic(), 0, null, key, value, h), (md, e) -> {
        if (e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException) {
          // Refused as a whole, by the client or the broker: nothing was appended, the outcome is
          // known and the log is as writable as before (like LocalLog's limit).
          out.completeExceptionally(new IllegalArgumentException("record of " + bytes + " bytes is too large for "
              + address + ": " + e.getMessage(), e));
          return;
        }
        if (e != null) {
          fail(e);
          out.completeExceptionally(new IOException("append to " + address + " failed: " + e.getMessage(), e));
          return;
        }
        long seq = md.offset();
        observed(seq);
        notifyFlush(bytes, System.nanoTime() - t0);
        out.complete(new Appended(seq, md.timestamp()));
      });
    } catch (RuntimeException e) {
      fail(e);
      out.completeExceptionally(new IOException("append to " + address + " failed: " + e.getMessage(), e));
    }
    return out;
  }

  /**
   * After a failed send the outcome of the records in flight is unknown; like the local log,
   * the node stops writing until it is restarted rather than guess.
   */
  private void fail(Throwable e) {
    if (failure == null) {
      failure = e;
      LOG.error("the shared log {} failed; this node is read-only until restarted", address, e);
      try {
        listener.onFailure(e);
      } catch (RuntimeException le) {
        LOG.warn("log listener failed", le);
      }
    }
  }

  private void notifyFlush(int bytes, long ackNanos) {
    try {
      listener.onFlush(new FlushStats(1, 1, bytes, 0, true, ackNanos, head.get()));
    } catch (RuntimeException e) {
      LOG.warn("log listener failed in onFlush", e);
    }
  }

  void observed(long seq) {
    head.accumulateAndGet(seq, Math::max);
  }

  @Override
  public long headSeq() {
    return head.get();
  }

  @Override
  public long startSeq() {
    return startSeq;
  }

  @Override
  public LogCursor read(long fromSeq) {
    KafkaConsumer<byte[], byte[]> c = newConsumer("reader");
    try {
      c.assign(List.of(partition));
      long end = c.endOffsets(List.of(partition), ADMIN_TIMEOUT).get(partition);
      c.seek(partition, Math.max(fromSeq, startSeq));
      return new KafkaLogCursor(c, partition, end, this);
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  @Override
  public LogFollower follow(long fromSeq) {
    KafkaConsumer<byte[], byte[]> c = newConsumer("follower");
    c.assign(List.of(partition));
    c.seek(partition, Math.max(fromSeq, startSeq));
    return new KafkaLogFollower(c, this);
  }

  @Override
  public OptionalLong seqAtOrBefore(long timestampMs) {
    try (KafkaConsumer<byte[], byte[]> c = newConsumer("time-lookup")) {
      OffsetAndTimestamp first = c.offsetsForTimes(Map.of(partition, timestampMs + 1), ADMIN_TIMEOUT).get(partition);
      long seq = first == null ? headSeq() : first.offset() - 1;
      return seq >= startSeq ? OptionalLong.of(seq) : OptionalLong.empty();
    }
  }

  @Override
  public long timestampOf(long seq) {
    try (LogCursor c = read(seq)) {
      if (c.hasNext()) {
        LogRecord r = c.next();
        if (r.seq() == seq) {
          return r.timestampMs();
        }
      }
    }
    throw new IllegalArgumentException("SEQ " + seq + " is not in " + address);
  }

  @Override
  public boolean isWritable() {
    return failure == null && !closed;
  }

  KafkaConsumer<byte[], byte[]> newConsumer(String role) {
    Map<String, Object> p = new HashMap<>(clientProps);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "driftdb-" + role + "-" + address.topic());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return new KafkaConsumer<>(p);
  }

  static LogRecord toLogRecord(ConsumerRecord<byte[], byte[]> r) {
    List<RecordHeader> headers = new ArrayList<>();
    for (Header h : r.headers()) {
      headers.add(new RecordHeader(h.key(), h.value()));
    }
    return new LogRecord(r.offset(), r.timestamp(), r.key(), r.value(), headers);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    // Waits for the sends in flight, so every commit that was acknowledged stays acknowledged.
    producer.close(Duration.ofSeconds(30));
  }
}
