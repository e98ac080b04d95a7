package io.driftdb.pgwire.auth;

import java.util.Map;
import java.util.Optional;

/**
 * Where pgwire looks up a user's stored credential during password authentication. The server
 * module implements it over the bootstrap superuser and the users created with SQL. Called on a
 * session thread (never the I/O event loop), so a lookup may block briefly; it must be
 * thread-safe.
 */
@FunctionalInterface
public interface PasswordStore {

  /** The credential of {@code user}, or empty when no such user may log in with a password. */
  Optional<StoredCredential> lookup(String user);

  /** A store over a fixed map (tests, tools). */
  static PasswordStore of(Map<String, StoredCredential> credentials) {
    Map<String, StoredCredential> copy = Map.copyOf(credentials);
    return user -> Optional.ofNullable(copy.get(user));
  }

  /** A store that knows nobody (every password login fails). */
  static PasswordStore none() {
    return user -> Optional.empty();
  }
}
