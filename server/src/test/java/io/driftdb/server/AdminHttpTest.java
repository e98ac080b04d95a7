package io.driftdb.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin HTTP endpoint of a running server: token protection, measured metrics, readiness. */
class AdminHttpTest {
  private static final String TOKEN = "s3cret-admin-token";

  @TempDir
  Path tmp;

  @Test
  void adminTokenProtectsEverythingButHealth() throws Exception {
    try (ServerProcess server = start("--admin-token", TOKEN)) {
      HttpResponse<String> anonymous = Http.get(server.httpUrl("/metrics"));
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      assertThat(Http.get(server.httpUrl("/metrics"), "wrong").statusCode()).isEqualTo(401);
      assertThat(Http.get(server.httpUrl("/metrics"), TOKEN + "x").statusCode()).isEqualTo(401);

      HttpResponse<String> scrape = Http.get(server.httpUrl("/metrics"), TOKEN);
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));

      assertThat(Http.get(server.httpUrl("/health/live")).statusCode()).isEqualTo(200);
      assertThat(Http.get(server.httpUrl("/health/ready")).statusCode()).isEqualTo(200);
      // Unknown paths do not reveal themselves without the token.
      assertThat(Http.get(server.httpUrl("/admin")).statusCode()).isEqualTo(401);
      assertThat(Http.get(server.httpUrl("/admin"), TOKEN).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void metricsAreMeasuredFromRealTraffic() throws Exception {
    try (ServerProcess server = start("--admin-token", TOKEN)) {
      String before = scrape(server);
      for (String name : List.of("driftdb_log_head_seq", "driftdb_log_segments", "driftdb_materializer_lag_records",
          "driftdb_connections_open", "jvm_memory_used_bytes", "jvm_threads_live_threads", "system_cpu_count",
          "jvm_gc_memory_allocated_bytes_total")) {
        assertThat(PrometheusText.has(before, name)).as(name).isTrue();
      }

      try (Connection c = server.connect(); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE m (id INT PRIMARY KEY, v VARCHAR)");
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO m VALUES (?, 'x')")) {
          for (int i = 0; i < 3; i++) {
            ins.setInt(1, i);
            ins.executeUpdate();
          }
        }
        for (int i = 0; i < 5; i++) {
          try (ResultSet rs = st.executeQuery("SELECT count(*) FROM m")) {
            rs.next();
          }
        }
        assertThatThrownBy(() -> st.execute("INSERT INTO m VALUES (0, 'duplicate')")).isInstanceOf(SQLException.class);
        c.setAutoCommit(false);
        st.execute("INSERT INTO m VALUES (100, 'rolled back')");
        c.rollback();
        c.setAutoCommit(true);

        String during = scrape(server);
        assertThat(value(during, "driftdb_connections_open")).isGreaterThanOrEqualTo(1);
        assertThat(value(during, "driftdb_sessions_open")).isGreaterThanOrEqualTo(1);
      }

      String after = scrape(server);
      assertThat(delta(before, after, "driftdb_statements_total", Map.of("kind", "SELECT", "outcome", "ok")))
          .isGreaterThanOrEqualTo(5);
      assertThat(delta(before, after, "driftdb_statements_total", Map.of("kind", "INSERT", "outcome", "ok")))
          .isGreaterThanOrEqualTo(3);
      assertThat(delta(before, after, "driftdb_statements_total", Map.of("outcome", "error"))).isGreaterThanOrEqualTo(1);
      assertThat(delta(before, after, "driftdb_statement_duration_seconds_count", Map.of("kind", "SELECT")))
          .isGreaterThanOrEqualTo(5);
      assertThat(delta(before, after, "driftdb_statement_duration_seconds_sum", Map.of("kind", "SELECT"))).isPositive();
      assertThat(PrometheusText.sum(after, "driftdb_statement_duration_seconds_bucket", Map.of("kind", "SELECT", "le", "+Inf")))
          .isGreaterThanOrEqualTo(5);
      // CREATE TABLE and three INSERTs committed; the explicit transaction was rolled back.
      assertThat(delta(before, after, "driftdb_commits_total", Map.of())).isEqualTo(4);
      assertThat(delta(before, after, "driftdb_aborts_total", Map.of())).isGreaterThanOrEqualTo(1);
      assertThat(delta(before, after, "driftdb_log_appended_records_total", Map.of())).isEqualTo(4);
      assertThat(delta(before, after, "driftdb_log_appended_bytes_total", Map.of())).isPositive();
      assertThat(delta(before, after, "driftdb_log_fsync_duration_seconds_count", Map.of())).isPositive();
      assertThat(value(after, "driftdb_log_head_seq")).isEqualTo(value(before, "driftdb_log_head_seq") + 4);
      assertThat(value(after, "driftdb_materializer_applied_seq")).isEqualTo(value(after, "driftdb_log_head_seq"));
    }
  }

  @Test
  void kafkaGatewayRequestsAreTimedByRequest() throws Exception {
    int kafkaPort;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      kafkaPort = probe.getLocalPort();
    }
    try (ServerProcess server = ServerProcess.start(List.of("--data-path", tmp.resolve("db").toString(), "--port", "0",
        "--http-port", "0", "--kafka-port", Integer.toString(kafkaPort), "--admin-token", TOKEN), Map.of())) {
      try (Connection c = server.connect(); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE events (id BIGINT PRIMARY KEY, v VARCHAR)");
      }
      String before = scrape(server);
      java.util.Properties p = new java.util.Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort);
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
        for (int i = 0; i < 3; i++) {
          producer.send(new ProducerRecord<>("events", Integer.toString(i), "{\"id\":" + i + ",\"v\":\"x\"}")).get();
        }
      }
      Map<String, String> produce = Map.of("request", "Produce");
      double produced = 0;
      String after = before;
      // The server records a request right after flushing its response, which the client may have read first.
      for (long deadline = System.currentTimeMillis() + 10_000; produced < 3 && System.currentTimeMillis() < deadline; ) {
        Thread.sleep(20);
        after = scrape(server);
        produced = delta(before, after, "driftdb_kafka_request_duration_seconds_count", produce);
      }
      assertThat(produced).isEqualTo(3);
      assertThat(delta(before, after, "driftdb_kafka_request_duration_seconds_sum", produce)).isPositive();
      assertThat(delta(before, after, "driftdb_kafka_request_duration_seconds_count", Map.of("request", "Metadata")))
          .isGreaterThanOrEqualTo(1);
      assertThat(PrometheusText.sum(after, "driftdb_kafka_request_duration_seconds_bucket", Map.of("request", "Produce",
          "le", "+Inf"))).isEqualTo(3);
    }
  }

  @Test
  void readyFailsWithAReasonWhenFreeDiskIsBelowTheThreshold() throws Exception {
    // 10^9 MiB (about a petabyte) is more than any test machine has free.
    try (ServerProcess server = start("--min-free-disk-mb", "1000000000")) {
      HttpResponse<String> ready = Http.get(server.httpUrl("/health/ready"));
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
      assertThat(ready.body()).startsWith("{\"status\":\"unavailable\",\"reason\":\"free disk space for ")
          .contains("below the minimum of 1000000000 MiB");
      assertThat(Http.get(server.httpUrl("/health/live")).statusCode()).as("still alive").isEqualTo(200);
    }
  }

  /**
   * A real write failure, no mocks: the server runs under {@code ulimit -f} (RLIMIT_FSIZE), so
   * once the segment file reaches the limit the kernel fails the write with EFBIG (the JVM
   * ignores SIGXFSZ). The log then refuses all appends and readiness must say so.
   */
  @Test
  void readyFailsWhenTheLogCannotBeWritten() throws Exception {
    Path data = tmp.resolve("db");
    int acknowledged = 0;
    try (ServerProcess server = ServerProcess.start(
        QuickReferenceTest.serverArgs("--data-path", data.toString()), Map.of(), "ulimit -f 128")) {
      assertThat(Http.get(server.httpUrl("/health/ready")).statusCode()).isEqualTo(200);
      SQLException failure = null;
      try (Connection c = server.connect(); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE big (id INT PRIMARY KEY, payload VARCHAR)");
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO big VALUES (?, ?)")) {
          String payload = "x".repeat(8 * 1024);
          for (int i = 0; i < 100 && failure == null; i++) {
            ins.setInt(1, i);
            ins.setString(2, payload);
            try {
              ins.executeUpdate();
              acknowledged++;
            } catch (SQLException e) {
              failure = e;
            }
          }
        }
      }
      assertThat((Object) failure).as("an insert must fail once the 128 KiB file size limit is hit").isNotNull();
      assertThat(failure.getSQLState()).isEqualTo("58030");
      assertThat(acknowledged).isBetween(1, 16);

      HttpResponse<String> ready = Http.get(server.httpUrl("/health/ready"));
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).startsWith("{\"status\":\"unavailable\",\"reason\":\"the log does not accept writes");
      assertThat(value(Http.get(server.httpUrl("/metrics")).body(), "driftdb_log_writable")).isZero();
      assertThat(server.terminate(60)).isZero();
    }

    // Every acknowledged insert survived; the torn batch was not acknowledged and is gone.
    CliResult count = Cli.run("sql", "--data", data.toString(), "--format", "csv", "-e", "SELECT count(*) AS n FROM big");
    assertThat(count.stdout()).as("%s", count).isEqualTo("n\n" + acknowledged + "\n");
  }

  private ServerProcess start(String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("--data-path", tmp.resolve("db").toString()));
    args.addAll(List.of(extra));
    return ServerProcess.start(QuickReferenceTest.serverArgs(args.toArray(new String[0])), Map.of());
  }

  private static String scrape(ServerProcess server) throws Exception {
    HttpResponse<String> r = Http.get(server.httpUrl("/metrics"), TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private static double value(String scrape, String name) {
    return PrometheusText.sum(scrape, name, Map.of());
  }

  private static double delta(String before, String after, String name, Map<String, String> labels) {
    return PrometheusText.sum(after, name, labels) - PrometheusText.sum(before, name, labels);
  }
}
