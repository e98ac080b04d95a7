package io.driftdb.pgwire;

import io.driftdb.sql.QueryResult;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Optional;

/**
 * The simple query protocol ('Q'): the string is split into statements, each is run through the
 * session and answered with RowDescription/DataRow/CommandComplete (or CommandComplete alone);
 * the first error ends the string. ReadyForQuery follows the last statement. A COPY FROM STDIN
 * statement pauses the run until its data has arrived.
 */
final class SimpleQueryHandler {

  private static final short[] TEXT = new short[0];

  private final PgConnection conn;

  SimpleQueryHandler(PgConnection conn) {
    this.conn = conn;
  }

  void handle(FrontendMessage.Query query) {
    conn.extended().dropUnnamedStatement(); // as PostgreSQL's exec_simple_query does
    List<String> statements = StatementSplitter.split(query.sql());
    if (statements.isEmpty()) {
      BackendMessages.emptyQueryResponse(conn.buf());
      finish();
      return;
    }
    run(statements, 0);
  }

  /** Runs {@code statements} from {@code index}; also resumes a run after COPY FROM STDIN. */
  void run(List<String> statements, int index) {
    for (int i = index; i < statements.size(); i++) {
      String sql = statements.get(i);
      try {
        Optional<CopyCommand> copy = CopyCommandParser.parse(sql);
        if (copy.isPresent() && copy.get().direction() == CopyCommand.Direction.FROM_STDIN) {
          CopyInHandler.start(conn, copy.get(), statements, i + 1);
          return; // ReadyForQuery comes after the copy data (and any remaining statements)
        }
        if (copy.isPresent()) {
          CopyOutWriter.run(conn, copy.get());
        } else {
          QueryResult result = conn.session().execute(sql, List.of());
          writeResult(result);
        }
      } catch (RuntimeException | StackOverflowError e) {
        PgException error = PgException.from(e);
        if (error.fatal()) {
          throw error;
        }
        conn.sendError(error);
        break;
      }
      conn.outbox().maybeFlush();
    }
    finish();
  }

  void finish() {
    conn.extended().endOfSimpleQuery();
    conn.readyForQuery();
  }

  private void writeResult(QueryResult result) {
    ByteBuf out = conn.buf();
    if (result.returnsRows()) {
      BackendMessages.rowDescription(out, result.columns(), TEXT);
      for (Object[] row : result.rows() == null ? List.<Object[]>of() : result.rows()) {
        ResultWriter.dataRow(conn.buf(), result.columns(), row, TEXT, conn.text());
        conn.outbox().maybeFlush();
      }
    }
    BackendMessages.commandComplete(conn.buf(), commandTag(result));
    conn.settingsChanged(result.changedSettings());
  }

  static String commandTag(QueryResult result) {
    if (result.commandTag() != null && !result.commandTag().isBlank()) {
      return result.commandTag();
    }
    return result.returnsRows() ? "SELECT " + result.rows().size() : "OK";
  }

}
