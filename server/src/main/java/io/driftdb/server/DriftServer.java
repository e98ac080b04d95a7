package io.driftdb.server;

import io.driftdb.pgwire.AuthMode;
import io.driftdb.server.cli.CliErrorHandler;
import io.driftdb.server.cli.CliException;
import io.driftdb.server.cli.ExitCodes;
import io.driftdb.server.cli.Options;
import io.driftdb.server.lifecycle.ServerRuntime;
import io.driftdb.server.lifecycle.ServerSettings;
import io.driftdb.server.lifecycle.ShutdownSignals;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code driftdb-server}: the PostgreSQL-protocol server with its admin HTTP endpoint. */
@Command(name = "driftdb-server", mixinStandardHelpOptions = true, version = "driftdb-server " + Version.TEXT,
    sortOptions = false,
    description = {"Serve a DriftDB data directory over the PostgreSQL protocol, with health checks and "
        + "Prometheus metrics over HTTP.",
        "Every --some-flag can also be set with the environment variable DRIFTDB_SOME_FLAG; the flag wins.",
        "DRIFTDB_PASSWORD sets the password of the bootstrap superuser 'driftdb'."})
public final class DriftServer implements Callable<Integer> {
  static final String PASSWORD_VARIABLE = "DRIFTDB_PASSWORD";

  @Option(names = "--data-path", paramLabel = "DIR", defaultValue = "./data",
      description = "Data directory; created if missing or empty (default: ${DEFAULT-VALUE}).")
  Path dataPath;

  @Option(names = "--log", paramLabel = "URI", defaultValue = "local",
      description = "Where the log lives: local (in the data directory) or kafka://BOOTSTRAP/TOPIC, a "
          + "single-partition Kafka topic shared by every node of a cluster; the data directory then keeps this "
          + "node's snapshots (default: ${DEFAULT-VALUE}).")
  String log;

  @Option(names = "--listen", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "Address the PostgreSQL and HTTP listeners bind (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "5433",
      description = "PostgreSQL-protocol port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
      description = "Admin HTTP port (health, metrics); 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "9092",
      description = "Kafka-protocol port: stock Kafka producers and consumers write and read tables as topics; "
          + "0 turns it off (default: ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(names = "--kafka-advertised-host", paramLabel = "HOST",
      description = "Host name the Kafka gateway gives clients in Metadata and FindCoordinator answers (behind NAT "
          + "or published container ports); default: the address each client connected to.")
  String kafkaAdvertisedHost;

  @Option(names = "--admin-token", paramLabel = "TOKEN",
      description = "Require 'Authorization: Bearer TOKEN' on every HTTP endpoint except /health/*.")
  String adminToken;

  @Option(names = "--auth", paramLabel = "MODE", defaultValue = "trust",
      description = "Client authentication: trust or password (SCRAM-SHA-256, MD5 for users stored with MD5 only) "
          + "(default: ${DEFAULT-VALUE}).")
  AuthMode auth;

  @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain; enables TLS with --tls-key.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key (unencrypted PKCS#8).")
  Path tlsKey;

  @Option(names = "--fsync", paramLabel = "POLICY", defaultValue = "group",
      description = "Log fsync policy: group (durable), interval:<ms> or none (default: ${DEFAULT-VALUE}).")
  String fsync;

  @Option(names = "--min-free-disk-mb", paramLabel = "MB", defaultValue = "64",
      description = "/health/ready fails when the data directory has less free space (default: ${DEFAULT-VALUE}).")
  long minFreeDiskMb;

  @Option(names = "--shutdown-timeout", paramLabel = "SECONDS", defaultValue = "30",
      description = "On SIGTERM, how long running statements may take to finish (default: ${DEFAULT-VALUE}).")
  long shutdownTimeoutSeconds;

  @Option(names = "--max-connections", paramLabel = "N", defaultValue = "1000",
      description = "PostgreSQL-protocol connection limit (default: ${DEFAULT-VALUE}).")
  int maxConnections;

  private final Map<String, String> env;

  DriftServer(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() throws InterruptedException {
    ServerSettings settings = settings();
    ShutdownSignals signals = new ShutdownSignals().install();
    ServerRuntime runtime;
    try {
      runtime = ServerRuntime.start(settings);
    } catch (CliException e) {
      throw e;
    } catch (RuntimeException e) {
      // Port taken, directory locked by another server, unreadable TLS key: say which, no stack trace.
      throw new CliException("cannot start: " + e.getMessage());
    }
    // Covers exits that are not our signals (System.exit elsewhere, SIGHUP); stop() is idempotent.
    Runtime.getRuntime().addShutdownHook(new Thread(runtime::stop, "driftdb-shutdown-hook"));
    signals.await();
    runtime.stop();
    return ExitCodes.OK;
  }

  ServerSettings settings() {
    try {
      return new ServerSettings(dataPath, listen, port, httpPort, adminToken, auth, tlsCert, tlsKey,
          Options.fsyncPolicy(fsync), Math.multiplyExact(minFreeDiskMb, 1024L * 1024), Duration.ofSeconds(
          shutdownTimeoutSeconds), maxConnections, env.get(PASSWORD_VARIABLE), kafkaPort, kafkaAdvertisedHost,
          "local".equals(log) ? null : log);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new CliException(e.getMessage(), ExitCodes.USAGE);
    }
  }

  public static void main(String[] args) {
    System.exit(commandLine(System.getenv()).execute(args));
  }

  /** The configured command line reading defaults from {@code env}. */
  static CommandLine commandLine(Map<String, String> env) {
    return new CommandLine(new DriftServer(env))
        .setDefaultValueProvider(new EnvironmentDefaults(env))
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(new CliErrorHandler("driftdb-server"));
  }
}
