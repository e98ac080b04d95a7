package io.driftdb.sql.changefeed;

import io.driftdb.schemas.RowOp;
import io.driftdb.sql.kafka.RowCodec;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Record;

/**
 * One row change of a committed transaction, as it goes to its table's change topic.
 *
 * @param topic the change topic ({@link ChangeTopicName})
 * @param table the table's name at {@code seq}
 * @param seq the transaction's SEQ
 * @param op what the transaction did to the row
 * @param commitTimeMs the transaction's commit time, as the nodes record it
 * @param key the primary key as JSON ({@link RowCodec#encodeKey})
 * @param value the row after the change as a JSON object ({@link RowCodec#encodeRow}); null for
 *     a DELETE (a tombstone)
 */
public record ChangeEvent(String topic, String table, long seq, RowOp op, long commitTimeMs, byte[] key,
                          byte[] value) {

  /** Writes the event's value; the topology's sink uses it (the key is already bytes). */
  static final Serializer<ChangeEvent> VALUE_SERIALIZER = (topic, event) -> event == null ? null : event.value();

  /** The event as a Kafka Streams record: key, the event itself as value, commit time, headers. */
  Record<byte[], ChangeEvent> toRecord() {
    RecordHeaders headers = new RecordHeaders();
    headers.add(RowCodec.SEQ_HEADER, Long.toString(seq).getBytes(StandardCharsets.UTF_8));
    headers.add(RowCodec.OP_HEADER, op.name().getBytes(StandardCharsets.UTF_8));
    return new Record<>(key, this, commitTimeMs, headers);
  }

  @Override
  public String toString() {
    return topic + " @" + seq + " " + op + " " + text(key) + " -> " + text(value);
  }

  private static String text(byte[] b) {
    return b == null ? "null" : new String(b, StandardCharsets.UTF_8);
  }
}
