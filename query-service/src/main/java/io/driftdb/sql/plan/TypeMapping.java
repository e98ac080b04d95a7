package io.driftdb.sql.plan;

import io.driftdb.materializer.ColumnType;
import io.driftdb.sql.PgType;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/** Column types to Calcite types, and Calcite result types to PostgreSQL types. */
public final class TypeMapping {
  private TypeMapping() {}

  public static RelDataType toCalcite(RelDataTypeFactory f, ColumnType t) {
    return switch (t.kind()) {
      case SMALLINT -> f.createSqlType(SqlTypeName.SMALLINT);
      case INTEGER -> f.createSqlType(SqlTypeName.INTEGER);
      case BIGINT -> f.createSqlType(SqlTypeName.BIGINT);
      case REAL -> f.createSqlType(SqlTypeName.REAL);
      case DOUBLE -> f.createSqlType(SqlTypeName.DOUBLE);
      case NUMERIC -> t.precision() < 0 ? f.createSqlType(SqlTypeName.DECIMAL, 38, 10)
          : f.createSqlType(SqlTypeName.DECIMAL, t.precision(), t.scale());
      case BOOLEAN -> f.createSqlType(SqlTypeName.BOOLEAN);
      case TEXT, JSONB, UUID -> f.createSqlType(SqlTypeName.VARCHAR);
      case VARCHAR -> t.length() < 0 ? f.createSqlType(SqlTypeName.VARCHAR) : f.createSqlType(SqlTypeName.VARCHAR, t.length());
      case CHAR -> f.createSqlType(SqlTypeName.CHAR, t.length());
      case DATE -> f.createSqlType(SqlTypeName.DATE);
      case TIMESTAMP, TIMESTAMPTZ -> f.createSqlType(SqlTypeName.TIMESTAMP, 3);
      case BYTEA -> f.createSqlType(SqlTypeName.VARBINARY);
    };
  }

  public static PgType toPg(ColumnType t) {
    return switch (t.kind()) {
      case SMALLINT -> PgType.INT2;
      case INTEGER -> PgType.INT4;
      case BIGINT -> PgType.INT8;
      case REAL -> PgType.FLOAT4;
      case DOUBLE -> PgType.FLOAT8;
      case NUMERIC -> PgType.NUMERIC;
      case BOOLEAN -> PgType.BOOL;
      case TEXT -> PgType.TEXT;
      case VARCHAR -> PgType.VARCHAR;
      case CHAR -> PgType.BPCHAR;
      case DATE -> PgType.DATE;
      case TIMESTAMP -> PgType.TIMESTAMP;
      case TIMESTAMPTZ -> PgType.TIMESTAMPTZ;
      case BYTEA -> PgType.BYTEA;
      case JSONB -> PgType.JSONB;
      case UUID -> PgType.UUID;
    };
  }

  public static PgType toPg(RelDataType t) {
    return switch (t.getSqlTypeName()) {
      case BOOLEAN -> PgType.BOOL;
      case TINYINT, SMALLINT -> PgType.INT2;
      case INTEGER -> PgType.INT4;
      case BIGINT -> PgType.INT8;
      case REAL, FLOAT -> PgType.FLOAT4;
      case DOUBLE -> PgType.FLOAT8;
      case DECIMAL -> PgType.NUMERIC;
      case CHAR -> PgType.TEXT;
      // A declared length means the column is VARCHAR(n) (TEXT columns are unbounded VARCHAR).
      case VARCHAR -> t.getPrecision() > 0 && t.getPrecision() != org.apache.calcite.rel.type.RelDataType.PRECISION_NOT_SPECIFIED
          && t.getPrecision() < 65536 ? PgType.VARCHAR : PgType.TEXT;
      case DATE -> PgType.DATE;
      case TIMESTAMP -> PgType.TIMESTAMP;
      case TIMESTAMP_WITH_LOCAL_TIME_ZONE, TIMESTAMP_TZ -> PgType.TIMESTAMPTZ;
      case BINARY, VARBINARY -> PgType.BYTEA;
      case ARRAY -> {
        RelDataType c = t.getComponentType();
        PgType e = c == null ? PgType.TEXT : toPg(c);
        yield switch (e) {
          case INT2 -> PgType.INT2_ARRAY;
          case INT4, INT8 -> PgType.INT4_ARRAY;
          default -> PgType.TEXT_ARRAY;
        };
      }
      default -> PgType.TEXT;
    };
  }
}
