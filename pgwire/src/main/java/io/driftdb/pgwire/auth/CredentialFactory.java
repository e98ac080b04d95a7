package io.driftdb.pgwire.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Derives stored credentials from a clear-text password (for CREATE USER and the bootstrap user). */
public final class CredentialFactory {

  /** PostgreSQL's default scram_iterations. */
  public static final int DEFAULT_ITERATIONS = 4096;
  private static final int SALT_BYTES = 16;

  private CredentialFactory() {}

  /** Both a SCRAM-SHA-256 secret (random salt) and the MD5 hash, so either method works. */
  public static StoredCredential fromPassword(String user, String password) {
    byte[] salt = new byte[SALT_BYTES];
    new SecureRandom().nextBytes(salt);
    return new StoredCredential(scramSecret(password, salt, DEFAULT_ITERATIONS), md5Hash(user, password));
  }

  /** Only the SCRAM-SHA-256 secret. */
  public static StoredCredential scramOnly(String password) {
    byte[] salt = new byte[SALT_BYTES];
    new SecureRandom().nextBytes(salt);
    return new StoredCredential(scramSecret(password, salt, DEFAULT_ITERATIONS), null);
  }

  public static ScramSecret scramSecret(String password, byte[] salt, int iterations) {
    if (password == null || password.isEmpty()) {
      throw new IllegalArgumentException("password must not be empty");
    }
    byte[] salted = ScramCrypto.hi(SaslPrep.prepare(password).getBytes(StandardCharsets.UTF_8), salt, iterations);
    byte[] clientKey = ScramCrypto.hmac(salted, "Client Key");
    byte[] storedKey = ScramCrypto.sha256(clientKey);
    byte[] serverKey = ScramCrypto.hmac(salted, "Server Key");
    return new ScramSecret(salt, iterations, storedKey, serverKey);
  }

  /** {@code "md5" + hex(md5(password + user))}, PostgreSQL's stored MD5 form. */
  public static String md5Hash(String user, String password) {
    if (password == null || password.isEmpty()) {
      throw new IllegalArgumentException("password must not be empty");
    }
    return "md5" + md5Hex((password + user).getBytes(StandardCharsets.UTF_8));
  }

  static String md5Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 unavailable", e);
    }
  }
}
