package io.driftdb.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdb.pgwire.auth.CredentialFactory;
import io.driftdb.pgwire.auth.ScramSecret;
import io.driftdb.pgwire.auth.StoredCredential;
import io.driftdb.sql.engine.UserCredentials;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The engine's stored verifiers (PostgreSQL formats) become pgwire credentials that check the same password. */
class EnginePasswordStoreTest {

  @Test
  void catalogVerifiersAdaptToPgwireCredentials() {
    Map<String, String> entry = UserCredentials.derive("alice", "alice-pw", false);
    StoredCredential c = EnginePasswordStore.fromCatalog("alice", entry).orElseThrow();

    ScramSecret scram = c.scramSecret().orElseThrow();
    // Re-deriving from the same password, salt and iterations gives the same keys.
    assertThat(CredentialFactory.scramSecret("alice-pw", scram.salt(), scram.iterations())).isEqualTo(scram);
    assertThat(CredentialFactory.scramSecret("wrong", scram.salt(), scram.iterations())).isNotEqualTo(scram);
    assertThat(c.md5()).contains(CredentialFactory.md5Hash("alice", "alice-pw"));
  }

  @Test
  void malformedOrEmptyEntriesCannotLogIn() {
    assertThat(EnginePasswordStore.fromCatalog("x", Map.of("scram-sha-256", "SCRAM-SHA-256$garbage"))).isEmpty();
    assertThat(EnginePasswordStore.fromCatalog("x", Map.of("superuser", "true"))).isEmpty();
  }

  @Test
  void theBootstrapUserComesFirst() {
    StoredCredential bootstrap = CredentialFactory.fromPassword("driftdb", "pw");
    EnginePasswordStore store = new EnginePasswordStore(new io.driftdb.materializer.Catalog(), Optional.of(bootstrap));
    assertThat(store.lookup("driftdb")).contains(bootstrap);
    assertThat(store.lookup("alice")).isEmpty();
    assertThat(new EnginePasswordStore(new io.driftdb.materializer.Catalog(), Optional.empty()).lookup("driftdb")).isEmpty();
  }
}
