package io.driftdb.pgwire;

import java.util.List;
import java.util.Map;

/** Messages a client sends, decoded by {@link FrontendMessageDecoder}. */
sealed interface FrontendMessage {

  /** Pre-startup: the client asks whether the server speaks TLS. */
  record SslRequest() implements FrontendMessage {}

  /** Pre-startup: the client asks for GSSAPI encryption (always declined). */
  record GssEncRequest() implements FrontendMessage {}

  /** Pre-startup on a fresh connection: cancel the statement of another connection. */
  record CancelRequest(int processId, int secretKey) implements FrontendMessage {}

  /** StartupMessage: protocol version (major << 16 | minor) and parameters in order. */
  record Startup(int protocolVersion, Map<String, String> parameters) implements FrontendMessage {}

  /** 'p': PasswordMessage, SASLInitialResponse or SASLResponse; meaning depends on auth state. */
  record AuthResponse(byte[] payload) implements FrontendMessage {}

  record Query(String sql) implements FrontendMessage {}

  record Parse(String statementName, String sql, List<Integer> parameterOids) implements FrontendMessage {}

  /**
   * Bind. {@code parameterFormats} has 0 entries (all text), 1 (applies to all) or one per
   * parameter; {@code parameters} holds raw values, null for SQL NULL. Same rule for results.
   */
  record Bind(String portalName, String statementName, short[] parameterFormats, List<byte[]> parameters,
              short[] resultFormats) implements FrontendMessage {}

  /** Describe ({@code kind} 'S' statement or 'P' portal). */
  record Describe(char kind, String name) implements FrontendMessage {}

  record Execute(String portalName, int maxRows) implements FrontendMessage {}

  /** Close ({@code kind} 'S' statement or 'P' portal). */
  record Close(char kind, String name) implements FrontendMessage {}

  record Sync() implements FrontendMessage {}

  record Flush() implements FrontendMessage {}

  record Terminate() implements FrontendMessage {}

  record CopyData(byte[] data) implements FrontendMessage {}

  record CopyDone() implements FrontendMessage {}

  record CopyFail(String message) implements FrontendMessage {}

  /** 'F' FunctionCall: a legacy sub-protocol DriftDB does not offer. */
  record FunctionCall() implements FrontendMessage {}

  /**
   * A well-framed message of {@code type} whose text is not valid UTF-8: a user error (22021),
   * like PostgreSQL's "invalid byte sequence", not a reason to drop the connection.
   */
  record InvalidEncoding(char type) implements FrontendMessage {}

  /** The byte stream broke the protocol; the connection must end after reporting it. */
  record ProtocolViolation(String message) implements FrontendMessage {}
}
