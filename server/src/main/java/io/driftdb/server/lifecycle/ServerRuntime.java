package io.driftdb.server.lifecycle;

import io.driftdb.log.kafka.GatewayConfig;
import io.driftdb.log.kafka.KafkaGateway;
import io.driftdb.pgwire.AuthMode;
import io.driftdb.pgwire.PgServer;
import io.driftdb.pgwire.PgServerConfig;
import io.driftdb.pgwire.auth.CredentialFactory;
import io.driftdb.pgwire.auth.PasswordStore;
import io.driftdb.pgwire.auth.StoredCredential;
import io.driftdb.server.auth.EnginePasswordStore;
import io.driftdb.server.cli.CliException;
import io.driftdb.server.cli.DataDirectory;
import io.driftdb.server.http.AdminHttpServer;
import io.driftdb.server.http.ReadinessProbe;
import io.driftdb.server.metrics.EngineMetrics;
import io.driftdb.server.metrics.KafkaGatewayMetrics;
import io.driftdb.server.metrics.MetricsRegistries;
import io.driftdb.server.metrics.ServerGauges;
import io.driftdb.sql.engine.DriftEngine;
import io.driftdb.sql.engine.EngineConfig;
import io.driftdb.sql.kafka.TableTopicBackend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running DriftDB server: engine, PostgreSQL protocol, admin HTTP and metrics, wired
 * together. {@link #stop()} shuts down in the order that loses nothing: stop taking statements,
 * let running ones finish, close connections, close the log, then the HTTP endpoint.
 */
public final class ServerRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(ServerRuntime.class);
  private static final Duration RESPONSE_FLUSH_GRACE = Duration.ofMillis(100);

  private final ServerSettings settings;
  private final MetricsRegistries.Bundle metrics;
  private final DriftEngine engine;
  private final StatementGate gate;
  private final PgServer pg;
  private final AdminHttpServer http;
  private final KafkaGateway kafka;
  private final AtomicBoolean stopping;
  private boolean stopped;

  private ServerRuntime(ServerSettings settings, MetricsRegistries.Bundle metrics, DriftEngine engine,
      StatementGate gate, PgServer pg, AdminHttpServer http, KafkaGateway kafka, AtomicBoolean stopping) {
    this.settings = settings;
    this.metrics = metrics;
    this.engine = engine;
    this.gate = gate;
    this.pg = pg;
    this.http = http;
    this.kafka = kafka;
    this.stopping = stopping;
  }

  /** Opens the database and starts both listeners; on failure releases whatever it had started. */
  public static ServerRuntime start(ServerSettings s) {
    DataDirectory dir = prepareDataDirectory(s);
    MetricsRegistries.Bundle metrics = MetricsRegistries.prometheus();
    DriftEngine engine = null;
    PgServer pg = null;
    KafkaGateway kafka = null;
    try {
      engine = DriftEngine.open(EngineConfig.of(dir.path()).withFsync(s.fsync()).withSharedLog(s.sharedLog())
          .withListener(new EngineMetrics(metrics.registry())));
      PasswordStore passwords = passwordStore(s, engine);
      StatementGate gate = new StatementGate();
      PgServerConfig pgConfig = PgServerConfig.defaults().withHost(s.listen()).withPort(s.port())
          .withAuthMode(s.auth()).withTls(s.tlsCert(), s.tlsKey()).withMaxConnections(s.maxConnections());
      pg = new PgServer(pgConfig, new GatedEngine(engine, gate), passwords).start();
      PgServer pgServer = pg;
      if (s.kafkaPort() != 0) {
        kafka = TableTopicBackend.startGateway(engine, GatewayConfig.of(s.listen(), s.kafkaPort())
            .withOffsetsFile(dir.path().resolve("kafka").resolve("group-offsets"))
            .withAdvertisedHost(s.kafkaAdvertisedHost()), new KafkaGatewayMetrics(metrics.registry()));
        LOG.info("Kafka gateway listening on {} (topics = tables)", hostPort(kafka.address()));
      }
      new ServerGauges(engine, pgServer::openConnections, gate::inFlight, dir.path()).bindTo(metrics.registry());
      AtomicBoolean stopping = new AtomicBoolean();
      ReadinessProbe readiness = new ReadinessProbe(engine, dir.path(), s.minFreeDiskBytes(), stopping::get);
      AdminHttpServer http = AdminHttpServer.start(s.listen(), s.httpPort(), s.adminToken(), readiness,
          metrics.registry());
      if (s.adminToken() == null && !http.address().getAddress().isLoopbackAddress()) {
        LOG.warn("The admin HTTP endpoint listens on {} without an admin token: anyone who can reach it can read "
            + "/metrics (set --admin-token or DRIFTDB_ADMIN_TOKEN)", hostPort(http.address()));
      }
      ServerRuntime rt = new ServerRuntime(s, metrics, engine, gate, pg, http, kafka, stopping);
      LOG.info("DriftDB ready: pgwire {}, http {}, data {}", hostPort(pg.address()), hostPort(http.address()),
          dir.path());
      return rt;
    } catch (RuntimeException e) {
      if (kafka != null) {
        kafka.close();
      }
      if (pg != null) {
        pg.stop();
      }
      if (engine != null) {
        engine.close();
      }
      metrics.close();
      throw e;
    }
  }

  private static DataDirectory prepareDataDirectory(ServerSettings s) {
    DataDirectory dir = new DataDirectory(s.dataPath());
    try {
      // Like a container database image: a missing or empty directory becomes a new database,
      // but a directory holding anything else is never taken over.
      if (!dir.isInitialized() && dir.isAbsentOrEmpty()) {
        dir.initialize();
        LOG.info("Initialized a new data directory in {}", dir.path());
      }
    } catch (IOException e) {
      throw new CliException("cannot initialize data directory " + dir.path() + ": " + e.getMessage());
    }
    return dir.requireInitialized();
  }

  /**
   * Trust mode needs none. Password mode checks the bootstrap superuser's password from the
   * environment and users from SQL; with neither, nobody could ever log in, so it refuses.
   */
  private static PasswordStore passwordStore(ServerSettings s, DriftEngine engine) {
    if (s.auth() == AuthMode.TRUST) {
      return null;
    }
    Optional<StoredCredential> bootstrap = Optional.ofNullable(s.bootstrapPassword())
        .map(pw -> CredentialFactory.fromPassword(EnginePasswordStore.BOOTSTRAP_USER, pw));
    if (bootstrap.isEmpty() && engine.materializer().catalog().users().isEmpty()) {
      throw new CliException("--auth " + s.auth().name().toLowerCase() + " needs DRIFTDB_PASSWORD (the password of the "
          + "bootstrap superuser \"" + EnginePasswordStore.BOOTSTRAP_USER + "\"): the database has no users yet, so "
          + "nobody could log in");
    }
    return new EnginePasswordStore(engine.materializer().catalog(), bootstrap);
  }

  /**
   * The gate opens when pgwire starts writing a session's final ReadyForQuery; the write itself
   * happens a moment later on the session thread, and PgServer.stop() closes connections
   * without waiting for session threads. A short pause keeps that last response from being cut
   * off (measured: without it, a result finishing during the drain was lost every time).
   */
  private static void pauseForLastResponses() {
    try {
      Thread.sleep(RESPONSE_FLUSH_GRACE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String hostPort(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  public InetSocketAddress pgAddress() {
    return pg.address();
  }

  public InetSocketAddress httpAddress() {
    return http.address();
  }

  /** Idempotent graceful shutdown; safe to call from a signal handler thread or a shutdown hook. */
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    long t0 = System.nanoTime();
    stopping.set(true);
    LOG.info("Shutting down: refusing new statements, waiting up to {} s for running ones",
        settings.shutdownTimeout().toSeconds());
    try {
      int left = gate.closeAndAwait(settings.shutdownTimeout());
      if (left > 0) {
        LOG.warn("{} session(s) still running a statement after {} s; closing their connections", left,
            settings.shutdownTimeout().toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pauseForLastResponses();
    pg.stop();
    if (kafka != null) {
      kafka.close();
    }
    engine.close();
    long head = engine.stats().headSeq();
    http.close();
    metrics.close();
    LOG.info("DriftDB stopped cleanly in {} ms (log closed at SEQ {})", (System.nanoTime() - t0) / 1_000_000, head);
  }
}
