package io.driftdb.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdb.pgwire.codec.ArrayText;
import io.driftdb.pgwire.codec.BinaryCodec;
import io.driftdb.pgwire.codec.CodecException;
import io.driftdb.pgwire.codec.FloatFormat;
import io.driftdb.pgwire.codec.TextCodec;
import io.driftdb.sql.PgType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CodecTest {

  private final TextCodec utc = new TextCodec(ZoneOffset.UTC);

  @Test
  void floatsUseShortestRoundTripDigitsInPostgresLayout() {
    assertThat(FloatFormat.format(1.5)).isEqualTo("1.5");
    assertThat(FloatFormat.format(100.0)).isEqualTo("100");
    assertThat(FloatFormat.format(1e20)).isEqualTo("1e+20");
    assertThat(FloatFormat.format(0.0001)).isEqualTo("0.0001");
    assertThat(FloatFormat.format(0.00001)).isEqualTo("1e-05");
    assertThat(FloatFormat.format(123456789012345.0)).isEqualTo("123456789012345");
    assertThat(FloatFormat.format(1234567890123456.0)).isEqualTo("1.234567890123456e+15");
    assertThat(FloatFormat.format(-2.5e-300)).isEqualTo("-2.5e-300");
    assertThat(FloatFormat.format(0.1 + 0.2)).isEqualTo("0.30000000000000004");
    assertThat(FloatFormat.format(Double.NaN)).isEqualTo("NaN");
    assertThat(FloatFormat.format(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
    assertThat(FloatFormat.format(-0.0)).isEqualTo("-0");
    assertThat(FloatFormat.format(1e6f)).isEqualTo("1e+06");
    assertThat(FloatFormat.format(123456f)).isEqualTo("123456");
    assertThat(FloatFormat.format(0.1f)).isEqualTo("0.1");
    assertThat(FloatFormat.format(Float.MAX_VALUE)).isEqualTo("3.4028235e+38");
  }

  @Test
  void textOutputMatchesPostgres() {
    assertThat(utc.encode(PgType.BOOL, true)).isEqualTo("t");
    assertThat(utc.encode(PgType.INT8, 9_000_000_000L)).isEqualTo("9000000000");
    assertThat(utc.encode(PgType.OID, 4_000_000_000L)).isEqualTo("4000000000");
    assertThat(utc.encode(PgType.NUMERIC, new BigDecimal("1E+3"))).isEqualTo("1000");
    assertThat(utc.encode(PgType.NUMERIC, new BigDecimal("-0.000100"))).isEqualTo("-0.000100");
    assertThat(utc.encode(PgType.BYTEA, new byte[] {0, 1, (byte) 0xFF})).isEqualTo("\\x0001ff");
    assertThat(utc.encode(PgType.DATE, LocalDate.of(2024, 2, 29))).isEqualTo("2024-02-29");
    assertThat(utc.encode(PgType.DATE, LocalDate.of(-43, 3, 15))).isEqualTo("0044-03-15 BC");
    assertThat(utc.encode(PgType.DATE, LocalDate.MAX)).isEqualTo("infinity");
    assertThat(utc.encode(PgType.TIMESTAMP, LocalDateTime.of(2024, 1, 2, 3, 4, 5, 120_000_000)))
        .isEqualTo("2024-01-02 03:04:05.12");
    assertThat(utc.encode(PgType.TIMESTAMP, LocalDateTime.of(2024, 1, 2, 3, 4, 5))).isEqualTo("2024-01-02 03:04:05");
    OffsetDateTime instant = OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC);
    assertThat(utc.encode(PgType.TIMESTAMPTZ, instant)).isEqualTo("2024-01-02 03:04:05+00");
    assertThat(new TextCodec(ZoneId.of("Asia/Kolkata")).encode(PgType.TIMESTAMPTZ, instant))
        .isEqualTo("2024-01-02 08:34:05+05:30");
    assertThat(new TextCodec(ZoneId.of("America/Los_Angeles")).encode(PgType.TIMESTAMPTZ, instant))
        .isEqualTo("2024-01-01 19:04:05-08");
    assertThat(utc.encode(PgType.TEXT_ARRAY, Arrays.asList("a", "b c", null, "", "NULL", "x\"y", "back\\slash")))
        .isEqualTo("{a,\"b c\",NULL,\"\",\"NULL\",\"x\\\"y\",\"back\\\\slash\"}");
    assertThat(utc.encode(PgType.INT4_ARRAY, List.of())).isEqualTo("{}");
    assertThat(utc.encode(PgType.INT4_ARRAY, new int[] {1, 2})).isEqualTo("{1,2}");
  }

  @Test
  void textInputParsesIntoJavaTypes() {
    assertThat(utc.decode(PgType.BOOL, "yes")).isEqualTo(true);
    assertThat(utc.decode(PgType.INT2, " 12 ")).isEqualTo((short) 12);
    assertThat(utc.decode(PgType.INT4, "-7")).isEqualTo(-7);
    assertThat(utc.decode(PgType.INT8, "9000000000")).isEqualTo(9_000_000_000L);
    assertThat(utc.decode(PgType.FLOAT8, "1e-5")).isEqualTo(1e-5);
    assertThat(utc.decode(PgType.FLOAT4, "Infinity")).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(utc.decode(PgType.NUMERIC, "12.50")).isEqualTo(new BigDecimal("12.50"));
    assertThat((byte[]) utc.decode(PgType.BYTEA, "\\x00ff")).containsExactly(0, 0xFF);
    assertThat((byte[]) utc.decode(PgType.BYTEA, "a\\\\b\\001")).containsExactly('a', '\\', 'b', 1);
    assertThat(utc.decode(PgType.DATE, "2024-02-29")).isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(utc.decode(PgType.DATE, "2024-02-29 +00")).isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(utc.decode(PgType.DATE, "0044-03-15 BC")).isEqualTo(LocalDate.of(-43, 3, 15));
    assertThat(utc.decode(PgType.TIMESTAMP, "2024-01-02 03:04:05.123456789"))
        .isEqualTo(LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_457_000));
    assertThat(utc.decode(PgType.TIMESTAMP, "2024-01-02T03:04:05+02")).isEqualTo(LocalDateTime.of(2024, 1, 2, 3, 4, 5));
    assertThat(utc.decode(PgType.TIMESTAMPTZ, "2024-01-02 03:04:05+02"))
        .isEqualTo(OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2)));
    assertThat(utc.decode(PgType.TIMESTAMPTZ, "2024-01-02 03:04:05.5-03:30"))
        .isEqualTo(OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 500_000_000, ZoneOffset.ofHoursMinutes(-3, -30)));
    assertThat(((OffsetDateTime) new TextCodec(ZoneId.of("Europe/Berlin")).decode(PgType.TIMESTAMPTZ,
        "2024-07-01 12:00:00")).getOffset()).isEqualTo(ZoneOffset.ofHours(2));
    assertThat(utc.decode(PgType.UUID, "{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}"))
        .isEqualTo(UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
    assertThat(utc.decode(PgType.OID, "4000000000")).isEqualTo(4_000_000_000L);
    assertThat(utc.decode(PgType.TEXT_ARRAY, "{a,\"b c\",NULL,\"\",\"NULL\",\"x\\\"y\"}"))
        .isEqualTo(Arrays.asList("a", "b c", null, "", "NULL", "x\"y"));
    assertThat(utc.decode(PgType.INT4_ARRAY, "[1:3]={ 1 , 2 ,NULL}")).isEqualTo(Arrays.asList(1, 2, null));
    assertThat(utc.decode(PgType.INT2_ARRAY, "{}")).isEqualTo(List.of());
    assertThat(utc.decode(PgType.UNKNOWN, " keep me ")).isEqualTo(" keep me ");
  }

  @Test
  void invalidTextCarriesPostgresSqlStates() {
    assertThatThrownBy(() -> utc.decode(PgType.INT4, "12a")).isInstanceOf(CodecException.class)
        .hasMessage("invalid input syntax for type integer: \"12a\"")
        .satisfies(e -> assertThat(((CodecException) e).sqlState()).isEqualTo("22P02"));
    assertThatThrownBy(() -> utc.decode(PgType.INT2, "40000"))
        .satisfies(e -> assertThat(((CodecException) e).sqlState()).isEqualTo("22003"));
    assertThatThrownBy(() -> utc.decode(PgType.FLOAT8, "1.5f")).isInstanceOf(CodecException.class);
    assertThatThrownBy(() -> utc.decode(PgType.BOOL, "maybe")).isInstanceOf(CodecException.class);
    assertThatThrownBy(() -> utc.decode(PgType.DATE, "31/12/2024"))
        .satisfies(e -> assertThat(((CodecException) e).sqlState()).isEqualTo("22007"));
    assertThatThrownBy(() -> utc.decode(PgType.INT4_ARRAY, "{{1},{2}}"))
        .satisfies(e -> assertThat(((CodecException) e).sqlState()).isEqualTo("0A000"));
    assertThatThrownBy(() -> ArrayText.parse("{a,b")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void binaryRoundTripsEveryType() {
    Object[][] cases = {
        {PgType.BOOL, true}, {PgType.INT2, (short) -5}, {PgType.INT4, 42}, {PgType.INT8, -9_000_000_000L},
        {PgType.FLOAT4, 1.25f}, {PgType.FLOAT8, Math.PI}, {PgType.NUMERIC, new BigDecimal("12345.678")},
        {PgType.TEXT, "héllo"}, {PgType.VARCHAR, "v"}, {PgType.BPCHAR, "b "}, {PgType.NAME, "n"}, {PgType.CHAR, "c"},
        {PgType.DATE, LocalDate.of(1999, 12, 31)}, {PgType.TIMESTAMP, LocalDateTime.of(1970, 1, 1, 0, 0, 0, 1000)},
        {PgType.TIMESTAMPTZ, OffsetDateTime.of(2030, 5, 6, 7, 8, 9, 999_999_000, ZoneOffset.UTC)},
        {PgType.UUID, UUID.randomUUID()}, {PgType.JSON, "{\"a\":1}"}, {PgType.JSONB, "{\"b\":2}"},
        {PgType.OID, 4_000_000_000L}, {PgType.TEXT_ARRAY, Arrays.asList("x", null, "")},
        {PgType.INT4_ARRAY, Arrays.asList(1, null, 3)}, {PgType.INT2_ARRAY, List.of((short) 1)},
        {PgType.OID_ARRAY, List.of(7L)}, {PgType.INT4_ARRAY, List.of()}, {PgType.UNKNOWN, "u"},
        {PgType.DATE, LocalDate.MAX}, {PgType.TIMESTAMP, LocalDateTime.MIN},
    };
    for (Object[] c : cases) {
      PgType type = (PgType) c[0];
      ByteBuf buf = Unpooled.buffer();
      BinaryCodec.encode(type, c[1], buf, utc);
      assertThat(BinaryCodec.decode(type, buf)).as(type.name()).isEqualTo(c[1]);
    }
    ByteBuf bytes = Unpooled.buffer();
    BinaryCodec.encode(PgType.BYTEA, new byte[] {9, 8}, bytes, utc);
    assertThat((byte[]) BinaryCodec.decode(PgType.BYTEA, bytes)).containsExactly(9, 8);
  }

  @Test
  void binaryLayoutsMatchThePostgresWireFormat() {
    assertThat(hex(PgType.DATE, LocalDate.of(2000, 1, 1))).isEqualTo("00000000");
    assertThat(hex(PgType.DATE, LocalDate.of(1999, 12, 31))).isEqualTo("ffffffff");
    assertThat(hex(PgType.TIMESTAMP, LocalDateTime.of(2000, 1, 1, 0, 0, 1))).isEqualTo("00000000000f4240");
    assertThat(hex(PgType.TIMESTAMPTZ, OffsetDateTime.of(2000, 1, 1, 1, 0, 0, 0, ZoneOffset.ofHours(1))))
        .isEqualTo("0000000000000000");
    assertThat(hex(PgType.JSONB, "{}")).isEqualTo("017b7d");
    // 12345.678 = 1|2345|6780 × 10000^(1..-1): ndigits 3, weight 1, sign +, dscale 3
    assertThat(hex(PgType.NUMERIC, new BigDecimal("12345.678"))).isEqualTo("0003" + "0001" + "0000" + "0003"
        + "0001" + "0929" + "1a7c");
    assertThat(hex(PgType.NUMERIC, new BigDecimal("-0.0001"))).isEqualTo("0001" + "ffff" + "4000" + "0004" + "0001");
    assertThat(hex(PgType.NUMERIC, new BigDecimal("0.00"))).isEqualTo("0000" + "0000" + "0000" + "0002");
    assertThat(hex(PgType.NUMERIC, new BigDecimal("10000"))).isEqualTo("0001" + "0001" + "0000" + "0000" + "0001");
    assertThat(hex(PgType.INT4_ARRAY, List.of(5))).isEqualTo("00000001" + "00000000" + "00000017" + "00000001"
        + "00000001" + "00000004" + "00000005");
  }

  @Test
  void numericBinaryRoundTripsAwkwardValues() {
    for (String s : List.of("0", "0.00", "1", "-1", "10000", "99999999", "0.1", "123456789.123456789",
        "1E+20", "-1.5E-10", "3.14159265358979323846264338327950288")) {
      BigDecimal v = new BigDecimal(s);
      ByteBuf buf = Unpooled.buffer();
      BinaryCodec.encode(PgType.NUMERIC, v, buf, utc);
      BigDecimal back = (BigDecimal) BinaryCodec.decode(PgType.NUMERIC, buf);
      assertThat(back.compareTo(v)).as(s).isZero();
      assertThat(back.scale()).as(s).isEqualTo(Math.max(0, v.scale()));
    }
  }

  @Test
  void malformedBinaryIsRejectedWith22P03() {
    assertThatThrownBy(() -> BinaryCodec.decode(PgType.INT4, Unpooled.wrappedBuffer(new byte[] {1, 2})))
        .satisfies(e -> assertThat(((CodecException) e).sqlState()).isEqualTo("22P03"));
    assertThatThrownBy(() -> BinaryCodec.decode(PgType.JSONB, Unpooled.wrappedBuffer(new byte[] {2, '{', '}'})))
        .isInstanceOf(CodecException.class);
    assertThatThrownBy(() -> BinaryCodec.decode(PgType.INT4_ARRAY,
        Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("00000001000000000000001900000001000000010000000161"))))
        .satisfies(e -> assertThat(((CodecException) e).sqlState()).isEqualTo("42804"));
  }

  private String hex(PgType type, Object value) {
    ByteBuf buf = Unpooled.buffer();
    BinaryCodec.encode(type, value, buf, utc);
    return ByteBufUtil.hexDump(buf);
  }
}
