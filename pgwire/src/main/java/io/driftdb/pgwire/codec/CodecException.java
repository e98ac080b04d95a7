package io.driftdb.pgwire.codec;

import io.driftdb.sql.PgType;

/** A value could not be converted; carries the SQLSTATE PostgreSQL reports for the same input. */
public class CodecException extends IllegalArgumentException {
  private final String sqlState;

  public CodecException(String sqlState, String message) {
    super(message);
    this.sqlState = sqlState;
  }

  public CodecException(String sqlState, String message, Throwable cause) {
    super(message, cause);
    this.sqlState = sqlState;
  }

  public String sqlState() {
    return sqlState;
  }

  /** 22P02: text that is not a valid value of the type. */
  static CodecException invalidText(PgType type, String text) {
    return new CodecException("22P02",
        "invalid input syntax for type " + PgTypes.sqlName(type) + ": \"" + text + "\"");
  }

  /** 22003: a number outside the type's range. */
  static CodecException outOfRange(PgType type, String text) {
    return new CodecException("22003",
        "value \"" + text + "\" is out of range for type " + PgTypes.sqlName(type));
  }

  /** 22P03: malformed binary input. */
  static CodecException badBinary(PgType type, String detail) {
    return new CodecException("22P03",
        "incorrect binary data format for type " + PgTypes.sqlName(type) + ": " + detail);
  }

  private static final long serialVersionUID = 1L;
}
