package io.driftdb.pgwire;

import io.driftdb.pgwire.codec.CodecException;
import io.driftdb.sql.SqlError;

/**
 * An error to report to the client as ErrorResponse. {@code fatal} errors end the connection
 * (protocol violations, failed authentication); plain errors end only the current statement.
 */
final class PgException extends RuntimeException {

  private final String sqlState;
  private final boolean fatal;
  private final String detail;
  private final String hint;

  PgException(String sqlState, String message, boolean fatal, String detail, String hint, Throwable cause) {
    super(message, cause, false, false);
    this.sqlState = sqlState;
    this.fatal = fatal;
    this.detail = detail;
    this.hint = hint;
  }

  static PgException error(String sqlState, String message) {
    return new PgException(sqlState, message, false, null, null, null);
  }

  static PgException fatal(String sqlState, String message) {
    return new PgException(sqlState, message, true, null, null, null);
  }

  static PgException protocolViolation(String message) {
    return fatal(SqlError.PROTOCOL_VIOLATION, message);
  }

  /** Maps anything thrown while serving a statement to what the client should see. */
  static PgException from(Throwable t) {
    if (t instanceof PgException pg) {
      return pg;
    }
    if (t instanceof SqlError sql) {
      String state = sql.sqlState() == null || sql.sqlState().length() != 5 ? SqlError.INTERNAL_ERROR : sql.sqlState();
      return new PgException(state, sql.getMessage(), false, null, null, sql);
    }
    if (t instanceof CodecException codec) {
      return new PgException(codec.sqlState(), codec.getMessage(), false, null, null, codec);
    }
    if (t instanceof StackOverflowError) {
      return new PgException("54001", "stack depth limit exceeded", false, null,
          "The statement is nested too deeply.", t);
    }
    String message = t.getMessage() != null ? t.getMessage() : t.getClass().getName();
    return new PgException(SqlError.INTERNAL_ERROR, message, false, null, null, t);
  }

  String sqlState() {
    return sqlState;
  }

  boolean fatal() {
    return fatal;
  }

  String severity() {
    return fatal ? "FATAL" : "ERROR";
  }

  String detail() {
    return detail;
  }

  String hint() {
    return hint;
  }

  private static final long serialVersionUID = 1L;
}
