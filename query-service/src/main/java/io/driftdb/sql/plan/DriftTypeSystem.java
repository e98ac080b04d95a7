package io.driftdb.sql.plan;

import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;

/** PostgreSQL-like typing: CASE/UNION of strings of different lengths is VARCHAR, not padded CHAR. */
final class DriftTypeSystem extends RelDataTypeSystemImpl {
  static final DriftTypeSystem INSTANCE = new DriftTypeSystem();

  @Override
  public boolean shouldConvertRaggedUnionTypesToVarying() {
    return true;
  }

  @Override
  public int getMaxPrecision(SqlTypeName typeName) {
    return typeName == SqlTypeName.DECIMAL ? 38 : super.getMaxPrecision(typeName);
  }

  @Override
  public int getMaxScale(SqlTypeName typeName) {
    return typeName == SqlTypeName.DECIMAL ? 38 : super.getMaxScale(typeName);
  }
}
