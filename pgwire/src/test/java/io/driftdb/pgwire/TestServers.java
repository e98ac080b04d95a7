package io.driftdb.pgwire;

import io.driftdb.pgwire.auth.PasswordStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Starts real {@link PgServer}s on ephemeral ports over the {@link TestEngine} double. */
final class TestServers {

  private TestServers() {}

  static PgServerConfig config() {
    return PgServerConfig.defaults().withPort(0).withAuthMode(AuthMode.TRUST).withIoThreads(2);
  }

  static PgServer trust(TestEngine engine) {
    return new PgServer(config(), engine, null).start();
  }

  static PgServer withPasswords(TestEngine engine, AuthMode mode, PasswordStore store) {
    return new PgServer(config().withAuthMode(mode), engine, store).start();
  }

  static String url(PgServer server, String extra) {
    return "jdbc:postgresql://127.0.0.1:" + server.port() + "/testdb" + (extra.isEmpty() ? "" : "?" + extra);
  }

  static Connection connect(PgServer server, String extra) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "tester");
    p.setProperty("password", "");
    return DriverManager.getConnection(url(server, extra), p);
  }
}
