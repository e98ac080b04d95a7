package io.driftdb.server.output;

/** How {@code driftdb sql} prints result rows. */
public enum OutputFormat {
  /** psql's default: padded columns, a separator line and a row-count footer. */
  TABLE,
  /** RFC 4180 with a header line, as {@code psql --csv}. */
  CSV,
  /** One JSON array of objects per result set. */
  JSON;

  public ResultPrinter printer(ValueText values) {
    switch (this) {
      case CSV:
        return new CsvPrinter(values);
      case JSON:
        return new JsonPrinter(values);
      default:
        return new AlignedTablePrinter(values);
    }
  }
}
