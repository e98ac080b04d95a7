package io.driftdb.log.kafka;

import io.driftdb.log.RecordHeader;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the Kafka-protocol gateway serves: a set of single-partition topics that can be appended
 * to and read as a stream of change events. The gateway knows nothing else about them; the SQL
 * engine implements this with topic = table (see {@code io.driftdb.sql.kafka.TableTopicBackend}).
 *
 * <p>Two offset spaces meet here, and the gateway passes both through unchanged:
 * <ul>
 *   <li>{@link #append} returns the offset the producer sees as Kafka's {@code baseOffset}. For
 *       DriftDB that is the SEQ of the one transaction the batch became.</li>
 *   <li>{@link #fetch} returns events with their own offsets, dense and strictly increasing per
 *       topic ({@code 0 .. endOffset-1}), as every Kafka consumer requires.</li>
 * </ul>
 *
 * <p>Implementations are thread-safe. Failures are reported with {@link TopicBackendException}.
 */
public interface TopicBackend {

  /** A topic; {@code id} is stable for the topic's lifetime and becomes its Kafka topic id. */
  record TopicInfo(String name, long id) {}

  /** One record of a produce request, already decompressed. Null key or value are allowed. */
  record ProducedRecord(byte[] key, byte[] value, long timestampMs) {}

  /** Who sent a produce request (recorded as commit metadata by DriftDB). */
  record Client(String clientId, String address) {}

  /** Outcome of an append: the producer-visible offset and the commit timestamp. */
  record Appended(long offset, long timestampMs) {}

  /** An idempotent producer's batch: who sent it and its sequence range. */
  record ProducerBatch(long producerId, short epoch, int firstSeq, int lastSeq) {}

  /** A producer's batch as the backend stored it: in which topic and what it became. */
  record StoredProducerBatch(long topicId, ProducerBatch batch, Appended appended) {}

  /** One change event as consumers see it. A null value is a tombstone. */
  record ChangeEvent(long offset, long timestampMs, byte[] key, byte[] value, List<RecordHeader> headers) {

    /** Approximate encoded size, for fetch size limits. */
    public int sizeEstimate() {
      int n = 24 + (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
      for (RecordHeader h : headers) {
        n += 4 + h.key().length() + (h.value() == null ? 0 : h.value().length);
      }
      return n;
    }
  }

  /**
   * Events from a fetch plus the topic's offset range at that moment. {@code nextOffset} is where
   * the next fetch should start: past the last event, and also past offsets that have no event
   * any more (gaps, like records removed from a compacted Kafka topic) that the fetch skipped
   * after it; -1 when it is simply the offset after the last event.
   */
  record Fetched(List<ChangeEvent> events, long startOffset, long endOffset, long nextOffset) {
    public Fetched(List<ChangeEvent> events, long startOffset, long endOffset) {
      this(events, startOffset, endOffset, -1);
    }
  }

  /** An event offset with its timestamp (ListOffsets answers). */
  record TimestampedOffset(long offset, long timestampMs) {}

  /** Every topic that exists now. */
  List<TopicInfo> topics();

  /** The topic with this name, if it exists now. */
  Optional<TopicInfo> topic(String name);

  /** The topic with this id, if it exists now. */
  Optional<TopicInfo> topic(long id);

  /**
   * Appends {@code records} atomically: all of them or none. Throws {@link TopicBackendException}
   * (INVALID_RECORD with the index of the offending record, UNKNOWN_TOPIC, ...) and then nothing
   * was appended.
   */
  Appended append(TopicInfo topic, List<ProducedRecord> records, Client client);

  /**
   * {@link #append}, split in two so that the gateway can pipeline a connection's produce
   * requests: returns once the batch is accepted and ordered after every batch submitted
   * before it (a rejected batch throws here, as {@link #append} does, and nothing was
   * appended); the future completes with the result once the batch is durable, or fails with a
   * {@link TopicBackendException} if it could not be made durable. The default is a
   * synchronous {@link #append}.
   */
  default CompletableFuture<Appended> submit(TopicInfo topic, List<ProducedRecord> records, Client client) {
    return CompletableFuture.completedFuture(append(topic, records, client));
  }

  /**
   * {@link #submit(TopicInfo, List, Client)} of a batch from {@code producer}, an idempotent
   * producer, or null for any other. A backend that stores {@code producer} with the batch
   * returns it from {@link #recentProducerBatches}, so that a gateway started later still
   * recognises the producer's retries. The default ignores it.
   */
  default CompletableFuture<Appended> submit(TopicInfo topic, List<ProducedRecord> records, Client client,
                                             ProducerBatch producer) {
    return submit(topic, records, client);
  }

  /**
   * The idempotent producers' batches stored most recently (the last few thousand at least), in
   * the order they were appended: what a gateway needs at start to answer a retry of a batch
   * whose response a restart lost with the batch's original offset instead of appending it
   * again. The default: none.
   */
  default List<StoredProducerBatch> recentProducerBatches() {
    return List.of();
  }

  /**
   * Change events with offset {@code >= offset}, at least one if any exist, then more while
   * their total size stays within {@code maxBytes}. An offset outside {@code [start, end]}
   * throws OFFSET_OUT_OF_RANGE.
   */
  Fetched fetch(TopicInfo topic, long offset, int maxBytes);

  /** {@code [startOffset, endOffset)} of the change events now. */
  Fetched offsets(TopicInfo topic);

  /** The first event whose timestamp is at or after {@code timestampMs}; empty if none. */
  Optional<TimestampedOffset> offsetForTimestamp(TopicInfo topic, long timestampMs);

  /** A number that grows whenever anything may have changed (for long polling). */
  long changeVersion();

  /** Waits until {@link #changeVersion()} exceeds {@code version} or the timeout passes. */
  void awaitChange(long version, long timeoutMs) throws InterruptedException;
}
