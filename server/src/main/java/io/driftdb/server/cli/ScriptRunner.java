package io.driftdb.server.cli;

import io.driftdb.server.output.ResultPrinter;
import io.driftdb.sql.QueryResult;
import io.driftdb.sql.SqlError;
import io.driftdb.sql.SqlSession;
import io.driftdb.sql.text.SqlLexer;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/**
 * Runs script parts statement by statement in one session and prints each outcome. Stops at
 * the first failing statement (psql with ON_ERROR_STOP): earlier statements stay committed,
 * the failed one changed nothing because the engine applies a statement atomically.
 */
final class ScriptRunner {
  private final SqlSession session;
  private final ResultPrinter printer;
  private final PrintStream out;
  private final PrintStream err;

  ScriptRunner(SqlSession session, ResultPrinter printer, PrintStream out, PrintStream err) {
    this.session = session;
    this.printer = printer;
    this.out = out;
    this.err = err;
  }

  /** Returns the exit code: 0 when every statement succeeded, 1 at the first failure. */
  int run(List<ScriptPart> parts, InputStream stdin) {
    for (ScriptPart part : parts) {
      String script = part.text(stdin);
      try {
        for (String sql : SqlLexer.splitStatements(script)) {
          QueryResult r = session.execute(sql, List.of());
          if (r.returnsRows()) {
            printer.printRows(r, out);
          } else if (!printer.printCommandTag(r, out)) {
            err.println(r.commandTag());
          }
        }
      } catch (SqlError e) {
        report(e.getMessage(), e.sqlState());
        return ExitCodes.FAILURE;
      } catch (RuntimeException e) {
        // The engine translates its failures into SqlError; anything else is a bug, shown as one.
        report("internal error: " + e, SqlError.INTERNAL_ERROR);
        return ExitCodes.FAILURE;
      }
    }
    return ExitCodes.OK;
  }

  private void report(String message, String sqlState) {
    out.flush();
    err.println("ERROR:  " + message);
    err.println("SQLSTATE: " + sqlState);
    err.flush();
  }
}
