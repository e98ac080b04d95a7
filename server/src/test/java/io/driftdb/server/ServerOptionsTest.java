package io.driftdb.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdb.pgwire.AuthMode;
import io.driftdb.server.lifecycle.ServerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Flag parsing of driftdb-server: defaults, DRIFTDB_* environment variables, precedence. */
class ServerOptionsTest {

  private static ServerSettings parse(Map<String, String> env, String... args) {
    CommandLine cl = DriftServer.commandLine(env);
    cl.parseArgs(args);
    return ((DriftServer) cl.getCommand()).settings();
  }

  @Test
  void defaultsMatchTheDocumentation() {
    ServerSettings s = parse(Map.of());
    assertThat(s.dataPath()).isEqualTo(Path.of("./data"));
    assertThat(s.listen()).isEqualTo("127.0.0.1");
    assertThat(s.port()).isEqualTo(5433);
    assertThat(s.httpPort()).isEqualTo(8080);
    assertThat(s.adminToken()).isNull();
    assertThat(s.auth()).isEqualTo(AuthMode.TRUST);
    assertThat(s.fsync()).isEqualTo("group");
    assertThat(s.minFreeDiskBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(s.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.bootstrapPassword()).isNull();
  }

  @Test
  void everyFlagCanComeFromTheEnvironmentAndTheFlagWins() {
    Map<String, String> env = Map.ofEntries(
        Map.entry("DRIFTDB_DATA_PATH", "/srv/drift"), Map.entry("DRIFTDB_LISTEN", "0.0.0.0"),
        Map.entry("DRIFTDB_PORT", "6000"), Map.entry("DRIFTDB_HTTP_PORT", "0"),
        Map.entry("DRIFTDB_ADMIN_TOKEN", "tok"), Map.entry("DRIFTDB_AUTH", "password"),
        Map.entry("DRIFTDB_FSYNC", "interval:50"), Map.entry("DRIFTDB_MIN_FREE_DISK_MB", "1"),
        Map.entry("DRIFTDB_SHUTDOWN_TIMEOUT", "5"), Map.entry("DRIFTDB_MAX_CONNECTIONS", "7"),
        Map.entry("DRIFTDB_TLS_CERT", "/c.pem"), Map.entry("DRIFTDB_TLS_KEY", "/k.pem"),
        Map.entry("DRIFTDB_PASSWORD", "pw"));
    ServerSettings s = parse(env);
    assertThat(s.dataPath()).isEqualTo(Path.of("/srv/drift"));
    assertThat(s.listen()).isEqualTo("0.0.0.0");
    assertThat(s.port()).isEqualTo(6000);
    assertThat(s.httpPort()).isZero();
    assertThat(s.adminToken()).isEqualTo("tok");
    assertThat(s.auth()).isEqualTo(AuthMode.PASSWORD);
    assertThat(s.fsync()).isEqualTo("interval:50");
    assertThat(s.minFreeDiskBytes()).isEqualTo(1024L * 1024);
    assertThat(s.shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.maxConnections()).isEqualTo(7);
    assertThat(s.tlsCert()).isEqualTo(Path.of("/c.pem"));
    assertThat(s.tlsKey()).isEqualTo(Path.of("/k.pem"));
    assertThat(s.bootstrapPassword()).isEqualTo("pw");

    ServerSettings flags = parse(env, "--port", "7000", "--admin-token", "other", "--auth", "trust");
    assertThat(flags.port()).isEqualTo(7000);
    assertThat(flags.adminToken()).isEqualTo("other");
    assertThat(flags.auth()).isEqualTo(AuthMode.TRUST);
  }

  @Test
  void secretsStayOutOfToStringAndHelp() {
    ServerSettings s = parse(Map.of("DRIFTDB_ADMIN_TOKEN", "tok-123", "DRIFTDB_PASSWORD", "pw-456"));
    assertThat(s.toString()).doesNotContain("tok-123").doesNotContain("pw-456");
    String help = DriftServer.commandLine(Map.of("DRIFTDB_ADMIN_TOKEN", "tok-123")).getUsageMessage();
    assertThat(help).doesNotContain("tok-123").contains("DRIFTDB_SOME_FLAG");
  }

  @Test
  void theLogIsLocalByDefaultAndAKafkaTopicWhenGiven() {
    assertThat(parse(Map.of()).sharedLog()).isNull();
    assertThat(parse(Map.of()).kafkaAdvertisedHost()).isNull();
    assertThat(parse(Map.of("DRIFTDB_KAFKA_ADVERTISED_HOST", "db1.example")).kafkaAdvertisedHost())
        .isEqualTo("db1.example");
    assertThat(parse(Map.of("DRIFTDB_LOG", "kafka://k1:9092,k2:9092/drift.log")).sharedLog())
        .isEqualTo("kafka://k1:9092,k2:9092/drift.log");
    assertThatThrownBy(() -> parse(Map.of("DRIFTDB_LOG", "kafka://k1/drift.log")))
        .hasMessageContaining("bad bootstrap server");
  }

  @Test
  void variableNamesFollowTheFlagNames() {
    assertThat(EnvironmentDefaults.variableFor("--min-free-disk-mb")).isEqualTo("DRIFTDB_MIN_FREE_DISK_MB");
    assertThat(EnvironmentDefaults.variableFor("--data-path")).isEqualTo("DRIFTDB_DATA_PATH");
  }
}
