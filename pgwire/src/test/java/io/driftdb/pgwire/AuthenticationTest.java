package io.driftdb.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.driftdb.pgwire.auth.CredentialFactory;
import io.driftdb.pgwire.auth.PasswordStore;
import io.driftdb.pgwire.auth.StoredCredential;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Password authentication end to end: SCRAM-SHA-256 and MD5 with pgJDBC, psql and raw sockets. */
class AuthenticationTest {

  private static final PasswordStore STORE = PasswordStore.of(Map.of(
      "alice", CredentialFactory.fromPassword("alice", "s3cret"),
      "ünï", CredentialFactory.fromPassword("ünï", "pässwörd ✓"),
      "md5only", new StoredCredential(null, CredentialFactory.md5Hash("md5only", "old-pw")),
      "scramonly", CredentialFactory.scramOnly("new-pw")));

  private final TestEngine engine = new TestEngine();
  private PgServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  private Connection connect(String user, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.port() + "/testdb", p);
  }

  private void assertWorks(String user, String password) throws SQLException {
    try (Connection c = connect(user, password); ResultSet rs = c.createStatement().executeQuery("select 1")) {
      assertThat(rs.next()).isTrue();
    }
  }

  private void assertRejected(String user, String password) {
    assertThatThrownBy(() -> connect(user, password).close())
        .isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"))
        .hasMessageContaining("password authentication failed for user \"" + user + "\"");
  }

  @Test
  void scramWithPgJdbc() throws Exception {
    server = TestServers.withPasswords(engine, AuthMode.PASSWORD, STORE);
    assertWorks("alice", "s3cret");
    assertWorks("ünï", "pässwörd ✓");
    assertWorks("scramonly", "new-pw");
    assertRejected("alice", "wrong");
    assertRejected("nobody", "s3cret");
    // No session was opened for a failed login.
    assertThat(engine.sessionInfos).extracting(i -> i.user()).containsOnly("alice", "ünï", "scramonly");
  }

  @Test
  void md5IsUsedWhenOnlyAnMd5HashIsStored() throws Exception {
    server = TestServers.withPasswords(engine, AuthMode.PASSWORD, STORE);
    assertThat(firstAuthRequest("md5only")).isEqualTo(5);
    assertThat(firstAuthRequest("alice")).isEqualTo(10);
    assertWorks("md5only", "old-pw");
    assertRejected("md5only", "new-pw");
  }

  @Test
  void md5ModePrefersMd5AndFallsBackToScram() throws Exception {
    server = TestServers.withPasswords(engine, AuthMode.MD5, STORE);
    assertThat(firstAuthRequest("alice")).isEqualTo(5);
    assertThat(firstAuthRequest("scramonly")).isEqualTo(10);
    assertWorks("alice", "s3cret");
    assertWorks("scramonly", "new-pw");
    assertRejected("alice", "nope");
  }

  @Test
  void trustModeAcceptsAnyPassword() throws Exception {
    server = TestServers.trust(engine);
    assertWorks("whoever", "anything");
  }

  @Test
  void psqlWithPgpassword() throws Exception {
    assumeTrue(Psql.available(), "psql is not installed");
    server = TestServers.withPasswords(engine, AuthMode.PASSWORD, STORE);
    Psql.Result ok = Psql.run(server.port(), "alice", Map.of("PGPASSWORD", "s3cret"), null, "-c", "select 1");
    assertThat(ok.stderr()).isEmpty();
    assertThat(ok.exitCode()).isZero();
    assertThat(ok.stdout().trim()).isEqualTo("1");

    Psql.Result bad = Psql.run(server.port(), "alice", Map.of("PGPASSWORD", "wrong"), null, "-c", "select 1");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.stderr()).contains("password authentication failed for user \"alice\"");

    Psql.Result md5 = Psql.run(server.port(), "md5only", Map.of("PGPASSWORD", "old-pw"), null, "-c", "select 1");
    assertThat(md5.stdout().trim()).isEqualTo("1");
  }

  @Test
  void rawClientGetsFatal28P01AndTheServerCloses() throws Exception {
    server = TestServers.withPasswords(engine, AuthMode.PASSWORD, STORE);
    try (RawPgClient c = new RawPgClient(server.port())) {
      c.startup(Map.of("user", "md5only", "database", "d"));
      RawPgClient.Msg request = c.read();
      assertThat(request.type()).isEqualTo('R');
      byte[] salt = new byte[4];
      ByteBuffer.wrap(request.body(), 4, 4).get(salt);
      c.send('p', AuthenticatorTest.md5Answer("md5only", "bad", salt));
      List<RawPgClient.Msg> rest = c.readUntilClosed();
      assertThat(rest).hasSize(1);
      assertThat(rest.get(0).field('S')).isEqualTo("FATAL");
      assertThat(rest.get(0).field('C')).isEqualTo("28P01");
    }
    // A query message instead of a password is a protocol violation.
    try (RawPgClient c = new RawPgClient(server.port())) {
      c.startup(Map.of("user", "alice", "database", "d"));
      c.read();
      c.query("select 1");
      List<RawPgClient.Msg> rest = c.readUntilClosed();
      assertThat(rest.get(0).field('C')).isEqualTo("08P01");
    }
  }

  private int firstAuthRequest(String user) throws Exception {
    try (RawPgClient c = new RawPgClient(server.port())) {
      c.startup(Map.of("user", user, "database", "d"));
      RawPgClient.Msg m = c.read();
      assertThat(m.type()).isEqualTo('R');
      return m.buffer().getInt();
    }
  }
}
