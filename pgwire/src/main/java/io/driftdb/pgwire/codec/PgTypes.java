package io.driftdb.pgwire.codec;

import io.driftdb.sql.PgType;

/** Facts about {@link PgType}s the codecs need: array element types and SQL-facing names. */
public final class PgTypes {

  private PgTypes() {}

  /** The element type of an array type, or null when {@code type} is not an array. */
  public static PgType elementType(PgType type) {
    return switch (type) {
      case INT2_ARRAY -> PgType.INT2;
      case INT4_ARRAY -> PgType.INT4;
      case TEXT_ARRAY -> PgType.TEXT;
      case OID_ARRAY -> PgType.OID;
      default -> null;
    };
  }

  public static boolean isArray(PgType type) {
    return elementType(type) != null;
  }

  /** The type name PostgreSQL uses in error messages (format_type). */
  public static String sqlName(PgType type) {
    return switch (type) {
      case BOOL -> "boolean";
      case INT2 -> "smallint";
      case INT4 -> "integer";
      case INT8 -> "bigint";
      case FLOAT4 -> "real";
      case FLOAT8 -> "double precision";
      case VARCHAR -> "character varying";
      case BPCHAR -> "character";
      case CHAR -> "\"char\"";
      case TIMESTAMP -> "timestamp without time zone";
      case TIMESTAMPTZ -> "timestamp with time zone";
      case INT2_ARRAY -> "smallint[]";
      case INT4_ARRAY -> "integer[]";
      case TEXT_ARRAY -> "text[]";
      case OID_ARRAY -> "oid[]";
      default -> type.typname();
    };
  }
}
