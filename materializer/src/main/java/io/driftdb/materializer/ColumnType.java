package io.driftdb.materializer;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A column's SQL type. In memory, values use the representation Calcite executes on, so scans
 * hand rows over without conversion: SMALLINT Short, INTEGER Integer, BIGINT Long, REAL Float,
 * DOUBLE Double, NUMERIC BigDecimal, BOOLEAN Boolean, text-like String, BYTEA byte[],
 * DATE Integer (days since 1970-01-01), TIMESTAMP/TIMESTAMPTZ Long (milliseconds since the epoch, UTC).
 */
public record ColumnType(Kind kind, int length, int precision, int scale) {

  public enum Kind {
    SMALLINT, INTEGER, BIGINT, REAL, DOUBLE, NUMERIC, BOOLEAN, TEXT, VARCHAR, CHAR, DATE, TIMESTAMP,
    TIMESTAMPTZ, BYTEA, JSONB, UUID
  }

  private static final Pattern TYPE = Pattern.compile(
      "\\s*([A-Za-z_][A-Za-z_0-9 ]*?)\\s*(?:\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\))?\\s*(\\[\\s*\\])?\\s*");

  public static ColumnType of(Kind kind) {
    return new ColumnType(kind, -1, -1, -1);
  }

  /** Parses a type name as users write it (PostgreSQL spellings and aliases included). */
  public static ColumnType parse(String text) {
    Matcher m = TYPE.matcher(text);
    if (!m.matches() || m.group(4) != null) {
      throw new IllegalArgumentException("type \"" + text.trim() + "\" does not exist");
    }
    String name = m.group(1).trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    int a = m.group(2) == null ? -1 : Integer.parseInt(m.group(2));
    int b = m.group(3) == null ? -1 : Integer.parseInt(m.group(3));
    Kind kind = switch (name) {
      case "smallint", "int2", "smallserial" -> Kind.SMALLINT;
      case "integer", "int", "int4", "serial" -> Kind.INTEGER;
      case "bigint", "int8", "bigserial" -> Kind.BIGINT;
      case "real", "float4" -> Kind.REAL;
      case "double precision", "double", "float8", "float" -> Kind.DOUBLE;
      case "numeric", "decimal" -> Kind.NUMERIC;
      case "boolean", "bool" -> Kind.BOOLEAN;
      case "text", "string" -> Kind.TEXT;
      case "varchar", "character varying" -> Kind.VARCHAR;
      case "char", "character", "bpchar" -> Kind.CHAR;
      case "date" -> Kind.DATE;
      case "timestamp", "timestamp without time zone", "datetime" -> Kind.TIMESTAMP;
      case "timestamptz", "timestamp with time zone" -> Kind.TIMESTAMPTZ;
      case "bytea", "blob" -> Kind.BYTEA;
      case "jsonb", "json" -> Kind.JSONB;
      case "uuid" -> Kind.UUID;
      default -> throw new IllegalArgumentException("type \"" + m.group(1).trim() + "\" does not exist");
    };
    return switch (kind) {
      case VARCHAR -> new ColumnType(kind, a, -1, -1);
      case CHAR -> new ColumnType(kind, a < 0 ? 1 : a, -1, -1);
      case NUMERIC -> new ColumnType(kind, -1, a, a < 0 ? -1 : Math.max(b, 0));
      default -> of(kind);
    };
  }

  /** The canonical SQL spelling, as stored in the log and shown by format_type. */
  public String sqlName() {
    return switch (kind) {
      case VARCHAR -> length < 0 ? "VARCHAR" : "VARCHAR(" + length + ")";
      case CHAR -> "CHAR(" + length + ")";
      case NUMERIC -> precision < 0 ? "NUMERIC" : "NUMERIC(" + precision + "," + scale + ")";
      case DOUBLE -> "DOUBLE PRECISION";
      default -> kind.name();
    };
  }

  public boolean isText() {
    return kind == Kind.TEXT || kind == Kind.VARCHAR || kind == Kind.CHAR || kind == Kind.JSONB || kind == Kind.UUID;
  }

  /** In-memory value to its Avro log encoding (see RowEvent.avsc). */
  public Object toLog(Object v) {
    if (v == null) {
      return null;
    }
    return switch (kind) {
      case SMALLINT -> ((Number) v).intValue();
      case NUMERIC -> ((BigDecimal) v).toPlainString();
      case BYTEA -> ByteBuffer.wrap((byte[]) v);
      case TIMESTAMP, TIMESTAMPTZ -> Math.multiplyExact((Long) v, 1000L);
      default -> v;
    };
  }

  /** Avro log encoding to the in-memory value. */
  public Object fromLog(Object v) {
    if (v == null) {
      return null;
    }
    // A value already of the engine's class is kept: boxing it again cost an object per cell.
    return switch (kind) {
      case SMALLINT -> v instanceof Short ? v : ((Number) v).shortValue();
      case INTEGER, DATE -> v instanceof Integer ? v : ((Number) v).intValue();
      case BIGINT -> v instanceof Long ? v : ((Number) v).longValue();
      case REAL -> ((Number) v).floatValue();
      case DOUBLE -> ((Number) v).doubleValue();
      case NUMERIC -> new BigDecimal(v.toString());
      case BOOLEAN -> (Boolean) v;
      case BYTEA -> {
        ByteBuffer b = ((ByteBuffer) v).duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        yield out;
      }
      case TIMESTAMP, TIMESTAMPTZ -> Math.floorDiv(((Number) v).longValue(), 1000L);
      default -> v.toString();
    };
  }
}
