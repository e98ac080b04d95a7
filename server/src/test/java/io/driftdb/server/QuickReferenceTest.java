package io.driftdb.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command of the seed's "Quick Reference — Commands That Work", in order, against a fresh
 * directory, through the real CLI and server processes. The only deviations: ports are 0
 * (ephemeral) instead of 5433/8080 so the test can run next to anything, and the server is
 * stopped between the three server commands because only one process may open a directory.
 */
class QuickReferenceTest {

  @TempDir
  Path tmp;

  @Test
  void everyQuickReferenceCommandWorksInOrder() throws Exception {
    String data = tmp.resolve("test_data").toString();

    // driftdb init test_data
    CliResult init = Cli.run("init", data);
    assertThat(init.exitCode()).as("%s", init).isZero();
    assertThat(init.stdout()).contains("Initialized DriftDB data directory");

    // CREATE TABLE users (id VARCHAR PRIMARY KEY, name VARCHAR, email VARCHAR)
    assertSql(data, "CREATE TABLE users (id VARCHAR PRIMARY KEY, name VARCHAR, email VARCHAR)", "CREATE TABLE\n");

    // CREATE INDEX ON users (name)
    assertSql(data, "CREATE INDEX ON users (name)", "CREATE INDEX\n");

    // INSERT INTO users {"id": "u1", "name": "Alice", "age": 30}  (a JSON document; "age" becomes a column)
    assertSql(data, "INSERT INTO users {\"id\": \"u1\", \"name\": \"Alice\", \"age\": 30}", "INSERT 0 1\n");

    // SELECT * FROM users
    assertSql(data, "SELECT * FROM users", String.join("\n",
        " id | name  | email | age",
        "----+-------+-------+-----",
        " u1 | Alice |       |  30",
        "(1 row)",
        "", ""));

    // UPDATE users SET age = 31 WHERE id = 'u1'
    assertSql(data, "UPDATE users SET age = 31 WHERE id = 'u1'", "UPDATE 1\n");

    // SELECT * FROM users FOR SYSTEM_TIME AS OF @SEQ:2  -> the state before the update (age 30).
    // SEQ 0 = CREATE TABLE, 1 = CREATE INDEX, 2 = INSERT, 3 = UPDATE.
    assertSql(data, "SELECT * FROM users FOR SYSTEM_TIME AS OF @SEQ:2", String.join("\n",
        " id | name  | email | age",
        "----+-------+-------+-----",
        " u1 | Alice |       |  30",
        "(1 row)",
        "", ""));

    // SELECT * FROM users FOR SYSTEM_TIME ALL WHERE id = 'u1'  -> both versions
    assertSql(data, "SELECT * FROM users FOR SYSTEM_TIME ALL WHERE id = 'u1'", String.join("\n",
        " id | name  | email | age",
        "----+-------+-------+-----",
        " u1 | Alice |       |  30",
        " u1 | Alice |       |  31",
        "(2 rows)",
        "", ""));

    // CHECKPOINT TABLE users: writes a snapshot of the database at the current SEQ (3).
    assertSql(data, "CHECKPOINT TABLE users", "CHECKPOINT\n");
    assertThat(Path.of(data, "snapshots", String.format("%020d.snap", 3))).isRegularFile();
    // VACUUM users: a new snapshot, older ones removed (log compaction is not built yet).
    assertSql(data, "VACUUM users", "VACUUM\n");
    try (var snapshots = java.nio.file.Files.list(Path.of(data, "snapshots"))) {
      assertThat(snapshots.filter(p -> p.toString().endsWith(".snap"))).hasSize(1);
    }
    // The next start comes from that snapshot and still shows the same data and history.
    assertSql(data, "SELECT * FROM users FOR SYSTEM_TIME ALL WHERE id = 'u1'", String.join("\n",
        " id | name  | email | age",
        "----+-------+-------+-----",
        " u1 | Alice |       |  30",
        " u1 | Alice |       |  31",
        "(2 rows)",
        "", ""));

    // driftdb-server --data-path test_data ; curl http://127.0.0.1:8080/health/live
    try (ServerProcess server = ServerProcess.start(serverArgs("--data-path", data), Map.of())) {
      HttpResponse<String> live = Http.get(server.httpUrl("/health/live"));
      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(live.body()).contains("\"status\":\"ok\"");
      // Without an admin token the metrics are public.
      assertThat(Http.get(server.httpUrl("/metrics")).statusCode()).isEqualTo(200);
      assertThat(server.terminate(60)).isZero();
    }

    // driftdb-server --data-path test_data --admin-token mysecrettoken
    // curl -H "Authorization: Bearer mysecrettoken" http://127.0.0.1:8080/metrics
    try (ServerProcess server = ServerProcess.start(
        serverArgs("--data-path", data, "--admin-token", "mysecrettoken"), Map.of())) {
      assertThat(Http.get(server.httpUrl("/health/live")).statusCode()).as("health stays public").isEqualTo(200);
      assertThat(Http.get(server.httpUrl("/metrics")).statusCode()).isEqualTo(401);
      HttpResponse<String> metrics = Http.get(server.httpUrl("/metrics"), "mysecrettoken");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("driftdb_log_head_seq 3.0");
      assertThat(server.terminate(60)).isZero();
    }

    // or: DRIFTDB_ADMIN_TOKEN=mysecrettoken driftdb-server ...
    try (ServerProcess server = ServerProcess.start(serverArgs("--data-path", data),
        Map.of("DRIFTDB_ADMIN_TOKEN", "mysecrettoken"))) {
      assertThat(Http.get(server.httpUrl("/metrics")).statusCode()).isEqualTo(401);
      assertThat(Http.get(server.httpUrl("/metrics"), "mysecrettoken").statusCode()).isEqualTo(200);
      assertThat(server.terminate(60)).isZero();
    }
  }

  private static void assertSql(String data, String sql, String expectedStdout) {
    CliResult r = Cli.run("sql", "--data", data, "-e", sql);
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.stdout()).as("%s", r).isEqualTo(expectedStdout);
  }

  /** Ephemeral ports instead of the defaults 5433/8080. */
  static List<String> serverArgs(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(List.of("--port", "0", "--http-port", "0", "--kafka-port", "0"));
    return all;
  }
}
