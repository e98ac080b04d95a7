package io.driftdb.sql.plan;

import io.driftdb.materializer.ValueComparator;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUnknownAs;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.Sarg;

/**
 * A pushed-down filter evaluated by the scan itself, in SQL three-valued logic. Calcite's
 * interpreter would compile the same filter with Janino on every execution of a cached plan
 * (milliseconds); simple filters (comparisons, IS NULL, IN/ranges, AND/OR/NOT over columns,
 * literals and parameters) are evaluated here instead. Anything else stays with Calcite.
 */
@FunctionalInterface
interface RowPredicate {
  /** TRUE, FALSE or null (unknown). */
  Boolean test(FieldSource row);

  /** Field values of the row being tested, by table field index. */
  @FunctionalInterface
  interface FieldSource {
    Object field(int index);
  }

  /** Whether {@link #compile} will accept {@code node} whatever the parameter values (plan-time check). */
  static boolean isSimple(RexNode node, List<org.apache.calcite.rel.type.RelDataTypeField> fields) {
    if (!(node instanceof RexCall call)) {
      return false;
    }
    List<RexNode> ops = call.getOperands();
    return switch (call.getKind()) {
      case AND, OR, NOT -> ops.stream().allMatch(o -> isSimple(o, fields));
      case IS_NULL, IS_NOT_NULL -> simpleOperand(ops.get(0), fields);
      case EQUALS, NOT_EQUALS, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL ->
          simpleOperand(ops.get(0), fields) && simpleOperand(ops.get(1), fields);
      case SEARCH -> simpleOperand(ops.get(0), fields) && ops.get(1) instanceof RexLiteral;
      default -> false;
    };
  }

  private static boolean simpleOperand(RexNode n, List<org.apache.calcite.rel.type.RelDataTypeField> fields) {
    if (n instanceof RexInputRef ref) {
      SqlTypeName t = fields.get(ref.getIndex()).getType().getSqlTypeName();
      return t != SqlTypeName.CHAR && t != SqlTypeName.BINARY && t != SqlTypeName.VARBINARY;
    }
    if (n instanceof RexLiteral lit) {
      SqlTypeName t = lit.getTypeName();
      return t != SqlTypeName.BINARY && t != SqlTypeName.VARBINARY && t != SqlTypeName.SYMBOL;
    }
    if (n instanceof org.apache.calcite.rex.RexDynamicParam) {
      return true;
    }
    if (n instanceof RexCall c && c.getKind() == org.apache.calcite.sql.SqlKind.CAST) {
      SqlTypeName t = c.getType().getSqlTypeName();
      boolean target = t == SqlTypeName.TIMESTAMP || t == SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE
          || t == SqlTypeName.BIGINT || t == SqlTypeName.INTEGER || t == SqlTypeName.VARCHAR || t == SqlTypeName.CHAR;
      RexNode inner = c.getOperands().get(0);
      return target && (inner instanceof RexLiteral || inner instanceof org.apache.calcite.rex.RexDynamicParam);
    }
    return false;
  }

  /** Compiles {@code node}, or returns null when it is not simple enough. */
  static RowPredicate compile(RexNode node, DataContext root, List<org.apache.calcite.rel.type.RelDataTypeField> fields) {
    if (!(node instanceof RexCall call)) {
      return null;
    }
    List<RexNode> ops = call.getOperands();
    switch (call.getKind()) {
      case AND, OR -> {
        List<RowPredicate> parts = new ArrayList<>();
        for (RexNode o : ops) {
          RowPredicate p = compile(o, root, fields);
          if (p == null) {
            return null;
          }
          parts.add(p);
        }
        boolean and = call.getKind() == org.apache.calcite.sql.SqlKind.AND;
        return row -> {
          boolean unknown = false;
          for (RowPredicate p : parts) {
            Boolean b = p.test(row);
            if (b == null) {
              unknown = true;
            } else if (b != and) {
              return !and;
            }
          }
          return unknown ? null : and;
        };
      }
      case NOT -> {
        RowPredicate p = compile(ops.get(0), root, fields);
        return p == null ? null : row -> {
          Boolean b = p.test(row);
          return b == null ? null : !b;
        };
      }
      case IS_NULL, IS_NOT_NULL -> {
        Operand o = Operand.of(ops.get(0), root, fields);
        if (o == null) {
          return null;
        }
        boolean isNull = call.getKind() == org.apache.calcite.sql.SqlKind.IS_NULL;
        return row -> (o.value(row) == null) == isNull;
      }
      case EQUALS, NOT_EQUALS, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL -> {
        Operand a = Operand.of(ops.get(0), root, fields);
        Operand b = Operand.of(ops.get(1), root, fields);
        if (a == null || b == null) {
          return null;
        }
        org.apache.calcite.sql.SqlKind k = call.getKind();
        return row -> {
          Object x = a.value(row);
          Object y = b.value(row);
          if (x == null || y == null) {
            return null;
          }
          int c = ValueComparator.compareValues(x, y);
          return switch (k) {
            case EQUALS -> c == 0;
            case NOT_EQUALS -> c != 0;
            case LESS_THAN -> c < 0;
            case LESS_THAN_OR_EQUAL -> c <= 0;
            case GREATER_THAN -> c > 0;
            default -> c >= 0;
          };
        };
      }
      case SEARCH -> {
        Operand a = Operand.of(ops.get(0), root, fields);
        if (a == null || !(ops.get(1) instanceof RexLiteral lit)) {
          return null;
        }
        Sarg<?> sarg = lit.getValueAs(Sarg.class);
        if (sarg == null) {
          return null;
        }
        List<com.google.common.collect.Range<?>> ranges = new ArrayList<>(sarg.rangeSet.asRanges());
        RexUnknownAs nullAs = sarg.nullAs;
        return row -> {
          Object v = a.value(row);
          if (v == null) {
            return nullAs == RexUnknownAs.TRUE ? Boolean.TRUE : nullAs == RexUnknownAs.FALSE ? Boolean.FALSE : null;
          }
          for (com.google.common.collect.Range<?> r : ranges) {
            if (inRange(r, v)) {
              return true;
            }
          }
          return false;
        };
      }
      default -> {
        return null;
      }
    }
  }

  private static boolean inRange(com.google.common.collect.Range<?> r, Object v) {
    if (r.hasLowerBound()) {
      int c = ValueComparator.compareValues(v, ConstantEvaluator.endpoint(r.lowerEndpoint()));
      if (c < 0 || (c == 0 && r.lowerBoundType() == com.google.common.collect.BoundType.OPEN)) {
        return false;
      }
    }
    if (r.hasUpperBound()) {
      int c = ValueComparator.compareValues(v, ConstantEvaluator.endpoint(r.upperEndpoint()));
      return c < 0 || (c == 0 && r.upperBoundType() == com.google.common.collect.BoundType.CLOSED);
    }
    return true;
  }

  /** A column or a constant, in the in-memory value form. */
  @FunctionalInterface
  interface Operand {
    Object value(FieldSource row);

    static Operand of(RexNode n, DataContext root, List<org.apache.calcite.rel.type.RelDataTypeField> fields) {
      if (n instanceof RexInputRef ref) {
        SqlTypeName t = fields.get(ref.getIndex()).getType().getSqlTypeName();
        if (t == SqlTypeName.CHAR || t == SqlTypeName.BINARY || t == SqlTypeName.VARBINARY) {
          return null; // padding and byte semantics: leave to Calcite
        }
        int i = ref.getIndex();
        return row -> row.field(i);
      }
      Object v = ConstantEvaluator.eval(n, root);
      if (v == ConstantEvaluator.UNKNOWN || v instanceof ByteString) {
        return null;
      }
      Object c = v instanceof Double || v instanceof Float ? BigDecimal.valueOf(((Number) v).doubleValue()) : v;
      return row -> c;
    }
  }
}
