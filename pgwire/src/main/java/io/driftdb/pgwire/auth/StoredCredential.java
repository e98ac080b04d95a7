package io.driftdb.pgwire.auth;

import java.util.Locale;
import java.util.Optional;

/**
 * What the server keeps about a password: a SCRAM-SHA-256 secret and/or the legacy MD5 hash
 * {@code "md5" + hex(md5(password + user))}. Never the password itself. At least one is present.
 */
public record StoredCredential(ScramSecret scram, String md5Hash) {

  public StoredCredential {
    if (scram == null && md5Hash == null) {
      throw new IllegalArgumentException("a credential needs a SCRAM secret or an MD5 hash");
    }
    if (md5Hash != null && !isMd5Hash(md5Hash)) {
      throw new IllegalArgumentException("MD5 hash must be \"md5\" followed by 32 hex digits");
    }
    if (md5Hash != null) {
      md5Hash = md5Hash.toLowerCase(Locale.ROOT);
    }
  }

  public Optional<ScramSecret> scramSecret() {
    return Optional.ofNullable(scram);
  }

  public Optional<String> md5() {
    return Optional.ofNullable(md5Hash);
  }

  /**
   * Reads a credential in PostgreSQL's pg_authid.rolpassword format: either
   * {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>} or {@code md5<32 hex>}.
   */
  public static StoredCredential parse(String rolpassword) {
    if (rolpassword.startsWith("SCRAM-SHA-256$")) {
      return new StoredCredential(ScramSecret.parse(rolpassword), null);
    }
    if (isMd5Hash(rolpassword)) {
      return new StoredCredential(null, rolpassword);
    }
    throw new IllegalArgumentException("not a SCRAM-SHA-256 secret or MD5 hash");
  }

  static boolean isMd5Hash(String s) {
    return s.length() == 35 && s.startsWith("md5") && s.substring(3).chars().allMatch(c -> Character.digit(c, 16) >= 0);
  }

  @Override
  public String toString() {
    return "StoredCredential[scram=" + (scram != null) + ", md5=" + (md5Hash != null) + "]";
  }
}
