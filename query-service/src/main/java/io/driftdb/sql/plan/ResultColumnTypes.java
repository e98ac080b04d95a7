package io.driftdb.sql.plan;

import io.driftdb.materializer.ColumnType;
import io.driftdb.sql.PgType;
import java.util.Set;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.metadata.RelColumnOrigin;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;

/**
 * The PostgreSQL type of a result column. Calcite computes TIMESTAMPTZ columns as plain
 * timestamps (UTC); a result column that is such a table column, unchanged, is reported as
 * timestamptz, as PostgreSQL would, so clients see the offset.
 */
final class ResultColumnTypes {
  private ResultColumnTypes() {}

  static PgType of(RelRoot root, int field, RelDataType type) {
    PgType pg = TypeMapping.toPg(type);
    if (pg != PgType.TIMESTAMP) {
      return pg;
    }
    RelMetadataQuery mq = root.rel.getCluster().getMetadataQuery();
    Set<RelColumnOrigin> origins = mq.getColumnOrigins(root.rel, root.fields.get(field).getKey());
    if (origins == null || origins.isEmpty()) {
      return pg;
    }
    for (RelColumnOrigin o : origins) {
      DriftTable t = o.isDerived() ? null : o.getOriginTable().unwrap(DriftTable.class);
      int ordinal = o.getOriginColumnOrdinal();
      if (t == null || ordinal >= t.shape().columns().size()
          || t.shape().columns().get(ordinal).type().kind() != ColumnType.Kind.TIMESTAMPTZ) {
        return pg;
      }
    }
    return PgType.TIMESTAMPTZ;
  }
}
