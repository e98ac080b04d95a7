package io.driftdb.pgwire.auth;

/** Authentication failed (28P01), or the exchange was malformed (08P01) or unsupported (0A000). */
public class AuthenticationException extends RuntimeException {

  private final String sqlState;

  public AuthenticationException(String sqlState, String message) {
    super(message, null, false, false);
    this.sqlState = sqlState;
  }

  public String sqlState() {
    return sqlState;
  }

  static AuthenticationException failed(String user) {
    return new AuthenticationException("28P01", "password authentication failed for user \"" + user + "\"");
  }

  static AuthenticationException malformed(String what) {
    return new AuthenticationException("08P01", "malformed SCRAM message (" + what + ")");
  }

  private static final long serialVersionUID = 1L;
}
