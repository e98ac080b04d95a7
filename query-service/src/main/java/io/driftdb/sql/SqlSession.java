package io.driftdb.sql;

import java.util.List;

/**
 * One client's conversation with the engine: its transaction state, its settings and its
 * prepared statements. Not thread-safe: a session serves one connection. The wire protocol
 * (pgwire) drives it; the CLI drives it too.
 */
public interface SqlSession extends AutoCloseable {

  /** Runs one statement (no trailing statements) with optional parameters ($1.. or ?). */
  QueryResult execute(String sql, List<Object> params);

  /**
   * Parses and plans one statement for repeated execution. {@code paramTypes} are the types
   * the client declared (may be shorter than the number of parameters or contain
   * {@link PgType#UNKNOWN}); the returned statement reports the inferred ones.
   */
  PreparedQuery prepare(String sql, List<PgType> paramTypes);

  /** Executes a prepared statement with decoded parameter values (Java types of {@link PgType}). */
  QueryResult execute(PreparedQuery statement, List<Object> params);

  /**
   * Bulk load for COPY ... FROM STDIN: inserts {@code rows} (text values, null for SQL NULL,
   * converted to the column types as PostgreSQL's input functions would) into {@code table}'s
   * {@code columns} (all columns in table order when empty) as one statement. Returns the row count.
   */
  long copyIn(String table, List<String> columns, List<List<String>> rows);

  /** Transaction status for ReadyForQuery. */
  TxStatus transactionStatus();

  /** Cancels the statement currently running in this session, if any (from another thread). */
  void cancel();

  /** Current value of a session setting (SHOW), or null. */
  String setting(String name);

  @Override
  void close();

  /** Transaction status as the PostgreSQL protocol reports it. */
  enum TxStatus {
    IDLE('I'), IN_TRANSACTION('T'), FAILED('E');

    private final char code;

    TxStatus(char code) {
      this.code = code;
    }

    public char code() {
      return code;
    }
  }
}
