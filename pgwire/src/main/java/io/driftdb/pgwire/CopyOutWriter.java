package io.driftdb.pgwire;

import io.driftdb.sql.Column;
import io.driftdb.sql.PgType;
import io.driftdb.sql.QueryResult;
import io.driftdb.sql.SqlError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * COPY ... TO STDOUT: runs {@code SELECT cols FROM table} (or the given query) through the
 * session and streams the rows as CopyOutResponse, one CopyData per row in text or CSV format,
 * CopyDone and {@code COPY n}.
 */
final class CopyOutWriter {

  private CopyOutWriter() {}

  static void run(PgConnection conn, CopyCommand command) {
    String sql = command.query() != null
        ? command.query()
        : "SELECT " + (command.columns().isEmpty() ? "*" : String.join(", ", command.columns())) + " FROM "
            + command.table();
    QueryResult result = conn.session().execute(sql, List.of());
    if (!result.returnsRows()) {
      throw new SqlError("0A000", "COPY query must return rows");
    }
    List<Column> columns = result.columns();
    CopyCommand.CopyOptions options = command.options();
    BackendMessages.copyResponse(conn.buf(), 'H', columns.size());
    if (options.header()) {
      List<String> names = new ArrayList<>(columns.size());
      for (Column c : columns) {
        names.add(c.name());
      }
      BackendMessages.copyData(conn.buf(), line(names, options));
    }
    long count = 0;
    List<Object[]> rows = result.rows() == null ? List.of() : result.rows();
    for (Object[] row : rows) {
      List<String> values = new ArrayList<>(row.length);
      for (int i = 0; i < row.length; i++) {
        PgType type = i < columns.size() && columns.get(i).type() != null ? columns.get(i).type() : PgType.UNKNOWN;
        values.add(row[i] == null ? null : conn.text().encode(type, row[i]));
      }
      BackendMessages.copyData(conn.buf(), line(values, options));
      count++;
      conn.outbox().maybeFlush();
    }
    BackendMessages.copyDone(conn.buf());
    BackendMessages.commandComplete(conn.buf(), "COPY " + count);
  }

  private static byte[] line(List<String> values, CopyCommand.CopyOptions options) {
    String text = options.format() == CopyCommand.Format.CSV
        ? CopyFormats.formatCsv(values, options) : CopyFormats.formatText(values, options);
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
