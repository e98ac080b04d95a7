package io.driftdb.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting, refusing to start, and stopping on SIGTERM without losing anything. */
class ServerLifecycleTest {

  @TempDir
  Path tmp;

  @Test
  void sigtermStopsPromptlyWithExitCodeZeroAndTheDataSurvivesARestart() throws Exception {
    String data = tmp.resolve("db").toString();
    try (ServerProcess server = ServerProcess.start(QuickReferenceTest.serverArgs("--data-path", data), Map.of())) {
      try (Connection c = server.connect(); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE kv (k INT PRIMARY KEY, v VARCHAR)");
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO kv VALUES (?, ?)")) {
          for (int i = 0; i < 20; i++) {
            ins.setInt(1, i);
            ins.setString(2, "value " + i);
            ins.executeUpdate();
          }
        }
        // The connection is still open when SIGTERM arrives.
        long t0 = System.nanoTime();
        assertThat(server.terminate(30)).as(server.log()).isZero();
        assertThat((System.nanoTime() - t0) / 1_000_000_000.0).as("seconds to stop").isLessThan(15);
      }
      assertThat(server.log()).contains("Received SIGTERM").contains("DriftDB stopped cleanly");
    }

    try (ServerProcess again = ServerProcess.start(QuickReferenceTest.serverArgs("--data-path", data), Map.of());
         Connection c = again.connect(); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*), min(v), max(k) FROM kv")) {
      assertThat(rs.next()).isTrue();
      assertThat(List.of(rs.getLong(1), rs.getString(2), rs.getInt(3))).containsExactly(20L, "value 0", 19);
      // The clean close left nothing for recovery to repair.
      assertThat(again.log()).doesNotContain("torn").doesNotContain("truncat");
    }
  }

  /**
   * SIGTERM while a slow query runs: the query is allowed to finish and its result reaches the
   * client, a new statement on another connection is refused with 57P01, then the server exits 0.
   */
  @Test
  void shutdownLetsARunningStatementFinishAndRefusesNewOnes() throws Exception {
    String data = tmp.resolve("db").toString();
    int n = 180;
    try (ServerProcess server = ServerProcess.start(QuickReferenceTest.serverArgs("--data-path", data), Map.of());
         Connection slow = server.connect(); Connection other = server.connect()) {
      try (Statement st = slow.createStatement()) {
        st.execute("CREATE TABLE n (i INT PRIMARY KEY)");
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < n; i++) {
          values.append(i == 0 ? "" : ",").append('(').append(i).append(')');
        }
        st.execute("INSERT INTO n VALUES " + values);
      }
      // A few million joined rows: seconds of work.
      CompletableFuture<Long> count = CompletableFuture.supplyAsync(() -> {
        try (Statement st = slow.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM n a, n b, n c WHERE a.i + b.i + c.i >= 0")) {
          rs.next();
          return rs.getLong(1);
        } catch (SQLException e) {
          throw new CompletionException(e);
        }
      });
      awaitMetric(server, "driftdb_sessions_busy", 1);

      server.signalTerm();
      awaitStatus(server, "/health/ready", 503);
      assertThatThrownBy(() -> other.createStatement().execute("SELECT 1"))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57P01"));

      assertThat(count.get(60, TimeUnit.SECONDS)).isEqualTo((long) n * n * n);
      assertThat(server.awaitExit(60)).as(server.log()).isZero();
      assertThat(server.log()).contains("Shutting down").doesNotContain("still running a statement");
    }
  }

  private static void awaitMetric(ServerProcess server, String name, double atLeast) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (PrometheusText.sum(Http.get(server.httpUrl("/metrics")).body(), name, Map.of()) < atLeast) {
      assertThat(System.nanoTime()).as("waiting for %s >= %s", name, atLeast).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static void awaitStatus(ServerProcess server, String path, int status) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (Http.get(server.httpUrl(path)).statusCode() != status) {
      assertThat(System.nanoTime()).as("waiting for %s to answer %s", path, status).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void aSecondServerOnTheSameDirectoryIsRefused() throws Exception {
    String data = tmp.resolve("db").toString();
    try (ServerProcess first = ServerProcess.start(QuickReferenceTest.serverArgs("--data-path", data), Map.of())) {
      CliResult second = ServerProcess.startFailing(QuickReferenceTest.serverArgs("--data-path", data), Map.of());
      assertThat(second.exitCode()).isEqualTo(1);
      assertThat(second.stderr()).contains("driftdb-server: cannot start").contains("already in use");
      assertThat(first.isAlive()).isTrue();

      CliResult cli = Cli.run("sql", "--data", data, "-e", "SELECT 1");
      assertThat(cli.exitCode()).isEqualTo(1);
      assertThat(cli.stderr()).contains("already in use");
    }
  }

  @Test
  void badSettingsAreUsageErrors() {
    String data = tmp.resolve("db").toString();
    CliResult fsync = ServerProcess.startFailing(List.of("--data-path", data, "--fsync", "sometimes"), Map.of());
    assertThat(fsync.exitCode()).isEqualTo(2);
    assertThat(fsync.stderr()).contains("--fsync: unknown fsync policy 'sometimes'");

    CliResult port = ServerProcess.startFailing(List.of("--data-path", data, "--port", "70000"), Map.of());
    assertThat(port.exitCode()).isEqualTo(2);
    assertThat(port.stderr()).contains("--port must be between 0 and 65535");

    CliResult env = ServerProcess.startFailing(List.of("--data-path", data), Map.of("DRIFTDB_HTTP_PORT", "not-a-number"));
    assertThat(env.exitCode()).as("%s", env).isEqualTo(2);
    assertThat(env.stderr()).contains("--http-port");

    CliResult unknown = ServerProcess.startFailing(List.of("--data-path", data, "--frobnicate"), Map.of());
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.stderr()).contains("Unknown option: '--frobnicate'");
  }
}
