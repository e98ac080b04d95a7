package io.driftdb.sql.kafka;

import io.driftdb.log.RecordHeader;
import io.driftdb.log.kafka.TopicBackend.ProducerBatch;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The log record header that marks a transaction as an idempotent producer's batch: format
 * version 1, then topic (table) id, producer id, epoch, first and last sequence, big-endian
 * (27 bytes). The gateway reads the newest of them back at start, so that a producer's retry of
 * a batch whose response a restart lost gets the original offset instead of a second append.
 */
final class ProducerBatchHeader {
  static final String KEY = "driftdb.producer";
  private static final byte VERSION = 1;
  private static final int SIZE = 1 + 8 + 8 + 2 + 4 + 4;

  private ProducerBatchHeader() {}

  /** The batch as stored, with the topic it went to. */
  record Stored(long topicId, ProducerBatch batch) {}

  static RecordHeader encode(long topicId, ProducerBatch b) {
    ByteBuffer buf = ByteBuffer.allocate(SIZE).put(VERSION).putLong(topicId).putLong(b.producerId())
        .putShort(b.epoch()).putInt(b.firstSeq()).putInt(b.lastSeq());
    return new RecordHeader(KEY, buf.array());
  }

  /**
   * The producer batch among a record's headers; null when there is none, or when it is of a
   * format this build does not know (a newer one): then it is not used, as if absent.
   */
  static Stored find(List<RecordHeader> headers) {
    for (RecordHeader h : headers) {
      if (KEY.equals(h.key()) && h.value() != null && h.value().length == SIZE && h.value()[0] == VERSION) {
        ByteBuffer buf = ByteBuffer.wrap(h.value(), 1, SIZE - 1);
        long topicId = buf.getLong();
        return new Stored(topicId, new ProducerBatch(buf.getLong(), buf.getShort(), buf.getInt(), buf.getInt()));
      }
    }
    return null;
  }
}
