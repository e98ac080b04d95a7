package io.driftdb.sql.engine;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Password verifiers stored in the log for CREATE/ALTER USER, in PostgreSQL's formats: a
 * SCRAM-SHA-256 verifier ({@code SCRAM-SHA-256$iter:salt$StoredKey:ServerKey}, base64) and
 * an md5 hash ({@code md5} + md5(password || user)) for old clients. The password itself is
 * never stored.
 */
public final class UserCredentials {
  public static final String SCRAM = "scram-sha-256";
  public static final String MD5 = "md5";
  public static final String SUPERUSER = "superuser";
  private static final int ITERATIONS = 4096;

  private UserCredentials() {}

  public static Map<String, String> derive(String user, String password, boolean superuser) {
    return Map.of(SCRAM, scramVerifier(password), MD5, md5(user, password), SUPERUSER, Boolean.toString(superuser));
  }

  static String scramVerifier(String password) {
    try {
      byte[] salt = new byte[16];
      new SecureRandom().nextBytes(salt);
      SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
      byte[] salted = f.generateSecret(new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, 256)).getEncoded();
      byte[] clientKey = hmac(salted, "Client Key");
      byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
      byte[] serverKey = hmac(salted, "Server Key");
      Base64.Encoder b64 = Base64.getEncoder();
      return "SCRAM-SHA-256$" + ITERATIONS + ":" + b64.encodeToString(salt) + "$" + b64.encodeToString(storedKey) + ":"
          + b64.encodeToString(serverKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String msg) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(msg.getBytes(StandardCharsets.UTF_8));
  }

  static String md5(String user, String password) {
    try {
      byte[] d = MessageDigest.getInstance("MD5").digest((password + user).getBytes(StandardCharsets.UTF_8));
      return "md5" + HexFormat.of().formatHex(d);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
