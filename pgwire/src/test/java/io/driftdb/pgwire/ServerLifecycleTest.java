package io.driftdb.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Starting, limiting and stopping the server. */
class ServerLifecycleTest {

  private final TestEngine engine = new TestEngine();

  @Test
  void portZeroBindsAnEphemeralPortAndStartTwiceFails() {
    try (PgServer server = TestServers.trust(engine)) {
      assertThat(server.port()).isPositive();
      assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
      // Another server on the same port cannot bind.
      PgServer clash = new PgServer(TestServers.config().withPort(server.port()), engine);
      assertThatThrownBy(clash::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot listen");
    }
  }

  @Test
  void configIsValidated() {
    PgServerConfig base = TestServers.config();
    assertThatThrownBy(() -> base.withPort(70_000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> base.withTls(Path.of("cert.pem"), null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> base.withServerVersion("DriftDB")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PgServer(base.withAuthMode(AuthMode.PASSWORD), engine, null))
        .isInstanceOf(IllegalArgumentException.class);
    PgServer missingCert = new PgServer(base.withTls(Path.of("/nonexistent/cert.pem"), Path.of("/nonexistent/key.pem")), engine);
    assertThatThrownBy(missingCert::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("TLS");
  }

  @Test
  void connectionsBeyondTheLimitAreRefusedWith53300() throws Exception {
    try (PgServer server = new PgServer(TestServers.config().withMaxConnections(2), engine).start();
         Connection a = TestServers.connect(server, "")) {
      try (Connection b = TestServers.connect(server, "")) {
        assertThatThrownBy(() -> TestServers.connect(server, "").close())
            .isInstanceOf(SQLException.class)
            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("53300"));
        assertThat(server.openConnections()).isEqualTo(2);
      }
      long deadline = System.currentTimeMillis() + 5000;
      while (server.openConnections() > 1 && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      TestServers.connect(server, "").close();
    }
  }

  @Test
  void idleConnectionsThatNeverAuthenticateAreClosed() throws Exception {
    PgServerConfig config = TestServers.config().withAuthenticationTimeout(Duration.ofMillis(300));
    try (PgServer server = new PgServer(config, engine).start(); Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(5000);
      long start = System.nanoTime();
      assertThat(s.getInputStream().read()).isEqualTo(-1);
      assertThat((System.nanoTime() - start) / 1_000_000).isBetween(200L, 4000L);
      // An authenticated connection is not affected by the timer.
      try (RawPgClient c = RawPgClient.connect(server.port())) {
        Thread.sleep(600);
        c.query("select 1");
        assertThat(RawPgClient.types(c.readUntil('Z'))).isEqualTo("TDCZ");
      }
    }
  }

  @Test
  void stopClosesConnectionsAndTheirSessions() throws Exception {
    PgServer server = TestServers.trust(engine);
    RawPgClient idle = RawPgClient.connect(server.port());
    RawPgClient busy = RawPgClient.connect(server.port());
    busy.query("select pg_sleep(30)");
    Thread.sleep(200);
    long start = System.nanoTime();
    server.stop();
    assertThat((System.nanoTime() - start) / 1_000_000).as("a running statement is cancelled, not awaited").isLessThan(10_000);
    assertClosed(idle);
    busy.close();
    assertThat(engine.sessionsClosed.get()).isEqualTo(engine.sessionsOpened.get());
    server.stop(); // idempotent
  }

  private static void assertClosed(RawPgClient client) throws IOException {
    List<RawPgClient.Msg> rest = client.readUntilClosed();
    assertThat(rest).isEmpty();
    client.close();
  }

  @Test
  void sessionInfoCarriesStartupParameters() throws Exception {
    try (PgServer server = TestServers.trust(engine); RawPgClient c = new RawPgClient(server.port())) {
      c.startup(Map.of("user", "ann", "application_name", "tool"));
      c.readUntil('Z');
      var info = engine.sessionInfos.get(engine.sessionInfos.size() - 1);
      assertThat(info.user()).isEqualTo("ann");
      assertThat(info.database()).as("database defaults to the user name").isEqualTo("ann");
      assertThat(info.applicationName()).isEqualTo("tool");
    }
  }
}
