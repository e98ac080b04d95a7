package io.driftdb.sql.plan;

import io.driftdb.sql.exec.Values;
import java.math.BigDecimal;
import org.apache.calcite.DataContext;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.TimestampString;

/**
 * Evaluates the constant operands a scan needs for its access path (literals, bound
 * parameters, casts of them) into the in-memory value representation. Returns
 * {@link #UNKNOWN} for anything else: the scan then reads more and Calcite filters.
 */
final class ConstantEvaluator {
  static final Object UNKNOWN = new Object();

  private ConstantEvaluator() {}

  static Object eval(RexNode node, DataContext root) {
    if (node instanceof RexLiteral lit) {
      return literal(lit);
    }
    if (node instanceof RexDynamicParam p) {
      return root.get("?" + p.getIndex());
    }
    if (node instanceof RexCall call && call.getKind() == SqlKind.CAST) {
      Object v = eval(call.getOperands().get(0), root);
      if (v == UNKNOWN || v == null) {
        return v;
      }
      return switch (call.getType().getSqlTypeName()) {
        case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> v instanceof String s ? Values.parseTimestampMillis(s)
            : v instanceof Number n ? n.longValue() : UNKNOWN;
        case BIGINT -> v instanceof Number n ? n.longValue() : v instanceof String s ? parseLong(s) : UNKNOWN;
        case INTEGER -> v instanceof Number n ? n.intValue() : UNKNOWN;
        case VARCHAR, CHAR -> v instanceof String ? v : UNKNOWN;
        default -> UNKNOWN;
      };
    }
    return UNKNOWN;
  }

  private static Object parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return UNKNOWN;
    }
  }

  /** A literal's value in the in-memory representation (strings, numbers, days, millis). */
  static Object literal(RexLiteral lit) {
    Object v = lit.getValue();
    if (v == null) {
      return null;
    }
    return switch (lit.getTypeName()) {
      case CHAR, VARCHAR -> lit.getValueAs(String.class);
      case DATE -> lit.getValueAs(Integer.class);
      case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> lit.getValueAs(Long.class);
      case BOOLEAN -> lit.getValueAs(Boolean.class);
      case BINARY, VARBINARY -> lit.getValueAs(ByteString.class);
      case DECIMAL, INTEGER, BIGINT, SMALLINT, TINYINT, DOUBLE, FLOAT, REAL -> lit.getValueAs(BigDecimal.class);
      default -> UNKNOWN;
    };
  }

  /** Sarg/range endpoints arrive in Calcite's literal classes; convert them. */
  static Object endpoint(Object c) {
    if (c instanceof NlsString s) {
      return s.getValue();
    }
    if (c instanceof DateString d) {
      return d.getDaysSinceEpoch();
    }
    if (c instanceof TimestampString t) {
      return t.getMillisSinceEpoch();
    }
    return c;
  }
}
