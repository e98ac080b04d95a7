package io.driftdb.sql.plan;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;

/**
 * Result column names as PostgreSQL derives them for unaliased expressions: the function name
 * ({@code count}), the type name of a cast, the column of a field reference, else
 * {@code ?column?} — instead of Calcite's {@code EXPR$n}.
 */
final class ColumnNames {
  private ColumnNames() {}

  static List<String> of(SqlNode validated, RelDataType rowType) {
    List<String> out = new ArrayList<>();
    SqlNode q = validated instanceof SqlOrderBy ob ? ob.query : validated;
    List<SqlNode> items = q instanceof SqlSelect sel ? sel.getSelectList().getList() : List.of();
    int i = 0;
    for (RelDataTypeField f : rowType.getFieldList()) {
      String name = f.getName();
      if (name.startsWith("EXPR$")) {
        name = i < items.size() && items.size() == rowType.getFieldCount() ? derive(items.get(i)) : "?column?";
      }
      out.add(name);
      i++;
    }
    return out;
  }

  private static String derive(SqlNode n) {
    if (n instanceof SqlIdentifier id) {
      return id.names.get(id.names.size() - 1);
    }
    if (n instanceof SqlCall call) {
      if (call.getKind() == SqlKind.CAST && call.operandCount() == 2 && call.operand(1) instanceof SqlDataTypeSpec spec) {
        String inner = derive(call.operand(0));
        return "?column?".equals(inner) ? spec.getTypeName().getSimple().toLowerCase() : inner;
      }
      if (call instanceof SqlBasicCall && call.getOperator() instanceof org.apache.calcite.sql.SqlFunction fn) {
        return fn.getName().toLowerCase();
      }
      if (call.getKind() == SqlKind.OTHER_FUNCTION || call.getOperator().getSyntax() == org.apache.calcite.sql.SqlSyntax.FUNCTION) {
        return call.getOperator().getName().toLowerCase();
      }
    }
    return "?column?";
  }
}
