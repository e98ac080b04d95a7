package io.driftdb.pgwire.codec;

import io.driftdb.sql.PgType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Binary format (format code 1) of every {@link PgType}, as PostgreSQL's send/receive functions
 * define it: big-endian integers, IEEE floats, base-10000 numeric, dates as days and timestamps
 * as microseconds since 2000-01-01, jsonb with a leading version byte 1, and one-dimensional
 * arrays with the standard array header. Stateless.
 */
public final class BinaryCodec {

  /** 2000-01-01 as days and seconds since the Unix epoch: PostgreSQL's binary epoch. */
  private static final long PG_EPOCH_DAYS = 10_957;
  private static final long PG_EPOCH_SECONDS = PG_EPOCH_DAYS * 86_400;

  private BinaryCodec() {}

  // ---------------------------------------------------------------- output

  /** Writes the binary form of a non-null value (without its length prefix). */
  public static void encode(PgType type, Object value, ByteBuf out, TextCodec text) {
    switch (type) {
      case BOOL -> out.writeByte(toBoolean(value) ? 1 : 0);
      case INT2 -> out.writeShort(toNumber(value).shortValue());
      case INT4 -> out.writeInt(toNumber(value).intValue());
      case INT8 -> out.writeLong(toNumber(value).longValue());
      case OID -> out.writeInt((int) toNumber(value).longValue());
      case FLOAT4 -> out.writeFloat(toNumber(value).floatValue());
      case FLOAT8 -> out.writeDouble(toNumber(value).doubleValue());
      case NUMERIC -> NumericBinary.encode(toBigDecimal(value), out);
      case BYTEA -> {
        if (value instanceof byte[] bytes) {
          out.writeBytes(bytes);
        } else if (value instanceof ByteBuffer buf) {
          out.writeBytes(buf.duplicate());
        } else {
          out.writeBytes(TextCodec.parseBytea(value.toString()));
        }
      }
      case DATE -> {
        LocalDate date = DateTimeText.toLocalDate(value);
        if (date.equals(LocalDate.MAX)) {
          out.writeInt(Integer.MAX_VALUE);
        } else if (date.equals(LocalDate.MIN)) {
          out.writeInt(Integer.MIN_VALUE);
        } else {
          out.writeInt((int) (date.toEpochDay() - PG_EPOCH_DAYS));
        }
      }
      case TIMESTAMP -> {
        LocalDateTime ts = DateTimeText.toLocalDateTime(value);
        if (ts.equals(LocalDateTime.MAX)) {
          out.writeLong(Long.MAX_VALUE);
        } else if (ts.equals(LocalDateTime.MIN)) {
          out.writeLong(Long.MIN_VALUE);
        } else {
          out.writeLong(toPgMicros(ts.toEpochSecond(ZoneOffset.UTC), ts.getNano()));
        }
      }
      case TIMESTAMPTZ -> {
        OffsetDateTime ts = DateTimeText.toOffsetDateTime(value);
        if (ts.equals(OffsetDateTime.MAX)) {
          out.writeLong(Long.MAX_VALUE);
        } else if (ts.equals(OffsetDateTime.MIN)) {
          out.writeLong(Long.MIN_VALUE);
        } else {
          out.writeLong(toPgMicros(ts.toEpochSecond(), ts.getNano()));
        }
      }
      case UUID -> {
        UUID uuid = value instanceof UUID u ? u : java.util.UUID.fromString(value.toString());
        out.writeLong(uuid.getMostSignificantBits());
        out.writeLong(uuid.getLeastSignificantBits());
      }
      case CHAR -> {
        String s = value.toString();
        if (!s.isEmpty()) {
          byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
          out.writeByte(bytes[0]);
        }
      }
      case JSONB -> {
        out.writeByte(1);
        ByteBufUtil.writeUtf8(out, value.toString());
      }
      case INT2_ARRAY, INT4_ARRAY, TEXT_ARRAY, OID_ARRAY -> encodeArray(type, value, out, text);
      // TEXT, VARCHAR, BPCHAR, NAME, JSON, UNKNOWN: the UTF-8 text itself.
      default -> ByteBufUtil.writeUtf8(out, text.encode(type, value));
    }
  }

  private static void encodeArray(PgType type, Object value, ByteBuf out, TextCodec text) {
    List<?> list = TextCodec.asList(value);
    if (list == null) {
      throw new IllegalArgumentException("not an array value: " + value.getClass().getName());
    }
    PgType element = PgTypes.elementType(type);
    boolean hasNull = false;
    for (Object e : list) {
      hasNull |= e == null; // List.of(...).contains(null) would throw
    }
    out.writeInt(list.isEmpty() ? 0 : 1);
    out.writeInt(hasNull ? 1 : 0);
    out.writeInt(element.oid());
    if (!list.isEmpty()) {
      out.writeInt(list.size());
      out.writeInt(1); // lower bound
    }
    for (Object e : list) {
      if (e == null) {
        out.writeInt(-1);
        continue;
      }
      int lengthIndex = out.writerIndex();
      out.writeInt(0);
      encode(element, e, out, text);
      out.setInt(lengthIndex, out.writerIndex() - lengthIndex - 4);
    }
  }

  private static long toPgMicros(long epochSecond, int nanos) {
    return Math.addExact(Math.multiplyExact(epochSecond - PG_EPOCH_SECONDS, 1_000_000L), nanos / 1000);
  }

  private static boolean toBoolean(Object value) {
    if (value instanceof Boolean b) {
      return b;
    }
    return (Boolean) new TextCodec(ZoneOffset.UTC).decode(PgType.BOOL, value.toString());
  }

  private static Number toNumber(Object value) {
    if (value instanceof Number n) {
      return n;
    }
    return new BigDecimal(value.toString().trim());
  }

  private static BigDecimal toBigDecimal(Object value) {
    if (value instanceof BigDecimal bd) {
      return bd;
    }
    if (value instanceof BigInteger bi) {
      return new BigDecimal(bi);
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("numeric NaN/Infinity has no binary form here");
      }
      return new BigDecimal(value.toString());
    }
    if (value instanceof Number n) {
      return BigDecimal.valueOf(n.longValue());
    }
    return new BigDecimal(value.toString().trim());
  }

  // ---------------------------------------------------------------- input

  /**
   * Decodes a binary parameter value ({@code in} holds exactly the value's bytes) into the Java
   * type of {@code type}. Throws {@link CodecException} (22P03) for malformed data.
   */
  public static Object decode(PgType type, ByteBuf in) {
    int n = in.readableBytes();
    switch (type) {
      case BOOL:
        expectLength(type, n, 1);
        return in.readByte() != 0;
      case INT2:
        expectLength(type, n, 2);
        return in.readShort();
      case INT4:
        expectLength(type, n, 4);
        return in.readInt();
      case INT8:
        expectLength(type, n, 8);
        return in.readLong();
      case OID:
        expectLength(type, n, 4);
        return in.readUnsignedInt();
      case FLOAT4:
        expectLength(type, n, 4);
        return in.readFloat();
      case FLOAT8:
        expectLength(type, n, 8);
        return in.readDouble();
      case NUMERIC:
        return NumericBinary.decode(in);
      case BYTEA: {
        byte[] bytes = new byte[n];
        in.readBytes(bytes);
        return bytes;
      }
      case DATE: {
        expectLength(type, n, 4);
        int days = in.readInt();
        if (days == Integer.MAX_VALUE) {
          return LocalDate.MAX;
        }
        if (days == Integer.MIN_VALUE) {
          return LocalDate.MIN;
        }
        return LocalDate.ofEpochDay(days + PG_EPOCH_DAYS);
      }
      case TIMESTAMP: {
        expectLength(type, n, 8);
        long micros = in.readLong();
        if (micros == Long.MAX_VALUE) {
          return LocalDateTime.MAX;
        }
        if (micros == Long.MIN_VALUE) {
          return LocalDateTime.MIN;
        }
        return LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L) + PG_EPOCH_SECONDS,
            (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
      }
      case TIMESTAMPTZ: {
        expectLength(type, n, 8);
        long micros = in.readLong();
        if (micros == Long.MAX_VALUE) {
          return OffsetDateTime.MAX;
        }
        if (micros == Long.MIN_VALUE) {
          return OffsetDateTime.MIN;
        }
        return LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L) + PG_EPOCH_SECONDS,
            (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC).atOffset(ZoneOffset.UTC);
      }
      case UUID:
        expectLength(type, n, 16);
        return new UUID(in.readLong(), in.readLong());
      case JSONB: {
        if (n < 1 || in.readByte() != 1) {
          throw CodecException.badBinary(type, "unsupported jsonb version number");
        }
        return utf8(in, n - 1);
      }
      case INT2_ARRAY, INT4_ARRAY, TEXT_ARRAY, OID_ARRAY:
        return decodeArray(type, in);
      default: // text-like, json, "char", unknown: UTF-8 text
        return utf8(in, n);
    }
  }

  private static String utf8(ByteBuf in, int length) {
    if (!ByteBufUtil.isText(in, in.readerIndex(), length, StandardCharsets.UTF_8)) {
      throw new CodecException("22021", "invalid byte sequence for encoding \"UTF8\"");
    }
    return in.readCharSequence(length, StandardCharsets.UTF_8).toString();
  }

  private static List<Object> decodeArray(PgType type, ByteBuf in) {
    if (in.readableBytes() < 12) {
      throw CodecException.badBinary(type, "array header too short");
    }
    int ndim = in.readInt();
    int flags = in.readInt();
    int elementOid = in.readInt();
    if (flags != 0 && flags != 1) {
      throw CodecException.badBinary(type, "invalid array flags");
    }
    PgType expected = PgTypes.elementType(type);
    if (ndim == 0) {
      return Collections.emptyList();
    }
    if (ndim != 1) {
      throw new CodecException("0A000", "multidimensional arrays are not supported");
    }
    if (elementOid != expected.oid()) {
      throw new CodecException("42804", "wrong element type: expected " + PgTypes.sqlName(expected)
          + " but got OID " + elementOid);
    }
    if (in.readableBytes() < 8) {
      throw CodecException.badBinary(type, "array dimensions missing");
    }
    int size = in.readInt();
    in.readInt(); // lower bound: irrelevant to a List
    if (size < 0 || size > in.readableBytes() / 4) {
      throw CodecException.badBinary(type, "invalid array size");
    }
    List<Object> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      if (in.readableBytes() < 4) {
        throw CodecException.badBinary(type, "truncated array element");
      }
      int len = in.readInt();
      if (len == -1) {
        out.add(null);
        continue;
      }
      if (len < 0 || len > in.readableBytes()) {
        throw CodecException.badBinary(type, "invalid array element length");
      }
      out.add(decode(expected, in.readSlice(len)));
    }
    if (in.isReadable()) {
      throw CodecException.badBinary(type, "trailing bytes after array");
    }
    return Collections.unmodifiableList(out);
  }

  private static void expectLength(PgType type, int actual, int expected) {
    if (actual != expected) {
      throw CodecException.badBinary(type, "expected " + expected + " bytes, got " + actual);
    }
  }
}
