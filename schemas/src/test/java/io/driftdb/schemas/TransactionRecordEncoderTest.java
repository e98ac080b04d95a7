package io.driftdb.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

/**
 * The hand-written encoder must write exactly the bytes of Avro's generic writer. Property tests
 * print their seed; -Dencoder.seed=N reruns a failure.
 */
class TransactionRecordEncoderTest {
  private final TransactionRecordEncoder encoder = new TransactionRecordEncoder();
  private final TransactionCodec codec = new TransactionCodec();

  private byte[] generic(TransactionRecord record) {
    return codec.encodeWithAvroWriter(record);
  }

  private static long printedSeed(String what) {
    long seed = Long.getLong("encoder.seed", System.nanoTime());
    System.out.println(what + " seed=" + seed + " (rerun with -Dencoder.seed=" + seed + ")");
    return seed;
  }

  @Test
  void writesTheSameBytesAsTheGenericWriterForRandomRecords() {
    long seed = printedSeed("writesTheSameBytesAsTheGenericWriterForRandomRecords");
    RandomRecords gen = new RandomRecords(new Random(seed), true);
    for (int i = 0; i < 1500; i++) {
      TransactionRecord record = gen.record();
      byte[] fast = encoder.encode(record); // first, so a moved ByteBuffer position would show in the generic bytes
      assertThat(fast).as("seed=%d record #%d fell back: %s", seed, i, record).isNotNull();
      assertThat(fast).as("seed=%d record #%d %s", seed, i, record).isEqualTo(generic(record));
    }
  }

  @Test
  void roundTripsRandomRecordsThroughTheCodec() {
    long seed = printedSeed("roundTripsRandomRecordsThroughTheCodec");
    // Without lone surrogates and non-String CharSequences, which do not decode to an equal value.
    RandomRecords gen = new RandomRecords(new Random(seed), false);
    for (int i = 0; i < 300; i++) {
      TransactionRecord record = gen.record();
      assertThat(codec.decode(codec.encode(record))).as("seed=%d record #%d", seed, i).isEqualTo(record);
    }
  }

  @Test
  void headerIsTheMarkerAndTheLittleEndianSchemaFingerprint() {
    TransactionRecord record = Schemas.transaction("u").setEvents(List.of()).build();
    byte[] bytes = encoder.encode(record);
    assertThat(Arrays.copyOf(bytes, 10)).isEqualTo(Arrays.copyOf(generic(record), 10));
    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    assertThat(ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong())
        .isEqualTo(SchemaNormalization.parsingFingerprint64(TransactionRecord.getClassSchema()));
  }

  @Test
  void emptyAndLargeArraysAndExtremeNumbersMatch() {
    List<Object> big = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      big.add((long) i * 1_000_003);
    }
    List<Object> events = new ArrayList<>();
    events.add(Schemas.row(RowOp.INSERT, Long.MIN_VALUE).setRow(List.of()).setKey(List.of()).build());
    events.add(Schemas.row(RowOp.UPDATE, Long.MAX_VALUE).setRow(big).setKey(Arrays.asList(
        Integer.MIN_VALUE, Integer.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, -1, 0L, null,
        Float.NaN, Float.intBitsToFloat(0x7fc12345), -0.0f, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
        Double.NaN, Double.longBitsToDouble(0x7ff8000000abcdefL), -0.0d, Double.POSITIVE_INFINITY,
        true, false, "", ByteBuffer.allocate(0))).build());
    for (int i = 0; i < 70; i++) {
      events.add(Schemas.row(RowOp.DELETE, i).setKey(List.of("k" + i)).build());
    }
    TransactionRecord many = Schemas.transaction("").setStartSeq(Long.MIN_VALUE).setEvents(events).build();
    TransactionRecord none = Schemas.transaction("x").setStartSeq(Long.MAX_VALUE).setEvents(List.of()).build();
    for (TransactionRecord record : List.of(many, none)) {
      assertThat(encoder.encode(record)).isEqualTo(generic(record));
    }
    // An empty array is the 0 terminator alone: the last byte of a record with no events.
    byte[] bytes = encoder.encode(none);
    assertThat(bytes[bytes.length - 1]).isEqualTo((byte) 0);
    assertThat(bytes[bytes.length - 2]).isEqualTo((byte) 0); // validation: null branch
  }

  /** The buffer is sized from the first event: rows that differ from it in size must come out whole. */
  @Test
  void rowsOfVeryDifferentSizesMatch() {
    String large = "L".repeat(5 << 20); // larger than the buffer allocated up front
    List<Object> smallFirst = new ArrayList<>();
    List<Object> largeFirst = new ArrayList<>();
    smallFirst.add(Schemas.row(RowOp.INSERT, 1).setRow(List.of(1L, "s")).build());
    largeFirst.add(Schemas.row(RowOp.INSERT, 1).setRow(List.of(1L, large)).build());
    for (int i = 0; i < 2000; i++) {
      smallFirst.add(Schemas.row(RowOp.INSERT, 1).setRow(List.of((long) i, "m".repeat(i % 700))).build());
      largeFirst.add(Schemas.row(RowOp.DELETE, 1).setKey(List.of((long) i)).build());
    }
    smallFirst.add(Schemas.row(RowOp.INSERT, 1).setRow(List.of(2L, large)).build());
    for (List<Object> events : List.of(smallFirst, largeFirst)) {
      TransactionRecord record = Schemas.transaction("u").setEvents(events).build();
      assertThat(encoder.encode(record)).isEqualTo(generic(record));
    }
  }

  @Test
  void stringsMatchForNonAsciiFourByteAndLoneSurrogates() {
    List<Object> values = Arrays.asList("héllo wörld", "日本語", "😀 rocket 🚀", "\uD800", "a\uDC00b", "x\uD83D",
        new Utf8("ütf8"), new StringBuilder("builder ß"), "é".repeat(70));
    TransactionRecord record = Schemas.transaction("ünïcode 🚀 \uDBFF").setApplication("\uD83D\uDE00")
        .setReason("\uDFFF lone low").setEvents(List.of(Schemas.row(RowOp.INSERT, 1).setRow(values).build())).build();
    assertThat(encoder.encode(record)).isEqualTo(generic(record));
    // Avro writes a lone surrogate as '?', like String.getBytes(UTF_8).
    TransactionRecord lone = Schemas.transaction("\uD800").setEvents(List.of()).build();
    assertThat(encoder.encode(lone)[10]).isEqualTo((byte) 2);
    assertThat(encoder.encode(lone)[11]).isEqualTo((byte) '?');
  }

  @Test
  void byteBuffersAreReadFromPositionToLimitAndLeftUntouched() {
    ByteBuffer offset = ByteBuffer.wrap(new byte[] {9, 9, 1, 2, 3, 9}, 2, 3);
    ByteBuffer sliced = ByteBuffer.wrap(new byte[] {9, 9, 9, 4, 5, 6, 7}).position(3).slice(); // arrayOffset 3
    ByteBuffer readOnly = ByteBuffer.wrap(new byte[] {9, 8, 7}).position(1).asReadOnlyBuffer();
    ByteBuffer direct = ByteBuffer.allocateDirect(8).put(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}).position(2).limit(6);
    ByteBuffer directReadOnly = direct.duplicate().position(3).asReadOnlyBuffer();
    List<ByteBuffer> buffers = List.of(offset, sliced, readOnly, direct, directReadOnly);
    TransactionRecord record = Schemas.transaction("u").setEvents(List.of(
        Schemas.row(RowOp.INSERT, 3).setRow(new ArrayList<>(buffers)).build())).build();
    int[] positions = buffers.stream().mapToInt(ByteBuffer::position).toArray();
    int[] limits = buffers.stream().mapToInt(ByteBuffer::limit).toArray();
    byte[] fast = encoder.encode(record);
    assertThat(buffers.stream().mapToInt(ByteBuffer::position).toArray()).isEqualTo(positions);
    assertThat(buffers.stream().mapToInt(ByteBuffer::limit).toArray()).isEqualTo(limits);
    assertThat(fast).isEqualTo(generic(record));
  }

  @Test
  void ddlEventsAndCommitValidationFallBackToTheGenericWriter() {
    TransactionRecord withDdl = TransactionCodecTest.sample();
    TransactionRecord withValidation = TransactionRecord.newBuilder(rowsOnly())
        .setValidation(CommitValidation.newBuilder().setReadTables(List.of(4L)).build()).build();
    for (TransactionRecord record : List.of(withDdl, withValidation)) {
      assertThat(encoder.encode(record)).isNull();
      assertThat(codec.encode(record)).isEqualTo(generic(record));
      assertThat(codec.decode(codec.encode(record))).isEqualTo(record);
    }
    assertThat(encoder.encode(rowsOnly())).isEqualTo(generic(rowsOnly()));
  }

  @Test
  void valuesOfOtherTypesFallBackAndKeepTheGenericWritersBehaviour() {
    // Avro writes a BigDecimal as its string form; an unknown type fails the union resolution.
    TransactionRecord decimal = withRow(Arrays.asList(1L, new BigDecimal("12.50")));
    assertThat(encoder.encode(decimal)).isNull();
    assertThat(codec.encode(decimal)).isEqualTo(generic(decimal));

    TransactionRecord shortValue = withRow(Arrays.asList("ok", (short) 3));
    assertThat(encoder.encode(shortValue)).isNull();
    Throwable expected = catchThrowable(() -> generic(shortValue));
    assertThat(expected).isNotNull();
    assertThat(catchThrowable(() -> codec.encode(shortValue))).isInstanceOf(expected.getClass())
        .hasMessage(expected.getMessage());
  }

  private static TransactionRecord rowsOnly() {
    return withRow(Arrays.asList(1L, "payload", null));
  }

  private static TransactionRecord withRow(List<Object> row) {
    return Schemas.transaction("kafka").setApplication("driftdb").setStartSeq(5)
        .setEvents(List.of(Schemas.row(RowOp.INSERT, 7).setRow(row).build())).build();
  }

  /** Random records of row events that reach every branch of every union. */
  private static final class RandomRecords {
    private final Random rnd;
    private final boolean exotic;

    RandomRecords(Random rnd, boolean exotic) {
      this.rnd = rnd;
      this.exotic = exotic;
    }

    TransactionRecord record() {
      int n = switch (rnd.nextInt(6)) {
        case 0 -> 0;
        case 1 -> 64 + rnd.nextInt(100); // the count takes two varint bytes
        default -> 1 + rnd.nextInt(8);
      };
      List<Object> events = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        events.add(RowEvent.newBuilder().setTableId(anyLong()).setOp(RowOp.values()[rnd.nextInt(3)])
            .setKey(values()).setRow(values()).build());
      }
      return TransactionRecord.newBuilder().setUser(string()).setApplication(optionalString())
          .setClientAddress(optionalString()).setReason(optionalString()).setStartSeq(anyLong())
          .setEvents(events).build();
    }

    private List<Object> values() {
      if (rnd.nextInt(4) == 0) {
        return null;
      }
      int n = switch (rnd.nextInt(8)) {
        case 0 -> 0;
        case 1 -> 64 + rnd.nextInt(80);
        default -> 1 + rnd.nextInt(6);
      };
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        values.add(value());
      }
      return values;
    }

    private Object value() {
      return switch (rnd.nextInt(exotic ? 10 : 8)) {
        case 0 -> null;
        case 1 -> rnd.nextBoolean();
        case 2 -> (int) anyLong();
        case 3 -> anyLong();
        case 4 -> anyFloat();
        case 5 -> anyDouble();
        case 6 -> string();
        case 7 -> bytes();
        case 8 -> new Utf8(string());
        default -> new StringBuilder(string());
      };
    }

    private String optionalString() {
      return rnd.nextBoolean() ? null : string();
    }

    private long anyLong() {
      return switch (rnd.nextInt(4)) {
        case 0 -> new long[] {0, 1, -1, 63, 64, -64, -65, 127, 128, 8191, 8192, Integer.MIN_VALUE, Integer.MAX_VALUE,
            Long.MIN_VALUE, Long.MAX_VALUE}[rnd.nextInt(15)];
        case 1 -> rnd.nextLong();
        default -> rnd.nextLong() >> rnd.nextInt(64); // every varint length
      };
    }

    private float anyFloat() {
      return switch (rnd.nextInt(4)) {
        case 0 -> new float[] {Float.NaN, Float.intBitsToFloat(0x7fc00abc), Float.intBitsToFloat(0xffc00001), -0.0f,
            0.0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, Float.MAX_VALUE}[rnd.nextInt(9)];
        case 1 -> Float.intBitsToFloat(rnd.nextInt());
        default -> (rnd.nextFloat() - 0.5f) * 1e6f;
      };
    }

    private double anyDouble() {
      return switch (rnd.nextInt(4)) {
        case 0 -> new double[] {Double.NaN, Double.longBitsToDouble(0x7ff80000deadbeefL), -0.0d, 0.0d,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE}[rnd.nextInt(8)];
        case 1 -> Double.longBitsToDouble(rnd.nextLong());
        default -> rnd.nextGaussian() * 1e9;
      };
    }

    private String string() {
      int len = switch (rnd.nextInt(5)) {
        case 0 -> 0;
        case 1 -> 60 + rnd.nextInt(150); // around the one/two-byte length boundary, after UTF-8
        default -> rnd.nextInt(12);
      };
      StringBuilder s = new StringBuilder();
      int alphabet = rnd.nextInt(exotic ? 5 : 4); // per string, so some stay pure ASCII
      while (s.length() < len) {
        switch (rnd.nextInt(alphabet + 1)) {
          case 0 -> s.append((char) (' ' + rnd.nextInt(95)));
          case 1 -> s.append((char) (0x80 + rnd.nextInt(0x780))); // two bytes
          case 2 -> s.append((char) (0x800 + rnd.nextInt(0xD000 - 0x800))); // three bytes
          case 3 -> s.appendCodePoint(0x10000 + rnd.nextInt(0x10FFFF - 0x10000)); // four bytes
          default -> s.append((char) (0xD800 + rnd.nextInt(0x800))); // a lone (or accidental pair of) surrogate
        }
      }
      return s.toString();
    }

    private ByteBuffer bytes() {
      byte[] data = new byte[rnd.nextInt(5) == 0 ? 70 + rnd.nextInt(100) : rnd.nextInt(10)];
      rnd.nextBytes(data);
      int from = data.length == 0 ? 0 : rnd.nextInt(data.length);
      ByteBuffer heap = ByteBuffer.wrap(data).position(from);
      return switch (rnd.nextInt(5)) {
        case 0 -> ByteBuffer.wrap(data);
        case 1 -> heap; // non-zero position
        case 2 -> heap.slice(); // non-zero arrayOffset
        case 3 -> heap.asReadOnlyBuffer();
        default -> {
          ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).position(from);
          yield rnd.nextBoolean() ? direct : direct.asReadOnlyBuffer();
        }
      };
    }
  }
}
