package io.driftdb.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --auth password}: the bootstrap superuser from DRIFTDB_PASSWORD and users created with SQL. */
class PasswordAuthTest {

  @TempDir
  Path tmp;

  @Test
  void bootstrapSuperuserAndSqlUsersLogInWithTheirPasswords() throws Exception {
    String data = tmp.resolve("db").toString();
    List<String> args = QuickReferenceTest.serverArgs("--data-path", data);
    try (ServerProcess server = ServerProcess.start(args, Map.of("DRIFTDB_AUTH", "password",
        "DRIFTDB_PASSWORD", "bootstrap-pw"))) {
      try (Connection c = server.connect("driftdb", "bootstrap-pw"); Statement st = c.createStatement()) {
        st.execute("CREATE USER alice WITH PASSWORD 'alice-pw'");
      }
      assertThatThrownBy(() -> server.connect("driftdb", "wrong").close())
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
      // A user created a moment ago logs in at once (SCRAM verifier read from the catalog).
      try (Connection c = server.connect("alice", "alice-pw")) {
        assertThat(c.isValid(5)).isTrue();
      }
      assertThatThrownBy(() -> server.connect("alice", "bootstrap-pw").close()).isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> server.connect("nobody", "x").close()).isInstanceOf(SQLException.class);
      assertThat(server.terminate(30)).isZero();
    }

    // Users exist now, so password mode starts without DRIFTDB_PASSWORD; the bootstrap user is gone.
    try (ServerProcess server = ServerProcess.start(args, Map.of("DRIFTDB_AUTH", "password"))) {
      try (Connection c = server.connect("alice", "alice-pw")) {
        assertThat(c.isValid(5)).isTrue();
      }
      assertThatThrownBy(() -> server.connect("driftdb", "bootstrap-pw").close()).isInstanceOf(SQLException.class);
    }
  }

  @Test
  void passwordModeWithoutAnyUserRefusesToStart() {
    CliResult r = ServerProcess.startFailing(
        QuickReferenceTest.serverArgs("--data-path", tmp.resolve("db").toString(), "--auth", "password"), Map.of());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).contains("needs DRIFTDB_PASSWORD");
  }
}
