package io.driftdb.sql.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdb.log.kafka.RawKafkaClient;
import io.driftdb.log.kafka.TopicBackend.ProducerBatch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An idempotent producer whose batch was appended but whose response was lost to a restart
 * retries it against the restarted server: it must get the original offset, and the batch must
 * not be appended a second time (Kafka keeps its producer state across restarts for this).
 */
class ProducerRetryAcrossRestartTest {
  private static final short PRODUCE_V = 12;

  @TempDir
  Path dir;

  @Test
  void aRetryAfterARestartGetsTheOriginalOffsetAndAppendsNothing() throws Exception {
    Producer p;
    long firstOffset;
    long secondOffset;
    long head;
    try (KafkaDb db = new KafkaDb(dir); RawKafkaClient c = new RawKafkaClient(db.gateway.address())) {
      p = tableAndProducer(db, c);
      firstOffset = produceOk(c, p.batch(0, 1, 2));
      secondOffset = produceOk(c, p.batch(2, 3));
      head = db.headSeq();
      assertThat(secondOffset).isEqualTo(head);
    }

    try (KafkaDb db = new KafkaDb(dir); RawKafkaClient c = new RawKafkaClient(db.gateway.address())) {
      // Both earlier batches are retried as the client would, byte for byte the same.
      assertThat(produceOk(c, p.batch(2, 3))).isEqualTo(secondOffset);
      assertThat(produceOk(c, p.batch(0, 1, 2))).isEqualTo(firstOffset);
      assertThat(db.headSeq()).as("nothing appended by the retries").isEqualTo(head);
      assertThat(db.rows("SELECT count(*) FROM t FOR SYSTEM_TIME ALL")).containsExactly("3");

      // The producer's sequence goes on where it was: the next batch is appended, a gap is refused.
      assertThat(produceOk(c, p.batch(3, 4))).isEqualTo(head + 1);
      ProduceResponseData.PartitionProduceResponse gap = produce(c, p.batch(9, 5));
      assertThat(Errors.forCode(gap.errorCode())).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
      assertThat(db.rows("SELECT id, v FROM t ORDER BY id")).containsExactly("1|10", "2|20", "3|30", "4|40");
    }
  }

  @Test
  void aRetryIsRecognisedBehindHundredsOfLaterTransactions() throws Exception {
    Producer p;
    long offset;
    long head;
    try (KafkaDb db = new KafkaDb(dir); RawKafkaClient c = new RawKafkaClient(db.gateway.address())) {
      p = tableAndProducer(db, c);
      db.exec("CREATE TABLE other (id INT PRIMARY KEY)");
      offset = produceOk(c, p.batch(0, 1));
      // More transactions after it than the newest window a starting gateway reads first (100).
      for (int i = 0; i < 250; i++) {
        db.exec("INSERT INTO other VALUES (" + i + ")");
      }
      head = db.headSeq();
      assertThat(head - offset).isGreaterThan(200);
    }
    try (KafkaDb db = new KafkaDb(dir); RawKafkaClient c = new RawKafkaClient(db.gateway.address())) {
      assertThat(produceOk(c, p.batch(0, 1))).isEqualTo(offset);
      assertThat(db.headSeq()).isEqualTo(head);
      assertThat(produceOk(c, p.batch(1, 2))).isEqualTo(head + 1);
    }
  }

  @Test
  void aBatchThatChangedNothingBeforeTheRestartLeavesNoGap() throws Exception {
    Producer p;
    long head;
    try (KafkaDb db = new KafkaDb(dir); RawKafkaClient c = new RawKafkaClient(db.gateway.address())) {
      p = tableAndProducer(db, c);
      produceOk(c, p.batch(0, 1));
      head = db.headSeq();
      // Sequence 1 deletes a key that does not exist: no transaction, nothing in the log.
      produceOk(c, p.tombstone(1, 99));
      assertThat(db.headSeq()).isEqualTo(head);
    }
    try (KafkaDb db = new KafkaDb(dir); RawKafkaClient c = new RawKafkaClient(db.gateway.address())) {
      // The log knows sequence 0 as the last; the producer goes on with 2, which is no gap to it.
      assertThat(produceOk(c, p.batch(2, 2))).isEqualTo(head + 1);
      assertThat(produceOk(c, p.batch(2, 2))).as("its retry").isEqualTo(head + 1);
      ProduceResponseData.PartitionProduceResponse gap = produce(c, p.batch(5, 3));
      assertThat(Errors.forCode(gap.errorCode())).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
      assertThat(db.rows("SELECT id FROM t ORDER BY id")).containsExactly("1", "2");
    }
  }

  @Test
  void theHeaderRoundTripsAndAnUnknownFormatIsIgnored() {
    ProducerBatch b = new ProducerBatch(Long.MAX_VALUE - 7, Short.MAX_VALUE, Integer.MAX_VALUE - 1, Integer.MAX_VALUE);
    var header = ProducerBatchHeader.encode(42, b);
    assertThat(ProducerBatchHeader.find(List.of(header))).isEqualTo(new ProducerBatchHeader.Stored(42, b));
    byte[] newer = header.value().clone();
    newer[0] = 2;
    assertThat(ProducerBatchHeader.find(List.of(new io.driftdb.log.RecordHeader(ProducerBatchHeader.KEY, newer))))
        .isNull();
    assertThat(ProducerBatchHeader.find(List.of())).isNull();
  }

  /** An idempotent producer as InitProducerId made it. */
  private record Producer(long pid, short epoch) {
    MemoryRecords batch(int baseSequence, long... ids) {
      return ProducerRetryAcrossRestartTest.batch(pid, epoch, baseSequence, ids);
    }

    MemoryRecords tombstone(int baseSequence, long id) {
      return ProducerRetryAcrossRestartTest.tombstone(pid, epoch, baseSequence, id);
    }
  }

  /** Creates table {@code t (id BIGINT PRIMARY KEY, v INT)} and a new idempotent producer. */
  private static Producer tableAndProducer(KafkaDb db, RawKafkaClient c) throws Exception {
    db.exec("CREATE TABLE t (id BIGINT PRIMARY KEY, v INT)");
    InitProducerIdResponseData init = c.initProducerId(-1, (short) -1);
    return new Producer(init.producerId(), init.producerEpoch());
  }

  /** Records with ids {@code ids} and v = 10 × id, as producer {@code pid} sends them from {@code baseSequence}. */
  private static MemoryRecords batch(long pid, short epoch, int baseSequence, long... ids) {
    MemoryRecordsBuilder b = builder(pid, epoch, baseSequence);
    for (long id : ids) {
      b.append(1_700_000_000_000L, Long.toString(id).getBytes(StandardCharsets.US_ASCII),
          ("{\"id\":" + id + ",\"v\":" + 10 * id + "}").getBytes(StandardCharsets.US_ASCII));
    }
    return b.build();
  }

  private static MemoryRecords tombstone(long pid, short epoch, int baseSequence, long id) {
    MemoryRecordsBuilder b = builder(pid, epoch, baseSequence);
    b.append(1_700_000_000_000L, Long.toString(id).getBytes(StandardCharsets.US_ASCII), null);
    return b.build();
  }

  private static MemoryRecordsBuilder builder(long pid, short epoch, int baseSequence) {
    return MemoryRecords.builder(ByteBuffer.allocate(4096), RecordBatch.CURRENT_MAGIC_VALUE, Compression.NONE,
        TimestampType.CREATE_TIME, 0L, 1_700_000_000_000L, pid, epoch, baseSequence);
  }

  private static long produceOk(RawKafkaClient c, MemoryRecords records) throws Exception {
    ProduceResponseData.PartitionProduceResponse r = produce(c, records);
    assertThat(Errors.forCode(r.errorCode())).as("%s", r.errorMessage()).isEqualTo(Errors.NONE);
    return r.baseOffset();
  }

  private static ProduceResponseData.PartitionProduceResponse produce(RawKafkaClient c, MemoryRecords records)
      throws Exception {
    return c.produce(PRODUCE_V, RawKafkaClient.produceRequest("t", 0, records));
  }
}
