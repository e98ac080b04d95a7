package io.driftdb.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdb.log.format.BatchFormatException;
import io.driftdb.log.format.BatchHeader;
import io.driftdb.log.format.DecodedBatch;
import io.driftdb.log.format.GrowableByteArray;
import io.driftdb.log.format.RecordBatchReader;
import io.driftdb.log.format.RecordBatchWriter;
import io.driftdb.log.format.Varints;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Round trips through our codec, cross-checked in both directions against Kafka's own record classes. */
class RecordBatchCodecTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Records covering the edge cases: null/empty key and value, headers with null values, big payloads. */
  private static List<LogRecord> sampleRecords(long baseSeq, long baseTs) {
    Random rnd = new Random(42);
    byte[] big = new byte[70_000];
    rnd.nextBytes(big);
    List<LogRecord> rs = new ArrayList<>();
    rs.add(new LogRecord(baseSeq, baseTs, utf8("users/1"), utf8("{\"name\":\"ada\"}"),
        List.of(new RecordHeader("table", utf8("users")), new RecordHeader("op", utf8("insert")))));
    rs.add(new LogRecord(baseSeq + 1, baseTs, new byte[0], new byte[0], List.of()));
    rs.add(new LogRecord(baseSeq + 2, baseTs + 5, null, null, List.of(new RecordHeader("tombstone", null))));
    rs.add(new LogRecord(baseSeq + 3, baseTs + 5, utf8("k"), big, List.of(new RecordHeader("ünïcødé", new byte[0]))));
    rs.add(new LogRecord(baseSeq + 4, baseTs + 1_000_000, utf8("users/2"), null, List.of()));
    return rs;
  }

  private static void assertSameRecords(List<LogRecord> actual, List<LogRecord> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      LogRecord a = actual.get(i);
      LogRecord e = expected.get(i);
      assertThat(a.seq()).isEqualTo(e.seq());
      assertThat(a.timestampMs()).isEqualTo(e.timestampMs());
      assertThat(a.key()).isEqualTo(e.key());
      assertThat(a.value()).isEqualTo(e.value());
      assertThat(a.headers()).hasSameSizeAs(e.headers());
      for (int h = 0; h < e.headers().size(); h++) {
        assertThat(a.headers().get(h).key()).isEqualTo(e.headers().get(h).key());
        assertThat(a.headers().get(h).value()).isEqualTo(e.headers().get(h).value());
      }
    }
  }

  private static ByteBuffer encode(Compression c, List<LogRecord> records) {
    GrowableByteArray out = new GrowableByteArray(1024);
    try (RecordBatchWriter w = new RecordBatchWriter(c)) {
      w.write(records, out);
    }
    return ByteBuffer.wrap(out.toByteArray());
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void roundTripsThroughOurReader(Compression compression) {
    List<LogRecord> records = sampleRecords(1000, 1_700_000_000_000L);
    ByteBuffer bytes = encode(compression, records);

    DecodedBatch batch = RecordBatchReader.decode(bytes);

    BatchHeader h = batch.header();
    assertThat(h.baseOffset()).isEqualTo(1000);
    assertThat(h.lastOffset()).isEqualTo(1004);
    assertThat(h.recordCount()).isEqualTo(5);
    assertThat(h.magic()).isEqualTo((byte) 2);
    assertThat(h.compression()).isEqualTo(compression);
    assertThat(h.baseTimestamp()).isEqualTo(1_700_000_000_000L);
    assertThat(h.maxTimestamp()).isEqualTo(1_700_000_000_000L + 1_000_000);
    assertThat(h.producerId()).isEqualTo(-1);
    assertThat(h.producerEpoch()).isEqualTo((short) -1);
    assertThat(h.baseSequence()).isEqualTo(-1);
    assertThat(h.sizeInBytes()).isEqualTo(bytes.remaining());
    assertSameRecords(batch.records(), records);
  }

  @Test
  void zstdShrinksCompressibleRecords() {
    List<LogRecord> records = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      records.add(new LogRecord(i, 1L, utf8("orders/" + i), utf8("{\"status\":\"shipped\",\"carrier\":\"ups\"}"),
          List.of(new RecordHeader("table", utf8("orders")))));
    }
    int plain = encode(Compression.NONE, records).remaining();
    int zstd = encode(Compression.ZSTD, records).remaining();
    assertThat(zstd).isLessThan(plain / 4);
    assertSameRecords(RecordBatchReader.decode(encode(Compression.ZSTD, records)).records(), records);
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void kafkaReadsWhatWeWrite(Compression compression) {
    List<LogRecord> records = sampleRecords(7, 1_700_000_000_000L);
    MemoryRecords kafka = MemoryRecords.readableRecords(encode(compression, records));

    Iterator<? extends RecordBatch> batches = kafka.batches().iterator();
    RecordBatch batch = batches.next();
    assertThat(batches.hasNext()).isFalse();
    batch.ensureValid(); // Kafka's own CRC32C check
    assertThat(batch.isValid()).isTrue();
    assertThat(batch.magic()).isEqualTo(RecordBatch.MAGIC_VALUE_V2);
    assertThat(batch.baseOffset()).isEqualTo(7);
    assertThat(batch.lastOffset()).isEqualTo(11);
    assertThat(batch.countOrNull()).isEqualTo(5);
    assertThat(batch.maxTimestamp()).isEqualTo(1_700_000_000_000L + 1_000_000);
    assertThat(batch.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
    assertThat((int) batch.compressionType().id).isEqualTo(compression.attributeId());
    assertThat(batch.producerId()).isEqualTo(RecordBatch.NO_PRODUCER_ID);

    List<LogRecord> decoded = new ArrayList<>();
    for (org.apache.kafka.common.record.internal.Record r : batch) {
      r.ensureValid();
      List<RecordHeader> hs = new ArrayList<>();
      for (Header h : r.headers()) {
        hs.add(new RecordHeader(h.key(), h.value()));
      }
      decoded.add(new LogRecord(r.offset(), r.timestamp(), bytesOrNull(r.key()), bytesOrNull(r.value()), hs));
    }
    assertSameRecords(decoded, records);
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void weReadWhatKafkaWrites(Compression compression) {
    org.apache.kafka.common.compress.Compression kc = compression == Compression.ZSTD
        ? org.apache.kafka.common.compress.Compression.zstd().build()
        : org.apache.kafka.common.compress.Compression.NONE;
    List<LogRecord> records = sampleRecords(50, 1_650_000_000_000L);
    MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(1024), kc, TimestampType.CREATE_TIME, 50);
    for (LogRecord r : records) {
      Header[] hs = r.headers().stream()
          .map(h -> new org.apache.kafka.common.header.internals.RecordHeader(h.key(), h.value()))
          .toArray(Header[]::new);
      b.append(r.timestampMs(), r.key(), r.value(), hs);
    }
    ByteBuffer bytes = b.build().buffer();

    DecodedBatch batch = RecordBatchReader.decode(bytes);

    assertThat(batch.header().compression()).isEqualTo(compression);
    assertSameRecords(batch.records(), records);
  }

  /**
   * The v2 format leaves baseOffset and partitionLeaderEpoch outside the CRC (brokers rewrite
   * them); the log checks base offsets against the expected sequence instead. Every other byte
   * is covered: the length by the size check, magic explicitly, the rest by CRC32C.
   */
  @ParameterizedTest
  @EnumSource(Compression.class)
  void everyFlippedByteOutsideOffsetAndEpochIsDetected(Compression compression) {
    byte[] good = encode(compression, sampleRecords(0, 1000L).subList(0, 3)).array();
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= 0x40;
      if (i < 8 || (i >= 12 && i < 16)) {
        assertThat(RecordBatchReader.decode(ByteBuffer.wrap(bad)).records()).hasSize(3);
        continue;
      }
      assertThatThrownBy(() -> RecordBatchReader.decode(ByteBuffer.wrap(bad)))
          .as("flipped byte %d", i)
          .isInstanceOf(BatchFormatException.class);
    }
  }

  @Test
  void crcMismatchNamesBothValues() {
    byte[] bytes = encode(Compression.NONE, sampleRecords(0, 1000L).subList(0, 1)).array();
    bytes[bytes.length - 1] ^= 1;
    assertThatThrownBy(() -> RecordBatchReader.decode(ByteBuffer.wrap(bytes)))
        .hasMessageContaining("CRC32C mismatch: stored 0x");
  }

  @Test
  void refusesNonConsecutiveSeqs() {
    List<LogRecord> gap = List.of(new LogRecord(1, 0, null, null, List.of()), new LogRecord(3, 0, null, null, List.of()));
    try (RecordBatchWriter w = new RecordBatchWriter(Compression.NONE)) {
      assertThatThrownBy(() -> w.write(gap, new GrowableByteArray(64))).hasMessageContaining("consecutive");
    }
  }

  @Test
  void varintsRoundTripAtTheEdges() {
    int[] ints = {0, 1, -1, 63, -64, 64, -65, 8191, -8192, Integer.MAX_VALUE, Integer.MIN_VALUE};
    for (int v : ints) {
      byte[] b = new byte[5];
      int n = Varints.writeVarint(v, b, 0);
      assertThat(n).isEqualTo(Varints.sizeOfVarint(v));
      assertThat(Varints.readVarint(ByteBuffer.wrap(b, 0, n))).isEqualTo(v);
      assertThat(org.apache.kafka.common.utils.ByteUtils.sizeOfVarint(v)).isEqualTo(n);
    }
    long[] longs = {0, -1, 1L << 40, -(1L << 40), Long.MAX_VALUE, Long.MIN_VALUE};
    for (long v : longs) {
      byte[] b = new byte[10];
      int n = Varints.writeVarlong(v, b, 0);
      assertThat(n).isEqualTo(Varints.sizeOfVarlong(v));
      assertThat(Varints.readVarlong(ByteBuffer.wrap(b, 0, n))).isEqualTo(v);
    }
  }

  private static byte[] bytesOrNull(ByteBuffer b) {
    if (b == null) {
      return null;
    }
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
