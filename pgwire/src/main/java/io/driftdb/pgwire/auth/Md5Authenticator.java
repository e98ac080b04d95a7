package io.driftdb.pgwire.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * AuthenticationMD5Password: the client answers {@code "md5" + md5hex(md5hex(password + user) +
 * salt)}; the server recomputes it from the stored {@code md5(password + user)}. Kept for old
 * clients; SCRAM is preferred. A null hash (unknown user) always fails after the same exchange.
 */
public final class Md5Authenticator implements Authenticator {

  private final String user;
  private final String storedHash;
  private final byte[] salt = new byte[4];

  public Md5Authenticator(String user, String storedHash, SecureRandom random) {
    this.user = user;
    this.storedHash = storedHash;
    random.nextBytes(salt);
  }

  @Override
  public Request begin() {
    return new Request(5, salt.clone());
  }

  @Override
  public Step respond(byte[] payload) {
    int end = payload.length;
    if (end == 0 || payload[end - 1] != 0) {
      throw new AuthenticationException("08P01", "invalid password packet");
    }
    String answer = new String(payload, 0, end - 1, StandardCharsets.UTF_8);
    if (storedHash == null) {
      throw AuthenticationException.failed(user);
    }
    byte[] inner = storedHash.substring(3).getBytes(StandardCharsets.US_ASCII);
    byte[] salted = new byte[inner.length + salt.length];
    System.arraycopy(inner, 0, salted, 0, inner.length);
    System.arraycopy(salt, 0, salted, inner.length, salt.length);
    String expected = "md5" + CredentialFactory.md5Hex(salted);
    if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), answer.getBytes(StandardCharsets.UTF_8))) {
      throw AuthenticationException.failed(user);
    }
    return new Step(null, true);
  }
}
