package io.driftdb.server.e2e;

import io.driftdb.server.DriftServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built {@code driftdb-server} as a child JVM on ephemeral ports, for the end-to-end tests.
 *
 * <p>Same approach as {@code io.driftdb.server.ServerProcess} (whose helpers are package-private
 * there): the server runs from this module's test class path, i.e. the code the launchers run,
 * and the real pgwire port is taken from its "DriftDB ready" log line.
 */
final class E2eServer implements AutoCloseable {
  private static final Pattern READY =
      Pattern.compile("DriftDB ready: pgwire (\\S+):(\\d+), http (\\S+):(\\d+), data (.+)$");
  private static final long START_TIMEOUT_SECONDS = 90;

  private final Process process;
  private final StringBuffer log = new StringBuffer();
  private final CompletableFuture<Matcher> ready = new CompletableFuture<>();
  private int pgPort;

  private E2eServer(Process process) {
    this.process = process;
    Thread stdout = new Thread(() -> drain(process.getInputStream()), "e2e-server-stdout");
    stdout.setDaemon(true);
    stdout.start();
    Thread stderr = new Thread(this::readLog, "e2e-server-log");
    stderr.setDaemon(true);
    stderr.start();
  }

  /** Starts a server on a fresh data directory {@code data} with {@code extraArgs}; waits until it is ready. */
  static E2eServer start(Path data, String... extraArgs) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A shared 2-core box: cheap JIT and GC for a short-lived child.
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-Xmx768m");
    cmd.add("-cp");
    cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    cmd.add(DriftServer.class.getName());
    cmd.addAll(List.of("--data-path", data.toString(), "--port", "0", "--http-port", "0", "--kafka-port", "0"));
    cmd.addAll(List.of(extraArgs));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("DRIFTDB_"));
    E2eServer s;
    try {
      s = new E2eServer(pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Matcher m = s.ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      s.pgPort = Integer.parseInt(m.group(2));
    } catch (Exception e) {
      s.process.destroyForcibly();
      throw new AssertionError("driftdb-server did not become ready:\n" + s.log, e);
    }
    return s;
  }

  private static void drain(InputStream in) {
    try (in) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException e) {
      // process gone
    }
  }

  private void readLog() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        log.append(line).append('\n');
        Matcher m = READY.matcher(line);
        if (m.find()) {
          ready.complete(m);
        }
      }
    } catch (IOException e) {
      // the process went away; the log holds what it wrote
    } finally {
      ready.completeExceptionally(new AssertionError("driftdb-server exited before it was ready"));
    }
  }

  int pgPort() {
    return pgPort;
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + pgPort + "/driftdb";
  }

  Connection connect() throws SQLException {
    return connect(new Properties());
  }

  /** A pgJDBC connection as the bootstrap user {@code driftdb} (trust auth) with extra driver properties. */
  Connection connect(Properties props) throws SQLException {
    Properties p = new Properties();
    p.putAll(props);
    p.setProperty("user", "driftdb");
    p.putIfAbsent("password", "");
    p.putIfAbsent("connectTimeout", "30");
    return DriverManager.getConnection(jdbcUrl(), p);
  }

  String log() {
    return log.toString();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
