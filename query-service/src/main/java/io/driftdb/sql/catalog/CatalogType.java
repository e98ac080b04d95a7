package io.driftdb.sql.catalog;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The SQL types of catalog columns and function signatures. PostgreSQL's internal types map
 * onto the types DriftDB actually returns: oid and regproc as integer, name and "char" as text,
 * int2vector/oidvector as arrays. Every value is nullable.
 */
enum CatalogType {
  OID("oid"), INT2("int2"), INT4("int4"), INT8("int8"), FLOAT4("float4"), BOOL("bool"), TEXT("text"),
  TIMESTAMPTZ("timestamptz"), INT2_ARRAY("int2[]"), OID_ARRAY("oid[]"), TEXT_ARRAY("text[]"), ANY("any"),
  ANY_ARRAY("any[]");

  private final String token;

  CatalogType(String token) {
    this.token = token;
  }

  /** Column-spec spelling: PostgreSQL's catalog type names, folded onto the kinds above. */
  static CatalogType parse(String t) {
    return switch (t) {
      case "oid", "xid" -> OID;
      // regproc holds the function's name, so that "'array_in'::regproc" comparisons work
      case "name", "text", "char", "node", "regproc" -> TEXT;
      case "int2vector" -> INT2_ARRAY;
      case "oidvector" -> OID_ARRAY;
      case "char[]", "aclitem[]" -> TEXT_ARRAY;
      default -> {
        for (CatalogType c : values()) {
          if (c.token.equals(t)) {
            yield c;
          }
        }
        throw new IllegalArgumentException("unknown catalog column type " + t);
      }
    };
  }

  RelDataType toType(RelDataTypeFactory f) {
    RelDataType t = switch (this) {
      case OID, INT4 -> f.createSqlType(SqlTypeName.INTEGER);
      case INT2 -> f.createSqlType(SqlTypeName.SMALLINT);
      case INT8 -> f.createSqlType(SqlTypeName.BIGINT);
      case FLOAT4 -> f.createSqlType(SqlTypeName.REAL);
      case BOOL -> f.createSqlType(SqlTypeName.BOOLEAN);
      case TEXT -> f.createSqlType(SqlTypeName.VARCHAR);
      case TIMESTAMPTZ -> f.createSqlType(SqlTypeName.TIMESTAMP, 3);
      case INT2_ARRAY -> f.createArrayType(nullable(f, f.createSqlType(SqlTypeName.SMALLINT)), -1);
      case OID_ARRAY -> f.createArrayType(nullable(f, f.createSqlType(SqlTypeName.INTEGER)), -1);
      case TEXT_ARRAY -> f.createArrayType(nullable(f, f.createSqlType(SqlTypeName.VARCHAR)), -1);
      case ANY -> f.createSqlType(SqlTypeName.ANY);
      case ANY_ARRAY -> f.createArrayType(nullable(f, f.createSqlType(SqlTypeName.ANY)), -1);
    };
    return nullable(f, t);
  }

  private static RelDataType nullable(RelDataTypeFactory f, RelDataType t) {
    return f.createTypeWithNullability(t, true);
  }

  /** The type clients see on the wire for this column (what TypeMapping reports). */
  io.driftdb.sql.PgType wireType() {
    return switch (this) {
      case OID, INT4 -> io.driftdb.sql.PgType.INT4;
      case INT2 -> io.driftdb.sql.PgType.INT2;
      case INT8 -> io.driftdb.sql.PgType.INT8;
      case FLOAT4 -> io.driftdb.sql.PgType.FLOAT4;
      case BOOL -> io.driftdb.sql.PgType.BOOL;
      case TIMESTAMPTZ -> io.driftdb.sql.PgType.TIMESTAMP;
      case INT2_ARRAY -> io.driftdb.sql.PgType.INT2_ARRAY;
      case OID_ARRAY -> io.driftdb.sql.PgType.INT4_ARRAY;
      case TEXT_ARRAY -> io.driftdb.sql.PgType.TEXT_ARRAY;
      default -> io.driftdb.sql.PgType.TEXT;
    };
  }

  /** Value a NOT NULL catalog column holds when a row does not set it. */
  Object zero() {
    return switch (this) {
      case OID, INT4 -> 0;
      case INT2 -> (short) 0;
      case INT8 -> 0L;
      case FLOAT4 -> 0f;
      case BOOL -> false;
      default -> null;
    };
  }
}
