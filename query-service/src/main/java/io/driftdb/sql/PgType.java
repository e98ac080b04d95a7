package io.driftdb.sql;

/**
 * PostgreSQL types DriftDB exposes, with their OIDs. Java value types: BOOL Boolean, INT2 Short,
 * INT4 Integer, INT8/OID Long, FLOAT4 Float, FLOAT8 Double, NUMERIC BigDecimal, BYTEA byte[],
 * DATE LocalDate, TIMESTAMP LocalDateTime, TIMESTAMPTZ OffsetDateTime, UUID java.util.UUID,
 * text-like types (TEXT, VARCHAR, BPCHAR, NAME, CHAR, JSON, JSONB, UNKNOWN) String,
 * array types java.util.List of the element's Java type.
 */
public enum PgType {
  BOOL(16, 1, "bool"),
  BYTEA(17, -1, "bytea"),
  CHAR(18, 1, "char"),
  NAME(19, 64, "name"),
  INT8(20, 8, "int8"),
  INT2(21, 2, "int2"),
  INT4(23, 4, "int4"),
  TEXT(25, -1, "text"),
  OID(26, 4, "oid"),
  JSON(114, -1, "json"),
  FLOAT4(700, 4, "float4"),
  FLOAT8(701, 8, "float8"),
  UNKNOWN(705, -2, "unknown"),
  BPCHAR(1042, -1, "bpchar"),
  VARCHAR(1043, -1, "varchar"),
  DATE(1082, 4, "date"),
  TIMESTAMP(1114, 8, "timestamp"),
  TIMESTAMPTZ(1184, 8, "timestamptz"),
  NUMERIC(1700, -1, "numeric"),
  UUID(2950, 16, "uuid"),
  JSONB(3802, -1, "jsonb"),
  INT2_ARRAY(1005, -1, "_int2"),
  INT4_ARRAY(1007, -1, "_int4"),
  TEXT_ARRAY(1009, -1, "_text"),
  OID_ARRAY(1028, -1, "_oid");

  private final int oid;
  private final int size;
  private final String typname;

  PgType(int oid, int size, String typname) {
    this.oid = oid;
    this.size = size;
    this.typname = typname;
  }

  public int oid() {
    return oid;
  }

  /** typlen as pg_type reports it (-1 varlena, -2 cstring). */
  public int size() {
    return size;
  }

  public String typname() {
    return typname;
  }

  public static PgType byOid(int oid) {
    for (PgType t : values()) {
      if (t.oid == oid) {
        return t;
      }
    }
    return UNKNOWN;
  }
}
