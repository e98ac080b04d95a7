package io.driftdb.log.kafka;

import io.driftdb.log.kafka.TopicBackend.Appended;
import io.driftdb.log.kafka.TopicBackend.ProducedRecord;
import io.driftdb.log.kafka.TopicBackend.TopicInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produce: the records of one partition of one request (exactly one v2 batch, as Kafka
 * requires since message format v2) go to {@link TopicBackend#append} as one unit, which
 * answers with the offset the producer sees as the batch's base offset. Checks, in order:
 * known topic and partition 0; magic 2; batch size ({@code maxMessageBytes}, MESSAGE_TOO_LARGE);
 * CRC (CORRUPT_MESSAGE); not transactional; decompressed size; then, for idempotent batches,
 * the producer's sequence ({@link ProducerStateTable}) with the entry locked while the batch is
 * checked and submitted, so a retry can never be appended twice. The response waits for the
 * batch to be durable, but the connection's next request is served meanwhile (see
 * {@link KafkaGateway}). Record timestamps from the producer are ignored: the
 * backend's commit time is returned as the log-append time.
 */
final class ProduceHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ProduceHandler.class);

  private final TopicBackend backend;
  private final GatewayConfig config;
  private final ProducerStateTable producers;

  ProduceHandler(TopicBackend backend, GatewayConfig config, ProducerStateTable producers) {
    this.backend = backend;
    this.config = config;
    this.producers = producers;
  }

  /**
   * Checks and submits every partition's batch now, in request order; the future completes
   * with the response once every submitted batch is durable (with null for acks=0: Kafka sends
   * no response then).
   */
  CompletableFuture<ApiMessage> handle(ApiMessage body, short v, KafkaApis.Connection conn, String clientId) {
    ProduceRequestData req = (ProduceRequestData) body;
    List<CompletableFuture<?>> pending = new ArrayList<>();
    ProduceResponseData resp = new ProduceResponseData().setThrottleTimeMs(0);
    TopicBackend.Client client = new TopicBackend.Client(clientId, conn.clientAddress());
    for (ProduceRequestData.TopicProduceData td : req.topicData()) {
      Optional<TopicInfo> topic;
      ProduceResponseData.TopicProduceResponse tr = new ProduceResponseData.TopicProduceResponse();
      Errors unknown;
      if (v >= 13) {
        long id = TopicIds.fromUuid(td.topicId());
        topic = id < 0 ? Optional.empty() : backend.topic(id);
        tr.setTopicId(td.topicId());
        unknown = Errors.UNKNOWN_TOPIC_ID;
      } else {
        topic = backend.topic(td.name());
        tr.setName(td.name());
        unknown = Errors.UNKNOWN_TOPIC_OR_PARTITION;
      }
      for (ProduceRequestData.PartitionProduceData pd : td.partitionData()) {
        ProduceResponseData.PartitionProduceResponse pr = new ProduceResponseData.PartitionProduceResponse()
            .setIndex(pd.index()).setBaseOffset(-1).setLogAppendTimeMs(-1).setLogStartOffset(-1);
        if (topic.isEmpty()) {
          pr.setErrorCode(unknown.code());
        } else if (pd.index() != 0) {
          pr.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        } else {
          CompletableFuture<?> f = producePartition(topic.get(), pd.records(), req.transactionalId(), client, pr, v);
          if (!f.isDone()) {
            pending.add(f);
          }
        }
        tr.partitionResponses().add(pr);
      }
      resp.responses().add(tr);
    }
    ApiMessage result = req.acks() == 0 ? null : resp;
    return pending.isEmpty() ? CompletableFuture.completedFuture(result)
        : CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(x -> result);
  }

  /**
   * Fills {@code pr} now for a batch rejected before it reaches the backend, else when the
   * submitted batch is durable; the future completes then (never exceptionally).
   */
  private CompletableFuture<?> producePartition(TopicInfo topic, BaseRecords records, String transactionalId,
                                                TopicBackend.Client client,
                                                ProduceResponseData.PartitionProduceResponse pr, short v) {
    if (transactionalId != null) {
      fail(pr, Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, "transactions are not supported by the DriftDB Kafka "
          + "gateway", v);
      return DONE;
    }
    if (!(records instanceof MemoryRecords mem) || mem.sizeInBytes() == 0) {
      fail(pr, Errors.INVALID_RECORD, "the request holds no record batch for this partition", v);
      return DONE;
    }
    Iterator<MutableRecordBatch> it = mem.batches().iterator();
    MutableRecordBatch batch;
    try {
      batch = it.next();
      if (it.hasNext()) {
        fail(pr, Errors.INVALID_RECORD, "a produce request must hold exactly one record batch per partition", v);
        return DONE;
      }
    } catch (RuntimeException e) {
      fail(pr, Errors.CORRUPT_MESSAGE, "unreadable record batch: " + e.getMessage(), v);
      return DONE;
    }
    if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
      fail(pr, Errors.UNSUPPORTED_FOR_MESSAGE_FORMAT, "only record batches with magic 2 are accepted", v);
      return DONE;
    }
    if (batch.sizeInBytes() > config.maxMessageBytes()) {
      fail(pr, Errors.MESSAGE_TOO_LARGE, "the record batch has " + batch.sizeInBytes()
          + " bytes, more than the limit of " + config.maxMessageBytes(), v);
      return DONE;
    }
    try {
      batch.ensureValid();
    } catch (RuntimeException e) {
      fail(pr, Errors.CORRUPT_MESSAGE, e.getMessage(), v);
      return DONE;
    }
    if (batch.isTransactional() || batch.isControlBatch()) {
      fail(pr, Errors.INVALID_RECORD, "transactional and control batches are not supported", v);
      return DONE;
    }
    List<ProducedRecord> list;
    try {
      list = decode(batch);
    } catch (TopicBackendException e) {
      fail(pr, errorFor(e), e.getMessage(), v);
      return DONE;
    } catch (KafkaException | IllegalArgumentException | IllegalStateException e) {
      fail(pr, Errors.CORRUPT_MESSAGE, "cannot decode the record batch: " + e.getMessage(), v);
      return DONE;
    }
    if (!batch.hasProducerId()) {
      CompletableFuture<Appended> submitted = submit(topic, list, client, null, pr, v);
      return submitted == null ? DONE : answer(submitted, topic, pr, v);
    }
    // Pipelining rule: a batch is checked against the producer's sequence and submitted to the
    // backend under the entry's lock, and the sequence advances as soon as the backend has
    // accepted it and ordered it after every earlier batch (its durability comes later). So
    // the producer's next batch, read while this one waits for its fsync, is checked against
    // it and lands after it. A batch the backend rejects does not advance the sequence, so the
    // batches behind it get OUT_OF_ORDER_SEQUENCE_NUMBER, as from Kafka, and can never overtake
    // it. A batch accepted but then not made durable (the log failed; every later append fails
    // too until a restart) is answered with the error, and so are its retries. The backend
    // stores the producer and sequence range with the batch, so that a gateway started after a
    // restart answers a retry of it with its original offset (ProducerStateTable.seed).
    ProducerStateTable.Entry entry = producers.entry(batch.producerId(), topic.id());
    synchronized (entry) {
      ProducerStateTable.Verdict verdict = ProducerStateTable.check(entry, batch.producerEpoch(),
          batch.baseSequence(), batch.lastSequence());
      if (verdict.duplicate() != null) {
        return answer(verdict.duplicate().result(), topic, pr, v); // a retry: the original's result
      }
      if (!verdict.append()) {
        fail(pr, verdict.error(), verdict.message(), v);
        return DONE;
      }
      CompletableFuture<Appended> submitted = submit(topic, list, client, new TopicBackend.ProducerBatch(
          batch.producerId(), batch.producerEpoch(), batch.baseSequence(), batch.lastSequence()), pr, v);
      if (submitted == null) {
        return DONE;
      }
      ProducerStateTable.record(entry, batch.producerEpoch(), batch.baseSequence(), batch.lastSequence(), submitted);
      return answer(submitted, topic, pr, v);
    }
  }

  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  /** Submits to the backend; null (and {@code pr} filled) when it rejects the batch. */
  private CompletableFuture<Appended> submit(TopicInfo topic, List<ProducedRecord> list, TopicBackend.Client client,
                                             TopicBackend.ProducerBatch producer,
                                             ProduceResponseData.PartitionProduceResponse pr, short v) {
    try {
      return backend.submit(topic, list, client, producer);
    } catch (RuntimeException e) {
      failWith(e, topic, pr, v);
      return null;
    }
  }

  /** Fills {@code pr} when the submitted batch completes (on the thread that completes it: keep it cheap). */
  private static CompletableFuture<?> answer(CompletableFuture<Appended> submitted, TopicInfo topic,
                                             ProduceResponseData.PartitionProduceResponse pr, short v) {
    return submitted.handle((a, e) -> {
      if (e == null) {
        pr.setErrorCode(Errors.NONE.code()).setBaseOffset(a.offset()).setLogAppendTimeMs(a.timestampMs())
            .setLogStartOffset(0);
      } else {
        failWith(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e, topic, pr, v);
      }
      return null;
    });
  }

  private static void failWith(Throwable t, TopicInfo topic, ProduceResponseData.PartitionProduceResponse pr,
                               short v) {
    if (t instanceof TopicBackendException e) {
      Errors error = errorFor(e);
      if (error == Errors.UNKNOWN_SERVER_ERROR) {
        LOG.warn("append to {} failed", topic.name(), e);
      }
      fail(pr, error, e.getMessage(), v);
      if (e.recordIndex() >= 0 && v >= 8) {
        pr.recordErrors().add(new ProduceResponseData.BatchIndexAndErrorMessage().setBatchIndex(e.recordIndex())
            .setBatchIndexErrorMessage(e.getMessage()));
      }
    } else {
      LOG.warn("append to {} failed", topic.name(), t);
      fail(pr, Errors.UNKNOWN_SERVER_ERROR, String.valueOf(t.getMessage()), v);
    }
  }

  /** The batch's records, decompressed, bounded by {@code maxUncompressedBatchBytes}. */
  private List<ProducedRecord> decode(MutableRecordBatch batch) {
    Integer count = batch.countOrNull();
    List<ProducedRecord> out = new ArrayList<>(count == null ? 16 : Math.min(Math.max(count, 0), 1 << 16));
    long total = 0;
    try (CloseableIterator<Record> records = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
      while (records.hasNext()) {
        Record r = records.next();
        byte[] key = r.hasKey() ? bytes(r.key()) : null;
        byte[] value = r.hasValue() ? bytes(r.value()) : null;
        total += (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        if (total > config.maxUncompressedBatchBytes()) {
          throw new TopicBackendException(TopicBackendException.Kind.RECORD_TOO_LARGE, "the record batch holds more "
              + "than " + config.maxUncompressedBatchBytes() + " bytes of keys and values after decompression");
        }
        out.add(new ProducedRecord(key, value, r.timestamp()));
      }
    }
    return out;
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private static void fail(ProduceResponseData.PartitionProduceResponse pr, Errors error, String message, short v) {
    pr.setErrorCode(error.code()).setBaseOffset(-1).setLogAppendTimeMs(-1).setLogStartOffset(-1);
    if (v >= 8) {
      pr.setErrorMessage(message);
    }
  }

  static Errors errorFor(TopicBackendException e) {
    return switch (e.kind()) {
      case UNKNOWN_TOPIC -> Errors.UNKNOWN_TOPIC_OR_PARTITION;
      case INVALID_RECORD -> Errors.INVALID_RECORD;
      case RECORD_TOO_LARGE -> Errors.MESSAGE_TOO_LARGE;
      case OFFSET_OUT_OF_RANGE -> Errors.OFFSET_OUT_OF_RANGE;
      case RETRIABLE -> Errors.REQUEST_TIMED_OUT;
      case STORAGE -> Errors.KAFKA_STORAGE_ERROR;
      case INTERNAL -> Errors.UNKNOWN_SERVER_ERROR;
    };
  }
}
