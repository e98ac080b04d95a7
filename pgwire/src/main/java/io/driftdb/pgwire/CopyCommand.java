package io.driftdb.pgwire;

import java.util.List;

/**
 * A recognised {@code COPY ... FROM STDIN} or {@code COPY ... TO STDOUT} statement.
 *
 * @param direction which way the data flows
 * @param table the table as written in the statement (quotes and schema kept), null for a query
 * @param columns the column list as written, empty for all columns
 * @param query the text of {@code COPY (query) TO STDOUT}, else null
 * @param options format and its parameters
 */
record CopyCommand(Direction direction, String table, List<String> columns, String query, CopyOptions options) {

  enum Direction { FROM_STDIN, TO_STDOUT }

  enum Format { TEXT, CSV }

  /**
   * @param nullString the text that stands for SQL NULL
   * @param quote CSV quote character
   * @param escape CSV escape character (defaults to the quote)
   */
  record CopyOptions(Format format, char delimiter, String nullString, boolean header, char quote, char escape) {

    static CopyOptions text() {
      return new CopyOptions(Format.TEXT, '\t', "\\N", false, '"', '"');
    }

    static CopyOptions csv() {
      return new CopyOptions(Format.CSV, ',', "", false, '"', '"');
    }
  }
}
