package io.driftdb.server.http;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP endpoint: {@code /health/live}, {@code /health/ready} (always public) and
 * {@code /metrics} (Prometheus text). With an admin token, everything but the health checks
 * needs {@code Authorization: Bearer <token>}, unknown paths included, so probing reveals nothing.
 */
public final class AdminHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdminHttpServer.class);
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private AdminHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds and starts serving.
   *
   * @param adminToken null or empty for no authentication
   */
  public static AdminHttpServer start(String host, int port, String adminToken, ReadinessProbe readiness,
      PrometheusMeterRegistry registry) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 64);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for HTTP on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    BearerTokenFilter auth = adminToken == null || adminToken.isEmpty() ? null : new BearerTokenFilter(adminToken);
    server.createContext("/health/live", AdminHttpServer::live);
    server.createContext("/health/ready", ex -> ready(ex, readiness));
    protect(server.createContext("/metrics", ex -> metrics(ex, registry)), auth);
    protect(server.createContext("/", ex -> Responses.send(ex, 404, Responses.JSON, Responses.status("not found", null))),
        auth);
    AtomicInteger ids = new AtomicInteger();
    // Two threads: a slow scrape must not hold up a health probe.
    ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "driftdb-http-" + ids.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.start();
    LOG.info("Admin HTTP listening on {} ({})", server.getAddress(),
        auth == null ? "no admin token: /metrics is public" : "admin token required except for /health/*");
    return new AdminHttpServer(server, executor);
  }

  private static void protect(HttpContext context, BearerTokenFilter auth) {
    if (auth != null) {
      context.getFilters().add(auth);
    }
  }

  private static void live(HttpExchange ex) throws IOException {
    if (Responses.rejectMethod(ex) || Responses.rejectSubPath(ex)) {
      return;
    }
    Responses.send(ex, 200, Responses.JSON, Responses.status("ok", null));
  }

  private static void ready(HttpExchange ex, ReadinessProbe probe) throws IOException {
    if (Responses.rejectMethod(ex) || Responses.rejectSubPath(ex)) {
      return;
    }
    Readiness r = probe.check();
    if (r.ready()) {
      Responses.send(ex, 200, Responses.JSON, Responses.status("ready", null));
    } else {
      Responses.send(ex, 503, Responses.JSON, Responses.status("unavailable", r.reason()));
    }
  }

  private static void metrics(HttpExchange ex, PrometheusMeterRegistry registry) throws IOException {
    if (Responses.rejectMethod(ex) || Responses.rejectSubPath(ex)) {
      return;
    }
    Responses.send(ex, 200, PROMETHEUS_TEXT, registry.scrape());
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** Stops at once: by the time it is called the database is already closed. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
