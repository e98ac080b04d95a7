package io.driftdb.server.auth;

import io.driftdb.materializer.Catalog;
import io.driftdb.pgwire.auth.PasswordStore;
import io.driftdb.pgwire.auth.ScramSecret;
import io.driftdb.pgwire.auth.StoredCredential;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credentials for pgwire: the bootstrap superuser (password from {@code DRIFTDB_PASSWORD}) and
 * the users created with SQL, read live from the catalog so CREATE/ALTER/DROP USER take effect
 * on the next login. The bootstrap credential wins over a catalog user of the same name: it is
 * the operator's way back in when that password is lost.
 */
public final class EnginePasswordStore implements PasswordStore {
  public static final String BOOTSTRAP_USER = "driftdb";
  /** Keys of a catalog user entry (the engine's UserCredentials formats). */
  static final String SCRAM_KEY = "scram-sha-256";
  static final String MD5_KEY = "md5";

  private static final Logger LOG = LoggerFactory.getLogger(EnginePasswordStore.class);

  private final Catalog catalog;
  private final Optional<StoredCredential> bootstrap;

  public EnginePasswordStore(Catalog catalog, Optional<StoredCredential> bootstrap) {
    this.catalog = catalog;
    this.bootstrap = bootstrap;
  }

  @Override
  public Optional<StoredCredential> lookup(String user) {
    if (BOOTSTRAP_USER.equals(user) && bootstrap.isPresent()) {
      return bootstrap;
    }
    Map<String, String> entry = catalog.user(user);
    return entry == null ? Optional.empty() : fromCatalog(user, entry);
  }

  /** Adapts PostgreSQL's rolpassword formats as the engine stores them; a malformed entry cannot log in. */
  static Optional<StoredCredential> fromCatalog(String user, Map<String, String> entry) {
    try {
      String scram = entry.get(SCRAM_KEY);
      String md5 = entry.get(MD5_KEY);
      if (scram == null && md5 == null) {
        return Optional.empty();
      }
      return Optional.of(new StoredCredential(scram == null ? null : ScramSecret.parse(scram), md5));
    } catch (IllegalArgumentException e) {
      LOG.warn("stored credential of user \"{}\" is malformed; refusing password login: {}", user, e.getMessage());
      return Optional.empty();
    }
  }
}
