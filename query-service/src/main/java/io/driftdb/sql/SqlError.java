package io.driftdb.sql;

/** A statement failed; carries the PostgreSQL SQLSTATE the client sees. */
public class SqlError extends RuntimeException {
  private final String sqlState;

  public SqlError(String sqlState, String message) {
    super(message);
    this.sqlState = sqlState;
  }

  public SqlError(String sqlState, String message, Throwable cause) {
    super(message, cause);
    this.sqlState = sqlState;
  }

  public String sqlState() {
    return sqlState;
  }

  public static final String SYNTAX_ERROR = "42601";
  public static final String UNDEFINED_TABLE = "42P01";
  public static final String UNDEFINED_COLUMN = "42703";
  public static final String UNDEFINED_FUNCTION = "42883";
  public static final String DUPLICATE_TABLE = "42P07";
  public static final String DUPLICATE_COLUMN = "42701";
  public static final String DATATYPE_MISMATCH = "42804";
  public static final String INVALID_TEXT_REPRESENTATION = "22P02";
  public static final String INVALID_PARAMETER_VALUE = "22023";
  /** PostgreSQL's snapshot_too_old: the snapshot predates a history deletion it would need. */
  public static final String SNAPSHOT_TOO_OLD = "72000";
  public static final String DIVISION_BY_ZERO = "22012";
  public static final String NUMERIC_OUT_OF_RANGE = "22003";
  public static final String STRING_TOO_LONG = "22001";
  public static final String UNIQUE_VIOLATION = "23505";
  public static final String NOT_NULL_VIOLATION = "23502";
  public static final String CHECK_VIOLATION = "23514";
  public static final String FOREIGN_KEY_VIOLATION = "23503";
  public static final String SERIALIZATION_FAILURE = "40001";
  public static final String IN_FAILED_TRANSACTION = "25P02";
  public static final String ACTIVE_TRANSACTION = "25001";
  public static final String NO_ACTIVE_TRANSACTION = "25P01";
  public static final String READ_ONLY_TRANSACTION = "25006";
  public static final String FEATURE_NOT_SUPPORTED = "0A000";
  public static final String QUERY_CANCELED = "57014";
  public static final String INVALID_PASSWORD = "28P01";
  public static final String INTERNAL_ERROR = "XX000";
  public static final String IO_ERROR = "58030";
  public static final String UNDEFINED_OBJECT = "42704";
  public static final String INVALID_SQL_STATEMENT_NAME = "26000";
  public static final String PROTOCOL_VIOLATION = "08P01";
}
