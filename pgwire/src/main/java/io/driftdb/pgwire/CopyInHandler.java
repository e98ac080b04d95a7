package io.driftdb.pgwire;

import io.driftdb.sql.Column;
import io.driftdb.sql.PreparedQuery;
import io.driftdb.sql.SqlError;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * COPY ... FROM STDIN: after CopyInResponse, collects CopyData until CopyDone, parses the text or
 * CSV rows and hands them to {@code SqlSession.copyIn} as one statement, then answers
 * {@code COPY n} and resumes the rest of the simple-query string. CopyFail aborts with 57014.
 * Flush and Sync are ignored while copying; any other message aborts the copy with 08P01.
 */
final class CopyInHandler {

  /** Upper bound on one COPY's data, held in memory until CopyDone. */
  static final int MAX_COPY_BYTES = 1 << 30;

  private final PgConnection conn;
  private final CopyCommand command;
  private final int expectedColumns;
  private final List<String> statements;
  private final int nextStatement;
  private final ByteArrayOutputStream data = new ByteArrayOutputStream(8192);
  private boolean overflow;

  private CopyInHandler(PgConnection conn, CopyCommand command, int expectedColumns, List<String> statements,
                        int nextStatement) {
    this.conn = conn;
    this.command = command;
    this.expectedColumns = expectedColumns;
    this.statements = statements;
    this.nextStatement = nextStatement;
  }

  /**
   * Enters COPY IN mode. The table's column count is learnt by preparing {@code SELECT *} (which
   * also reports a missing table before any data is sent) unless a column list was given.
   */
  static void start(PgConnection conn, CopyCommand command, List<String> statements, int nextStatement) {
    int columns = -1;
    if (!command.columns().isEmpty()) {
      columns = command.columns().size();
    } else {
      try {
        PreparedQuery describe = conn.session().prepare("SELECT * FROM " + command.table(), List.of());
        List<Column> cols = describe == null ? null : describe.columns();
        columns = cols == null ? -1 : cols.size();
      } catch (SqlError e) {
        throw e;
      } catch (RuntimeException e) {
        columns = -1; // engine cannot describe it; copyIn will judge the rows
      }
    }
    CopyInHandler handler = new CopyInHandler(conn, command, columns, statements, nextStatement);
    conn.startCopyIn(handler, Math.max(columns, 0));
  }

  void handle(FrontendMessage m) {
    if (m instanceof FrontendMessage.CopyData d) {
      if (!overflow && (long) data.size() + d.data().length > MAX_COPY_BYTES) {
        overflow = true;
        data.reset();
      }
      if (!overflow) {
        data.writeBytes(d.data());
      }
    } else if (m instanceof FrontendMessage.CopyDone) {
      finish();
    } else if (m instanceof FrontendMessage.CopyFail f) {
      fail(PgException.error(SqlError.QUERY_CANCELED, "COPY from stdin failed: " + f.message()));
    } else if (m instanceof FrontendMessage.InvalidEncoding bad && bad.type() == 'f') {
      fail(PgException.error(SqlError.QUERY_CANCELED, "COPY from stdin failed (message not valid UTF-8)"));
    } else if (m instanceof FrontendMessage.Flush || m instanceof FrontendMessage.Sync) {
      // ignored during COPY IN, per protocol
    } else {
      fail(PgException.error(SqlError.PROTOCOL_VIOLATION,
          "unexpected message type " + m.getClass().getSimpleName() + " during COPY from stdin"));
    }
  }

  private void finish() {
    long count;
    try {
      if (overflow) {
        throw new SqlError("54000", "COPY data exceeds the limit of " + MAX_COPY_BYTES + " bytes");
      }
      String text = decodeUtf8(data.toByteArray());
      data.reset();
      String target = command.table();
      List<List<String>> rows = CopyFormats.parse(text, command.options(), expectedColumns, target);
      count = conn.session().copyIn(command.table(), command.columns(), rows);
    } catch (RuntimeException | StackOverflowError e) {
      fail(PgException.from(e));
      return;
    }
    conn.copyInFinished();
    BackendMessages.commandComplete(conn.buf(), "COPY " + count);
    conn.simple().run(statements, nextStatement);
  }

  private void fail(PgException error) {
    if (error.fatal()) {
      throw error;
    }
    data.reset();
    conn.copyInFinished();
    conn.sendError(error);
    conn.simple().finish();
  }

  private static String decodeUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new SqlError("22021", "invalid byte sequence for encoding \"UTF8\"");
    }
  }
}
