package io.driftdb.sql.plan;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.validate.SelectScope;
import org.apache.calcite.sql.validate.SqlValidatorCatalogReader;
import org.apache.calcite.sql.validate.SqlValidatorImpl;

/**
 * Calcite's validator, except that {@code *} does not expand to the hidden system columns
 * ({@code _seq_from} ...). Star expansion is the only caller of addToSelectList, so explicit
 * references to those columns still work.
 */
final class DriftValidator extends SqlValidatorImpl {

  DriftValidator(SqlOperatorTable opTab, SqlValidatorCatalogReader catalogReader, RelDataTypeFactory typeFactory,
                 Config config) {
    super(opTab, catalogReader, typeFactory, config);
  }

  @Override
  protected void addToSelectList(List<SqlNode> list, Set<String> aliases, List<Map.Entry<String, RelDataType>> fieldList,
                                 SqlNode exp, SelectScope scope, boolean includeSystemVars) {
    if (exp instanceof SqlIdentifier id && SystemColumns.isSystem(id.names.get(id.names.size() - 1))) {
      return;
    }
    super.addToSelectList(list, aliases, fieldList, exp, scope, includeSystemVars);
  }
}
