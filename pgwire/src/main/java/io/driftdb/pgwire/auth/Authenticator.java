package io.driftdb.pgwire.auth;

/**
 * One authentication exchange on one connection: the server's first request, then one step per
 * client 'p' message until {@link Step#done()}. A wrong password or a malformed message throws
 * {@link AuthenticationException}; the connection then reports it and closes.
 */
public interface Authenticator {

  /** The first Authentication request to send (code and payload after the code). */
  Request begin();

  /** Consumes a 'p' message body; returns what to send next and whether the client is authenticated. */
  Step respond(byte[] payload);

  /** An Authentication message: {@code code} (5 MD5, 10 SASL, 11 SASLContinue, 12 SASLFinal) and its data. */
  record Request(int code, byte[] data) {}

  /** {@code reply} may be null (nothing more to send before AuthenticationOk). */
  record Step(Request reply, boolean done) {}
}
