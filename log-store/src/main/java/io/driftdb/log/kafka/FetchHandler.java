package io.driftdb.log.kafka;

import io.driftdb.log.RecordHeader;
import io.driftdb.log.kafka.TopicBackend.ChangeEvent;
import io.driftdb.log.kafka.TopicBackend.TopicInfo;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;

/**
 * Fetch: sessionless (the response's session id is always 0, so clients send full fetch
 * requests), read-uncommitted and read-committed alike (everything a backend returns is
 * committed: last stable offset = high watermark). Each partition's events become one
 * uncompressed v2 batch with their own offsets. The first partition with data always gets at
 * least one event even if it exceeds the size limits, as Kafka does (KIP-74), so a consumer
 * never gets stuck. When there is less than {@code minBytes} and no error, the request waits
 * (long poll) until the backend reports a change or {@code maxWaitMs} passes.
 */
final class FetchHandler {
  private static final long MAX_WAIT_SLICE_MS = 500;

  private final TopicBackend backend;
  private final BooleanSupplier closing;

  FetchHandler(TopicBackend backend, BooleanSupplier closing) {
    this.backend = backend;
    this.closing = closing;
  }

  ApiMessage handle(ApiMessage body, short v) {
    FetchRequestData req = (FetchRequestData) body;
    long deadline = System.currentTimeMillis() + Math.max(0, req.maxWaitMs());
    int minBytes = Math.max(1, req.minBytes());
    while (true) {
      long version = backend.changeVersion();
      Outcome out = respond(req, v);
      long left = deadline - System.currentTimeMillis();
      if (out.bytes >= minBytes || out.error || left <= 0 || closing.getAsBoolean()) {
        return out.response;
      }
      try {
        backend.awaitChange(version, Math.min(left, MAX_WAIT_SLICE_MS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return out.response;
      }
    }
  }

  private record Outcome(FetchResponseData response, int bytes, boolean error) {}

  private Outcome respond(FetchRequestData req, short v) {
    FetchResponseData resp = new FetchResponseData().setThrottleTimeMs(0).setErrorCode(Errors.NONE.code())
        .setSessionId(0);
    int budget = req.maxBytes() > 0 ? req.maxBytes() : Integer.MAX_VALUE;
    int total = 0;
    boolean error = false;
    for (FetchRequestData.FetchTopic ft : req.topics()) {
      FetchResponseData.FetchableTopicResponse tr = new FetchResponseData.FetchableTopicResponse();
      Optional<TopicInfo> topic;
      Errors unknown;
      if (v >= 13) {
        long id = TopicIds.fromUuid(ft.topicId());
        topic = id < 0 ? Optional.empty() : backend.topic(id);
        tr.setTopicId(ft.topicId());
        unknown = Errors.UNKNOWN_TOPIC_ID;
      } else {
        topic = backend.topic(ft.topic());
        tr.setTopic(ft.topic());
        unknown = Errors.UNKNOWN_TOPIC_OR_PARTITION;
      }
      for (FetchRequestData.FetchPartition fp : ft.partitions()) {
        FetchResponseData.PartitionData pd = new FetchResponseData.PartitionData().setPartitionIndex(fp.partition())
            .setHighWatermark(-1).setLastStableOffset(-1).setLogStartOffset(-1).setPreferredReadReplica(-1)
            .setRecords(MemoryRecords.EMPTY);
        if (topic.isEmpty() || fp.partition() != 0) {
          pd.setErrorCode((topic.isEmpty() ? unknown : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
          error = true;
        } else {
          int limit = Math.min(fp.partitionMaxBytes() > 0 ? fp.partitionMaxBytes() : Integer.MAX_VALUE,
              Math.max(budget - total, 0));
          try {
            TopicBackend.Fetched f;
            if (limit <= 0 && total > 0) {
              f = backend.offsets(topic.get());
            } else {
              f = backend.fetch(topic.get(), fp.fetchOffset(), Math.max(limit, 1));
            }
            pd.setHighWatermark(f.endOffset()).setLastStableOffset(f.endOffset()).setLogStartOffset(f.startOffset());
            if (limit > 0 || total == 0) {
              MemoryRecords records = encode(f.events(), fp.fetchOffset(), f.nextOffset());
              if (records.sizeInBytes() > 0) {
                pd.setRecords(records);
                total += records.sizeInBytes();
              }
            }
          } catch (TopicBackendException e) {
            pd.setErrorCode(ProduceHandler.errorFor(e).code());
            error = true;
            if (e.kind() == TopicBackendException.Kind.OFFSET_OUT_OF_RANGE) {
              TopicBackend.Fetched range = backend.offsets(topic.get());
              pd.setHighWatermark(range.endOffset()).setLastStableOffset(range.endOffset())
                  .setLogStartOffset(range.startOffset());
            }
          }
        }
        tr.partitions().add(pd);
      }
      resp.responses().add(tr);
    }
    return new Outcome(resp, total, error);
  }

  /**
   * The events as one batch, followed, when the fetch skipped offsets without an event after
   * the last one ({@code nextOffset} beyond it), by an empty batch that spans them: a consumer
   * moves its position to the offset after a batch's last offset, as over the records
   * compaction removed from a Kafka log; without it, it would fetch the gap forever and never
   * reach the high watermark.
   */
  static MemoryRecords encode(List<ChangeEvent> events, long fetchOffset, long nextOffset) {
    long covered = events.isEmpty() ? fetchOffset : events.get(events.size() - 1).offset() + 1;
    if (nextOffset <= covered) {
      return events.isEmpty() ? MemoryRecords.EMPTY : encode(events);
    }
    ByteBuffer gap = ByteBuffer.allocate(DefaultRecordBatch.RECORD_BATCH_OVERHEAD);
    DefaultRecordBatch.writeEmptyHeader(gap, RecordBatch.MAGIC_VALUE_V2, RecordBatch.NO_PRODUCER_ID,
        RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE, covered, nextOffset - 1,
        RecordBatch.NO_PARTITION_LEADER_EPOCH, TimestampType.CREATE_TIME, RecordBatch.NO_TIMESTAMP, false, false);
    gap.flip();
    if (events.isEmpty()) {
      return MemoryRecords.readableRecords(gap);
    }
    ByteBuffer batch = encode(events).buffer();
    ByteBuffer both = ByteBuffer.allocate(batch.remaining() + gap.remaining());
    both.put(batch).put(gap).flip();
    return MemoryRecords.readableRecords(both);
  }

  static MemoryRecords encode(List<ChangeEvent> events) {
    int size = 64;
    for (ChangeEvent e : events) {
      size += e.sizeEstimate() + 16;
    }
    MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(size), Compression.NONE,
        TimestampType.CREATE_TIME, events.get(0).offset());
    for (ChangeEvent e : events) {
      RecordHeaders headers = new RecordHeaders();
      for (RecordHeader h : e.headers()) {
        headers.add(h.key(), h.value());
      }
      Header[] array = headers.toArray();
      b.appendWithOffset(e.offset(), e.timestampMs(), e.key(), e.value(), array);
    }
    return b.build();
  }
}
