package io.driftdb.pgwire;

import io.driftdb.sql.Column;
import io.driftdb.sql.PgType;
import io.driftdb.sql.PreparedQuery;
import java.util.ArrayList;
import java.util.List;

/**
 * A statement created by Parse.
 *
 * @param declaredTypes parameter types from Parse (UNKNOWN where the client sent 0)
 * @param prepared the engine's prepared (and planned) statement; null for an empty query string
 */
record ParsedStatement(String name, List<PgType> declaredTypes, PreparedQuery prepared) {

  boolean isEmpty() {
    return prepared == null;
  }

  /**
   * The type of each parameter as the wire sees it: what the client declared, else what the
   * engine inferred. A declared type wins because the client formats its values by it.
   */
  List<PgType> parameterTypes() {
    List<PgType> inferred = prepared == null || prepared.paramTypes() == null ? List.of() : prepared.paramTypes();
    int n = Math.max(declaredTypes.size(), inferred.size());
    List<PgType> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      PgType declared = i < declaredTypes.size() ? declaredTypes.get(i) : PgType.UNKNOWN;
      PgType engine = i < inferred.size() ? inferred.get(i) : PgType.UNKNOWN;
      out.add(declared != PgType.UNKNOWN ? declared : (engine == null ? PgType.UNKNOWN : engine));
    }
    return out;
  }

  /** Result columns, or null when the statement returns no rows. */
  List<Column> columns() {
    return prepared == null ? null : prepared.columns();
  }
}
