package io.driftdb.sql.exec;

import io.driftdb.materializer.ColumnInfo;
import io.driftdb.materializer.ColumnType;
import io.driftdb.sql.SqlError;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.UUID;
import org.apache.calcite.avatica.util.ByteString;

/**
 * Conversions between the value forms DriftDB meets: client values (PgType Java types),
 * Calcite's internal forms (days, millis, ByteString) which are also the stored forms, and
 * text. Errors carry PostgreSQL's SQLSTATEs and wording.
 */
public final class Values {
  private static final DateTimeFormatter TS = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd")
      .optionalStart().optionalStart().appendLiteral(' ').optionalEnd().optionalStart().appendLiteral('T').optionalEnd()
      .appendPattern("HH:mm")
      .optionalStart().appendPattern(":ss").optionalEnd()
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .optionalEnd()
      .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
      .optionalStart().appendOffset("+HH", "Z").optionalEnd()
      .optionalStart().appendLiteral(' ').appendZoneText(java.time.format.TextStyle.SHORT).optionalEnd()
      .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
      .toFormatter(Locale.ROOT);

  private Values() {}

  /** Parses a timestamp literal ('2025-10-24 12:00:00', ISO forms, with optional offset) to UTC millis. */
  public static long parseTimestampMillis(String text) {
    String s = text.trim();
    if (s.equalsIgnoreCase("now")) {
      return System.currentTimeMillis();
    }
    if (s.equalsIgnoreCase("infinity")) {
      return Long.MAX_VALUE;
    }
    try {
      var parsed = TS.parseBest(s, OffsetDateTime::from, LocalDateTime::from);
      if (parsed instanceof OffsetDateTime o) {
        return o.toInstant().toEpochMilli();
      }
      return ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new SqlError("22007", "invalid input syntax for type timestamp: \"" + text + "\"");
    }
  }

  public static int parseDateDays(String text) {
    try {
      return (int) LocalDate.parse(text.trim()).toEpochDay();
    } catch (DateTimeParseException e) {
      try {
        return (int) Math.floorDiv(parseTimestampMillis(text), 86_400_000L);
      } catch (SqlError e2) {
        throw new SqlError("22007", "invalid input syntax for type date: \"" + text + "\"");
      }
    }
  }

  /** Client parameter value (PgType Java types or text) to Calcite's internal form. */
  public static Object paramToInternal(Object v) {
    if (v instanceof LocalDate d) {
      return (int) d.toEpochDay();
    }
    if (v instanceof LocalDateTime t) {
      return t.toInstant(ZoneOffset.UTC).toEpochMilli();
    }
    if (v instanceof OffsetDateTime t) {
      return t.toInstant().toEpochMilli();
    }
    if (v instanceof Instant i) {
      return i.toEpochMilli();
    }
    if (v instanceof UUID u) {
      return u.toString();
    }
    if (v instanceof byte[] b) {
      return new ByteString(b);
    }
    if (v instanceof Short s) {
      return s.intValue();
    }
    return v;
  }

  /** Calcite internal value of a result column to the client's Java type for {@code pg}. */
  public static Object internalToClient(Object v, io.driftdb.sql.PgType pg) {
    if (v == null) {
      return null;
    }
    return switch (pg) {
      case DATE -> v instanceof Number n ? LocalDate.ofEpochDay(n.longValue()) : v;
      case TIMESTAMP -> v instanceof Number n ? LocalDateTime.ofInstant(Instant.ofEpochMilli(n.longValue()), ZoneOffset.UTC) : v;
      case TIMESTAMPTZ -> v instanceof Number n ? OffsetDateTime.ofInstant(Instant.ofEpochMilli(n.longValue()), ZoneOffset.UTC) : v;
      case BYTEA -> v instanceof ByteString b ? b.getBytes() : v;
      case INT2 -> v instanceof Number n ? n.shortValue() : v;
      case INT4 -> v instanceof Number n ? n.intValue() : v;
      case INT8 -> v instanceof Number n ? n.longValue() : v;
      case FLOAT4 -> v instanceof Number n ? n.floatValue() : v;
      case FLOAT8 -> v instanceof Number n ? n.doubleValue() : v;
      case NUMERIC -> v instanceof BigDecimal d ? d : v instanceof Number n ? new BigDecimal(n.toString()) : v;
      case TEXT, VARCHAR, BPCHAR, NAME, JSON, JSONB -> v instanceof String ? v : v instanceof ByteString b ? b.toString() : String.valueOf(v);
      default -> v;
    };
  }

  /**
   * Coerces a value (client type, Calcite internal form or text) to {@code col}'s stored form,
   * with PostgreSQL's assignment rules: text converts by parsing, numbers convert between
   * numeric types, anything else is a type mismatch.
   */
  public static Object toColumn(Object v, ColumnInfo col) {
    if (v == null) {
      return null;
    }
    ColumnType t = col.type();
    try {
      return switch (t.kind()) {
        case SMALLINT -> {
          long x = toLong(v, col, "smallint");
          if (x < Short.MIN_VALUE || x > Short.MAX_VALUE) {
            throw new SqlError(SqlError.NUMERIC_OUT_OF_RANGE, "smallint out of range");
          }
          yield (short) x;
        }
        case INTEGER -> {
          long x = toLong(v, col, "integer");
          if (x < Integer.MIN_VALUE || x > Integer.MAX_VALUE) {
            throw new SqlError(SqlError.NUMERIC_OUT_OF_RANGE, "integer out of range");
          }
          yield (int) x;
        }
        case BIGINT -> v instanceof Long l ? (Object) l : (Object) toLong(v, col, "bigint"); // no re-boxing
        case REAL -> (float) toDouble(v, col, "real");
        case DOUBLE -> toDouble(v, col, "double precision");
        case NUMERIC -> {
          BigDecimal d = toDecimal(v, col);
          if (t.precision() > 0) {
            d = d.setScale(t.scale(), RoundingMode.HALF_UP);
            if (d.precision() - d.scale() > t.precision() - t.scale()) {
              throw new SqlError(SqlError.NUMERIC_OUT_OF_RANGE, "numeric field overflow");
            }
          }
          yield d;
        }
        case BOOLEAN -> toBoolean(v, col);
        case TEXT, JSONB -> text(v, col);
        case UUID -> {
          String s = text(v, col);
          try {
            yield UUID.fromString(s.trim()).toString();
          } catch (IllegalArgumentException e) {
            throw new SqlError(SqlError.INVALID_TEXT_REPRESENTATION, "invalid input syntax for type uuid: \"" + s + "\"");
          }
        }
        case VARCHAR -> {
          String s = text(v, col);
          if (t.length() >= 0 && s.codePointCount(0, s.length()) > t.length()) {
            String trimmed = s.stripTrailing();
            if (trimmed.codePointCount(0, trimmed.length()) > t.length()) {
              throw new SqlError(SqlError.STRING_TOO_LONG, "value too long for type character varying(" + t.length() + ")");
            }
            s = trimmed;
          }
          yield s;
        }
        case CHAR -> {
          String s = text(v, col).stripTrailing();
          if (s.length() > t.length()) {
            throw new SqlError(SqlError.STRING_TOO_LONG, "value too long for type character(" + t.length() + ")");
          }
          yield s + " ".repeat(t.length() - s.length());
        }
        case DATE -> {
          if (v instanceof String s) {
            yield parseDateDays(s);
          }
          if (v instanceof LocalDate d) {
            yield (int) d.toEpochDay();
          }
          if (v instanceof Integer i) {
            yield i;
          }
          throw mismatch(col, v);
        }
        case TIMESTAMP, TIMESTAMPTZ -> {
          if (v instanceof String s) {
            yield parseTimestampMillis(s);
          }
          if (v instanceof Long l) {
            yield l;
          }
          Object internal = paramToInternal(v);
          if (internal instanceof Long l) {
            yield l;
          }
          if (v instanceof Integer days) {
            yield days * 86_400_000L;
          }
          throw mismatch(col, v);
        }
        case BYTEA -> {
          if (v instanceof byte[] b) {
            yield b;
          }
          if (v instanceof ByteString b) {
            yield b.getBytes();
          }
          if (v instanceof String s) {
            yield parseBytea(s);
          }
          throw mismatch(col, v);
        }
      };
    } catch (NumberFormatException e) {
      throw new SqlError(SqlError.INVALID_TEXT_REPRESENTATION,
          "invalid input syntax for type " + pgName(t) + ": \"" + v + "\"");
    }
  }

  private static SqlError mismatch(ColumnInfo col, Object v) {
    return new SqlError(SqlError.DATATYPE_MISMATCH, "column \"" + col.name() + "\" is of type " + pgName(col.type())
        + " but expression is of type " + javaTypeName(v));
  }

  static String javaTypeName(Object v) {
    if (v instanceof Boolean) {
      return "boolean";
    }
    if (v instanceof Integer || v instanceof Short) {
      return "integer";
    }
    if (v instanceof Long) {
      return "bigint";
    }
    if (v instanceof Double || v instanceof Float) {
      return "double precision";
    }
    if (v instanceof BigDecimal) {
      return "numeric";
    }
    if (v instanceof String) {
      return "text";
    }
    if (v instanceof byte[] || v instanceof ByteString) {
      return "bytea";
    }
    return v.getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }

  public static String pgName(ColumnType t) {
    return switch (t.kind()) {
      case SMALLINT -> "smallint";
      case INTEGER -> "integer";
      case BIGINT -> "bigint";
      case REAL -> "real";
      case DOUBLE -> "double precision";
      case NUMERIC -> "numeric";
      case BOOLEAN -> "boolean";
      case TEXT -> "text";
      case VARCHAR -> "character varying";
      case CHAR -> "character";
      case DATE -> "date";
      case TIMESTAMP -> "timestamp without time zone";
      case TIMESTAMPTZ -> "timestamp with time zone";
      case BYTEA -> "bytea";
      case JSONB -> "jsonb";
      case UUID -> "uuid";
    };
  }

  private static long toLong(Object v, ColumnInfo col, String type) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof BigDecimal d) {
      return d.setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }
    if (v instanceof Double || v instanceof Float) {
      return Math.round(((Number) v).doubleValue());
    }
    if (v instanceof String s) {
      return Long.parseLong(s.trim());
    }
    throw mismatch(col, v);
  }

  private static double toDouble(Object v, ColumnInfo col, String type) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof String s) {
      String x = s.trim().toLowerCase(Locale.ROOT);
      return switch (x) {
        case "nan" -> Double.NaN;
        case "infinity", "inf" -> Double.POSITIVE_INFINITY;
        case "-infinity", "-inf" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble(x);
      };
    }
    throw mismatch(col, v);
  }

  private static BigDecimal toDecimal(Object v, ColumnInfo col) {
    if (v instanceof BigDecimal d) {
      return d;
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short) {
      return BigDecimal.valueOf(((Number) v).longValue());
    }
    if (v instanceof Number n) {
      return new BigDecimal(n.toString());
    }
    if (v instanceof String s) {
      return new BigDecimal(s.trim());
    }
    throw mismatch(col, v);
  }

  private static Boolean toBoolean(Object v, ColumnInfo col) {
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s) {
      switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "t", "true", "yes", "y", "on", "1":
          return true;
        case "f", "false", "no", "n", "off", "0":
          return false;
        default:
          throw new SqlError(SqlError.INVALID_TEXT_REPRESENTATION, "invalid input syntax for type boolean: \"" + s + "\"");
      }
    }
    throw mismatch(col, v);
  }

  private static String text(Object v, ColumnInfo col) {
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Number || v instanceof Boolean || v instanceof java.util.UUID) {
      return v.toString();
    }
    if (v instanceof LocalDate || v instanceof LocalDateTime || v instanceof OffsetDateTime) {
      return v.toString().replace('T', ' ');
    }
    if (v instanceof ByteString b) {
      return new String(b.getBytes(), StandardCharsets.UTF_8);
    }
    throw mismatch(col, v);
  }

  static byte[] parseBytea(String s) {
    if (s.startsWith("\\x")) {
      String hex = s.substring(2);
      byte[] out = new byte[hex.length() / 2];
      for (int i = 0; i < out.length; i++) {
        out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
      }
      return out;
    }
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
