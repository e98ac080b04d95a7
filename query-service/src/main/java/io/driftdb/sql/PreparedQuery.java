package io.driftdb.sql;

import java.util.List;

/**
 * A statement parsed (and, for queries, planned) once and executed many times.
 *
 * @param sql the statement text as the client sent it
 * @param paramTypes one type per parameter, inferred where the client sent none
 * @param columns the result columns, or null when the statement returns no rows
 */
public record PreparedQuery(String sql, List<PgType> paramTypes, List<Column> columns, Object plan) {}
