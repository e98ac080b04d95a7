package io.driftdb.sql;

import java.util.List;
import java.util.Map;

/**
 * The outcome of one statement.
 *
 * @param commandTag PostgreSQL command tag, e.g. {@code SELECT 3}, {@code INSERT 0 2}, {@code CREATE TABLE}
 * @param columns result columns, or null when the statement returns no rows
 * @param rows result rows; values use the Java types documented on {@link PgType}
 * @param changedSettings reportable settings this statement changed (for ParameterStatus)
 */
public record QueryResult(String commandTag, List<Column> columns, List<Object[]> rows,
                          Map<String, String> changedSettings) {

  public static QueryResult command(String tag) {
    return new QueryResult(tag, null, List.of(), Map.of());
  }

  public static QueryResult rows(String verb, List<Column> columns, List<Object[]> rows) {
    return new QueryResult(verb + " " + rows.size(), columns, rows, Map.of());
  }

  public boolean returnsRows() {
    return columns != null;
  }
}
