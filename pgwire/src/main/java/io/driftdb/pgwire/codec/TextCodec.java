package io.driftdb.pgwire.codec;

import io.driftdb.sql.PgType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Text format (format code 0) of every {@link PgType}, as PostgreSQL's output and input functions
 * write and read it. Immutable; one instance per session time zone because timestamptz text is
 * shown in, and read in, the session's TimeZone.
 */
public final class TextCodec {

  private static final Pattern FLOAT =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
  private static final HexFormat HEX = HexFormat.of();

  private final ZoneId zone;

  public TextCodec(ZoneId zone) {
    this.zone = zone;
  }

  public ZoneId zone() {
    return zone;
  }

  // ---------------------------------------------------------------- output

  /** The text of a non-null value; values use the Java types documented on {@link PgType}. */
  public String encode(PgType type, Object value) {
    switch (type) {
      case BOOL:
        if (value instanceof Boolean b) {
          return b ? "t" : "f";
        }
        break;
      case INT2, INT4, INT8:
        if (value instanceof Number n && !(value instanceof BigDecimal)) {
          return Long.toString(n.longValue());
        }
        if (value instanceof BigDecimal bd) {
          return bd.toBigInteger().toString();
        }
        break;
      case OID:
        if (value instanceof Integer i) {
          return Integer.toUnsignedString(i);
        }
        if (value instanceof Number n) {
          return Long.toString(n.longValue() & 0xFFFF_FFFFL);
        }
        break;
      case FLOAT4:
        if (value instanceof Number n) {
          return FloatFormat.format(n.floatValue());
        }
        break;
      case FLOAT8:
        if (value instanceof Number n) {
          return FloatFormat.format(n.doubleValue());
        }
        break;
      case NUMERIC:
        return numericText(value);
      case BYTEA:
        if (value instanceof byte[] bytes) {
          return "\\x" + HEX.formatHex(bytes);
        }
        if (value instanceof ByteBuffer buf) {
          return "\\x" + HEX.formatHex(toArray(buf));
        }
        break;
      case DATE:
        if (!(value instanceof String)) {
          return DateTimeText.formatDate(DateTimeText.toLocalDate(value));
        }
        break;
      case TIMESTAMP:
        if (!(value instanceof String)) {
          return DateTimeText.formatTimestamp(DateTimeText.toLocalDateTime(value));
        }
        break;
      case TIMESTAMPTZ:
        if (!(value instanceof String)) {
          return DateTimeText.formatTimestamptz(DateTimeText.toOffsetDateTime(value), zone);
        }
        break;
      case INT2_ARRAY, INT4_ARRAY, TEXT_ARRAY, OID_ARRAY:
        List<?> list = asList(value);
        if (list != null) {
          PgType element = PgTypes.elementType(type);
          return ArrayText.format(list, e -> encode(element, e));
        }
        break;
      default:
        break;
    }
    // Text types, UUID, JSON, and values the engine already rendered as text.
    return String.valueOf(value);
  }

  private static String numericText(Object value) {
    if (value instanceof BigDecimal bd) {
      return bd.toPlainString();
    }
    if (value instanceof BigInteger bi) {
      return bi.toString();
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d)) {
        return "NaN";
      }
      if (Double.isInfinite(d)) {
        return d > 0 ? "Infinity" : "-Infinity";
      }
      return new BigDecimal(value.toString()).toPlainString();
    }
    if (value instanceof Number n) {
      return Long.toString(n.longValue());
    }
    return String.valueOf(value);
  }

  /** Lists, object arrays and primitive int/short/long arrays as a List, or null. */
  static List<?> asList(Object value) {
    if (value instanceof List<?> l) {
      return l;
    }
    if (value instanceof Object[] arr) {
      return Arrays.asList(arr);
    }
    if (value instanceof int[] ints) {
      return Arrays.stream(ints).boxed().toList();
    }
    if (value instanceof long[] longs) {
      return Arrays.stream(longs).boxed().toList();
    }
    if (value instanceof short[] shorts) {
      List<Short> out = new ArrayList<>(shorts.length);
      for (short s : shorts) {
        out.add(s);
      }
      return out;
    }
    return null;
  }

  static byte[] toArray(ByteBuffer buf) {
    ByteBuffer dup = buf.duplicate();
    byte[] bytes = new byte[dup.remaining()];
    dup.get(bytes);
    return bytes;
  }

  // ---------------------------------------------------------------- input

  /**
   * Parses parameter text into the Java type of {@code type}; {@link PgType#UNKNOWN} and the
   * text-like types stay Strings. Throws {@link CodecException} for invalid input.
   */
  public Object decode(PgType type, String text) {
    switch (type) {
      case BOOL:
        return parseBool(text);
      case INT2: {
        long v = parseInteger(type, text);
        if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
          throw CodecException.outOfRange(type, text);
        }
        return (short) v;
      }
      case INT4: {
        long v = parseInteger(type, text);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
          throw CodecException.outOfRange(type, text);
        }
        return (int) v;
      }
      case INT8:
        return parseInteger(type, text);
      case OID: {
        long v = parseInteger(type, text);
        if (v < 0 || v > 0xFFFF_FFFFL) {
          throw CodecException.outOfRange(type, text);
        }
        return v;
      }
      case FLOAT4:
        return (float) parseDouble(type, text);
      case FLOAT8:
        return parseDouble(type, text);
      case NUMERIC:
        try {
          return new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
          throw CodecException.invalidText(type, text);
        }
      case BYTEA:
        return parseBytea(text);
      case DATE:
        try {
          return DateTimeText.parseDate(text);
        } catch (IllegalArgumentException e) {
          throw new CodecException("22007", e.getMessage(), e);
        }
      case TIMESTAMP:
        try {
          return DateTimeText.parseLocalTimestamp(text);
        } catch (IllegalArgumentException e) {
          throw new CodecException("22007", e.getMessage(), e);
        }
      case TIMESTAMPTZ:
        try {
          return DateTimeText.parseTimestamptz(text, zone);
        } catch (IllegalArgumentException e) {
          throw new CodecException("22007", e.getMessage(), e);
        }
      case UUID:
        return parseUuid(text);
      case INT2_ARRAY, INT4_ARRAY, TEXT_ARRAY, OID_ARRAY: {
        PgType element = PgTypes.elementType(type);
        List<String> parts;
        try {
          parts = ArrayText.parse(text);
        } catch (UnsupportedOperationException e) {
          throw new CodecException("0A000", e.getMessage(), e);
        } catch (IllegalArgumentException e) {
          throw new CodecException("22P02", e.getMessage(), e);
        }
        List<Object> out = new ArrayList<>(parts.size());
        for (String part : parts) {
          out.add(part == null ? null : decode(element, part));
        }
        return java.util.Collections.unmodifiableList(out);
      }
      default:
        return text; // text-like types, json, jsonb, "char", unknown
    }
  }

  private static Boolean parseBool(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    switch (s) {
      case "t", "true", "y", "yes", "on", "1":
        return Boolean.TRUE;
      case "f", "false", "n", "no", "off", "0":
        return Boolean.FALSE;
      default:
        throw CodecException.invalidText(PgType.BOOL, text);
    }
  }

  private static long parseInteger(PgType type, String text) {
    String s = text.trim();
    if (s.isEmpty()) {
      throw CodecException.invalidText(type, text);
    }
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (!(Character.isDigit(ch) || (i == 0 && (ch == '-' || ch == '+')))) {
        throw CodecException.invalidText(type, text);
      }
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      if (s.length() > 1) {
        throw CodecException.outOfRange(type, text); // all digits but too long
      }
      throw CodecException.invalidText(type, text);
    }
  }

  private static double parseDouble(PgType type, String text) {
    String s = text.trim();
    switch (s.toLowerCase(Locale.ROOT)) {
      case "nan":
        return Double.NaN;
      case "infinity", "+infinity", "inf", "+inf":
        return Double.POSITIVE_INFINITY;
      case "-infinity", "-inf":
        return Double.NEGATIVE_INFINITY;
      default:
        break;
    }
    if (!FLOAT.matcher(s).matches()) {
      throw CodecException.invalidText(type, text);
    }
    double d = Double.parseDouble(s);
    if (Double.isInfinite(d) || (type == PgType.FLOAT4 && Float.isInfinite((float) d))) {
      throw new CodecException("22003", "\"" + text + "\" is out of range for type " + PgTypes.sqlName(type));
    }
    return d;
  }

  /** Hex ({@code \x0a0b}) or escape format ({@code a\\b\001}), as bytea_in accepts. */
  static byte[] parseBytea(String text) {
    if (text.startsWith("\\x") || text.startsWith("\\X")) {
      String hex = text.substring(2).replaceAll("\\s", "");
      if (hex.length() % 2 != 0) {
        throw new CodecException("22P02", "invalid hexadecimal data: odd number of digits");
      }
      try {
        return HEX.parseHex(hex);
      } catch (IllegalArgumentException e) {
        throw new CodecException("22P02", "invalid hexadecimal digit in \"" + text + "\"");
      }
    }
    byte[] raw = text.getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(raw.length);
    for (int i = 0; i < raw.length; i++) {
      byte b = raw[i];
      if (b != '\\') {
        out.write(b);
        continue;
      }
      if (i + 1 < raw.length && raw[i + 1] == '\\') {
        out.write('\\');
        i++;
      } else if (i + 3 < raw.length && isOctal(raw[i + 1]) && isOctal(raw[i + 2]) && isOctal(raw[i + 3])
          && raw[i + 1] <= '3') {
        out.write(((raw[i + 1] - '0') << 6) | ((raw[i + 2] - '0') << 3) | (raw[i + 3] - '0'));
        i += 3;
      } else {
        throw new CodecException("22P02", "invalid input syntax for type bytea");
      }
    }
    return out.toByteArray();
  }

  private static boolean isOctal(byte b) {
    return b >= '0' && b <= '7';
  }

  private static UUID parseUuid(String text) {
    String s = text.trim();
    if (s.startsWith("{") && s.endsWith("}")) {
      s = s.substring(1, s.length() - 1);
    }
    String hex = s.replace("-", "");
    if (hex.length() != 32) {
      throw CodecException.invalidText(PgType.UUID, text);
    }
    try {
      long msb = Long.parseUnsignedLong(hex.substring(0, 16), 16);
      long lsb = Long.parseUnsignedLong(hex.substring(16), 16);
      return new UUID(msb, lsb);
    } catch (NumberFormatException e) {
      throw CodecException.invalidText(PgType.UUID, text);
    }
  }
}
