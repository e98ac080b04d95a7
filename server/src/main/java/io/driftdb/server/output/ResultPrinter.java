package io.driftdb.server.output;

import io.driftdb.sql.QueryResult;
import java.io.PrintStream;

/** Writes statement outcomes to the CLI's standard output in one {@link OutputFormat}. */
public interface ResultPrinter {

  /** Prints a statement that returned rows. */
  void printRows(QueryResult result, PrintStream out);

  /**
   * Prints the command tag of a statement without rows ({@code INSERT 0 1}). Formats meant for
   * machines return false and print nothing, so their output stays parseable.
   */
  boolean printCommandTag(QueryResult result, PrintStream out);
}
