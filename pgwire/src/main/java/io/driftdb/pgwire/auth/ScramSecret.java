package io.driftdb.pgwire.auth;

import java.util.Arrays;
import java.util.Base64;

/**
 * A SCRAM-SHA-256 verifier (RFC 5802/7677): the salt and iteration count the client needs to
 * derive its keys, and the StoredKey/ServerKey the server checks proofs with. Byte arrays are
 * copied in and out, so instances are immutable.
 */
public record ScramSecret(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {

  public ScramSecret {
    if (salt == null || salt.length == 0 || storedKey == null || storedKey.length != 32
        || serverKey == null || serverKey.length != 32 || iterations < 1) {
      throw new IllegalArgumentException("invalid SCRAM-SHA-256 secret");
    }
    salt = salt.clone();
    storedKey = storedKey.clone();
    serverKey = serverKey.clone();
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  @Override
  public byte[] storedKey() {
    return storedKey.clone();
  }

  @Override
  public byte[] serverKey() {
    return serverKey.clone();
  }

  /** PostgreSQL's text form: {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>} (base64). */
  public String encode() {
    Base64.Encoder b64 = Base64.getEncoder();
    return "SCRAM-SHA-256$" + iterations + ":" + b64.encodeToString(salt) + "$"
        + b64.encodeToString(storedKey) + ":" + b64.encodeToString(serverKey);
  }

  public static ScramSecret parse(String text) {
    try {
      if (!text.startsWith("SCRAM-SHA-256$")) {
        throw new IllegalArgumentException("not a SCRAM-SHA-256 secret");
      }
      String[] parts = text.substring("SCRAM-SHA-256$".length()).split("\\$");
      String[] iterSalt = parts[0].split(":");
      String[] keys = parts[1].split(":");
      Base64.Decoder b64 = Base64.getDecoder();
      return new ScramSecret(b64.decode(iterSalt[1]), Integer.parseInt(iterSalt[0]), b64.decode(keys[0]),
          b64.decode(keys[1]));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed SCRAM-SHA-256 secret", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScramSecret s && iterations == s.iterations && Arrays.equals(salt, s.salt)
        && Arrays.equals(storedKey, s.storedKey) && Arrays.equals(serverKey, s.serverKey);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(salt) + Arrays.hashCode(storedKey);
  }

  /** Deliberately omits the keys: a verifier still permits offline guessing if leaked to logs. */
  @Override
  public String toString() {
    return "ScramSecret[iterations=" + iterations + "]";
  }
}
