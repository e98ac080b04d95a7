package io.driftdb.pgwire;

import io.driftdb.pgwire.codec.BinaryCodec;
import io.driftdb.pgwire.codec.CodecException;
import io.driftdb.sql.Column;
import io.driftdb.sql.PgType;
import io.driftdb.sql.PreparedQuery;
import io.driftdb.sql.QueryResult;
import io.driftdb.sql.SqlError;
import io.driftdb.sql.SqlSession;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The extended query protocol: Parse, Bind, Describe, Execute, Close, Sync. Named statements live
 * until Close; the unnamed one until the next Parse or simple Query. Portals live until Close,
 * rebinding of their name, or the end of the transaction (a Sync seen outside a transaction block).
 * After an error, every message up to the next Sync is discarded.
 */
final class ExtendedQueryHandler {

  private final PgConnection conn;
  private final Map<String, ParsedStatement> statements = new HashMap<>();
  private final Map<String, Portal> portals = new HashMap<>();
  private boolean skippingUntilSync;

  ExtendedQueryHandler(PgConnection conn) {
    this.conn = conn;
  }

  boolean skippingUntilSync() {
    return skippingUntilSync;
  }

  void handle(FrontendMessage m) {
    try {
      if (m instanceof FrontendMessage.Parse p) {
        parse(p);
      } else if (m instanceof FrontendMessage.Bind b) {
        bind(b);
      } else if (m instanceof FrontendMessage.Describe d) {
        describe(d);
      } else if (m instanceof FrontendMessage.Execute e) {
        execute(e);
      } else if (m instanceof FrontendMessage.Close c) {
        close(c);
      }
    } catch (RuntimeException | StackOverflowError e) {
      PgException error = PgException.from(e);
      if (error.fatal()) {
        throw error;
      }
      conn.sendError(error);
      skippingUntilSync = true;
    }
    conn.outbox().maybeFlush();
  }

  /** Reports an error in an extended-protocol message and discards everything up to Sync. */
  void fail(PgException error) {
    conn.sendError(error);
    skippingUntilSync = true;
  }

  void sync() {
    skippingUntilSync = false;
    endOfTransactionCheck();
    conn.readyForQuery();
  }

  void dropUnnamedStatement() {
    statements.remove("");
  }

  void endOfSimpleQuery() {
    endOfTransactionCheck();
  }

  /** Portals do not survive their transaction; outside a transaction block that ends at Sync. */
  private void endOfTransactionCheck() {
    SqlSession session = conn.session();
    if (session != null && session.transactionStatus() == SqlSession.TxStatus.IDLE) {
      portals.clear();
    }
  }

  // ---------------------------------------------------------------- Parse

  private void parse(FrontendMessage.Parse p) {
    String name = p.statementName();
    if (!name.isEmpty() && statements.containsKey(name)) {
      throw PgException.error("42P05", "prepared statement \"" + name + "\" already exists");
    }
    List<String> parts = StatementSplitter.split(p.sql());
    if (parts.size() > 1) {
      throw PgException.error(SqlError.SYNTAX_ERROR, "cannot insert multiple commands into a prepared statement");
    }
    List<PgType> declared = new ArrayList<>(p.parameterOids().size());
    for (int oid : p.parameterOids()) {
      declared.add(oid == 0 ? PgType.UNKNOWN : PgType.byOid(oid));
    }
    declared = Collections.unmodifiableList(declared);
    PreparedQuery prepared = null;
    if (parts.size() == 1) {
      String sql = parts.get(0);
      if (CopyCommandParser.parse(sql).isPresent()) {
        throw PgException.error(SqlError.FEATURE_NOT_SUPPORTED,
            "COPY is supported through the simple query protocol only");
      }
      prepared = conn.session().prepare(sql, declared);
      if (prepared == null) {
        throw new SqlError(SqlError.INTERNAL_ERROR, "engine returned no prepared statement");
      }
    }
    statements.put(name, new ParsedStatement(name, declared, prepared));
    BackendMessages.parseComplete(conn.buf());
  }

  // ---------------------------------------------------------------- Bind

  private void bind(FrontendMessage.Bind b) {
    ParsedStatement statement = statements.get(b.statementName());
    if (statement == null) {
      throw PgException.error(SqlError.INVALID_SQL_STATEMENT_NAME,
          "prepared statement \"" + b.statementName() + "\" does not exist");
    }
    String portalName = b.portalName();
    if (!portalName.isEmpty() && portals.containsKey(portalName)) {
      throw PgException.error("42P03", "cursor \"" + portalName + "\" already exists");
    }
    int count = b.parameters().size();
    if (b.parameterFormats().length > 1 && b.parameterFormats().length != count) {
      throw PgException.error(SqlError.PROTOCOL_VIOLATION, "bind message has " + b.parameterFormats().length
          + " parameter formats but " + count + " parameters");
    }
    List<PgType> types = statement.parameterTypes();
    if (!types.isEmpty() && types.size() != count) {
      throw PgException.error(SqlError.PROTOCOL_VIOLATION, "bind message supplies " + count
          + " parameters, but prepared statement \"" + statement.name() + "\" requires " + types.size());
    }
    List<Object> values = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      PgType type = i < types.size() ? types.get(i) : PgType.UNKNOWN;
      values.add(decodeParameter(i, type, BackendMessages.formatOf(b.parameterFormats(), i), b.parameters().get(i)));
    }
    short[] resultFormats = b.resultFormats();
    List<Column> columns = statement.columns();
    if (resultFormats.length > 1 && columns != null && resultFormats.length != columns.size()) {
      throw PgException.error(SqlError.PROTOCOL_VIOLATION, "bind message has " + resultFormats.length
          + " result formats but query has " + columns.size() + " columns");
    }
    for (short f : resultFormats) {
      if (f != 0 && f != 1) {
        throw PgException.error(SqlError.PROTOCOL_VIOLATION, "unsupported format code: " + f);
      }
    }
    portals.put(portalName, new Portal(portalName, statement, Collections.unmodifiableList(values), resultFormats));
    BackendMessages.bindComplete(conn.buf());
  }

  private Object decodeParameter(int index, PgType type, short format, byte[] raw) {
    if (raw == null) {
      return null;
    }
    try {
      if (format == 0) {
        String text = utf8(raw);
        return type == PgType.UNKNOWN ? text : conn.text().decode(type, text);
      }
      if (format == 1) {
        return BinaryCodec.decode(type, Unpooled.wrappedBuffer(raw));
      }
    } catch (CodecException e) {
      String message = format == 1
          ? "incorrect binary data format in bind parameter " + (index + 1) + ": " + e.getMessage()
          : e.getMessage();
      throw new CodecException(e.sqlState(), message, e);
    }
    throw PgException.error(SqlError.PROTOCOL_VIOLATION, "unsupported format code: " + format);
  }

  private static String utf8(byte[] raw) {
    if (!ByteBufUtil.isText(Unpooled.wrappedBuffer(raw), StandardCharsets.UTF_8)) {
      throw new CodecException("22021", "invalid byte sequence for encoding \"UTF8\"");
    }
    return new String(raw, StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- Describe

  private void describe(FrontendMessage.Describe d) {
    if (d.kind() == 'S') {
      ParsedStatement statement = statements.get(d.name());
      if (statement == null) {
        throw PgException.error(SqlError.INVALID_SQL_STATEMENT_NAME,
            "prepared statement \"" + d.name() + "\" does not exist");
      }
      BackendMessages.parameterDescription(conn.buf(), statement.parameterTypes());
      describeRows(statement.columns(), null);
    } else {
      Portal portal = portal(d.name());
      describeRows(portal.statement().columns(), portal.resultFormats());
    }
  }

  private void describeRows(List<Column> columns, short[] formats) {
    if (columns == null) {
      BackendMessages.noData(conn.buf());
    } else {
      BackendMessages.rowDescription(conn.buf(), columns, formats);
    }
  }

  // ---------------------------------------------------------------- Execute

  private void execute(FrontendMessage.Execute e) {
    Portal portal = portal(e.portalName());
    if (portal.statement().isEmpty()) {
      BackendMessages.emptyQueryResponse(conn.buf());
      return;
    }
    if (portal.result() == null) {
      QueryResult result = conn.session().execute(portal.statement().prepared(), portal.parameters());
      if (result == null) {
        throw new SqlError(SqlError.INTERNAL_ERROR, "engine returned no result");
      }
      portal.result(result);
      conn.settingsChanged(result.changedSettings());
    }
    QueryResult result = portal.result();
    if (!result.returnsRows()) {
      BackendMessages.commandComplete(conn.buf(), SimpleQueryHandler.commandTag(result));
      return;
    }
    List<Object[]> rows = result.rows() == null ? List.of() : result.rows();
    int remaining = rows.size() - portal.cursor();
    int batch = e.maxRows() > 0 ? Math.min(e.maxRows(), remaining) : remaining;
    for (int i = 0; i < batch; i++) {
      ResultWriter.dataRow(conn.buf(), result.columns(), rows.get(portal.cursor()), portal.resultFormats(), conn.text());
      portal.advance(1);
      conn.outbox().maybeFlush();
    }
    if (portal.cursor() < rows.size()) {
      portal.suspended();
      BackendMessages.portalSuspended(conn.buf());
    } else {
      String tag = SimpleQueryHandler.commandTag(result);
      if (portal.wasSuspended() && tag.startsWith("SELECT")) {
        tag = "SELECT " + batch; // like a FETCH: the rows of this Execute
      }
      BackendMessages.commandComplete(conn.buf(), tag);
    }
  }

  private Portal portal(String name) {
    Portal portal = portals.get(name);
    if (portal == null) {
      throw PgException.error("34000", "portal \"" + name + "\" does not exist");
    }
    return portal;
  }

  // ---------------------------------------------------------------- Close

  private void close(FrontendMessage.Close c) {
    if (c.kind() == 'S') {
      statements.remove(c.name());
    } else {
      portals.remove(c.name());
    }
    BackendMessages.closeComplete(conn.buf());
  }

}
