package io.driftdb.sql.engine;

import io.driftdb.sql.SqlError;
import io.driftdb.sql.exec.Values;
import java.math.BigDecimal;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.rel.type.RelDataType;

/** Brings a client parameter to the internal form of the type Calcite inferred for it. */
final class ParamCoercion {
  private ParamCoercion() {}

  static Object coerce(Object v, RelDataType type) {
    Object x = Values.paramToInternal(v);
    if (x == null || type == null) {
      return x;
    }
    try {
      return switch (type.getSqlTypeName()) {
        case INTEGER -> x instanceof Number n ? (Object) n.intValue() : Integer.parseInt(x.toString().trim());
        case SMALLINT -> x instanceof Number n ? (Object) n.shortValue() : Short.parseShort(x.toString().trim());
        case TINYINT -> x instanceof Number n ? (Object) n.byteValue() : Byte.parseByte(x.toString().trim());
        case BIGINT -> x instanceof Number n ? (Object) n.longValue() : Long.parseLong(x.toString().trim());
        case DOUBLE, FLOAT -> x instanceof Number n ? (Object) n.doubleValue() : Double.parseDouble(x.toString().trim());
        case REAL -> x instanceof Number n ? (Object) n.floatValue() : Float.parseFloat(x.toString().trim());
        case DECIMAL -> x instanceof BigDecimal ? x : new BigDecimal(x.toString().trim());
        case BOOLEAN -> x instanceof Boolean ? x : parseBool(x.toString());
        case CHAR, VARCHAR -> x instanceof ByteString b ? b.toString() : x.toString();
        case DATE -> x instanceof String s ? (Object) Values.parseDateDays(s) : x;
        case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> x instanceof String s ? (Object) Values.parseTimestampMillis(s) : x;
        default -> x;
      };
    } catch (NumberFormatException e) {
      throw new SqlError(SqlError.INVALID_TEXT_REPRESENTATION,
          "invalid input syntax for type " + type.getSqlTypeName().getName().toLowerCase() + ": \"" + v + "\"");
    }
  }

  private static Boolean parseBool(String s) {
    return switch (s.trim().toLowerCase()) {
      case "t", "true", "1", "yes", "on", "y" -> true;
      case "f", "false", "0", "no", "off", "n" -> false;
      default -> throw new SqlError(SqlError.INVALID_TEXT_REPRESENTATION, "invalid input syntax for type boolean: \"" + s + "\"");
    };
  }
}
