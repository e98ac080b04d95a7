package io.driftdb.server.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Requires {@code Authorization: Bearer <admin token>}; answers 401 otherwise. The comparison
 * runs on SHA-256 digests with {@link MessageDigest#isEqual}, so its time depends neither on
 * where the strings differ nor on the token's length.
 */
final class BearerTokenFilter extends Filter {
  private static final String SCHEME = "bearer ";
  private final byte[] expectedDigest;

  BearerTokenFilter(String token) {
    this.expectedDigest = sha256(token);
  }

  @Override
  public void doFilter(HttpExchange ex, Chain chain) throws IOException {
    if (authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
      chain.doFilter(ex);
      return;
    }
    ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"driftdb-admin\"");
    Responses.send(ex, 401, Responses.JSON,
        Responses.status("unauthorized", "send the admin token as: Authorization: Bearer <token>"));
  }

  boolean authorized(String header) {
    if (header == null || header.length() <= SCHEME.length()
        || !header.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
      return false;
    }
    return MessageDigest.isEqual(expectedDigest, sha256(header.substring(SCHEME.length()).trim()));
  }

  @Override
  public String description() {
    return "bearer token authentication";
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
