package io.driftdb.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code driftdb-server} child process. Waits for its "DriftDB ready" log line and takes the
 * real ports from it, so tests can use port 0 everywhere.
 */
final class ServerProcess implements AutoCloseable {
  private static final Pattern READY =
      Pattern.compile("DriftDB ready: pgwire (\\S+):(\\d+), http (\\S+):(\\d+), data (.+)$");
  private static final long START_TIMEOUT_SECONDS = 90;

  private final Process process;
  private final StringBuffer log = new StringBuffer();
  private final CompletableFuture<Matcher> ready = new CompletableFuture<>();
  private final CompletableFuture<String> stdout;
  private final Thread reader;
  private int pgPort;
  private int httpPort;

  private ServerProcess(Process process) {
    this.process = process;
    this.stdout = Cli.drain(process.getInputStream());
    this.reader = new Thread(this::readLog, "server-log-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code driftdb-server ARGS} with extra environment variables and waits until it is ready. */
  static ServerProcess start(List<String> args, Map<String, String> env) {
    return start(args, env, null);
  }

  /**
   * As {@link #start(List, Map)}, with a shell {@code ulimit} prefix (e.g. {@code "ulimit -f 64"}) applied
   * to the server process only.
   */
  static ServerProcess start(List<String> args, Map<String, String> env, String ulimit) {
    List<String> withDefaults = new java.util.ArrayList<>(args);
    if (!args.contains("--kafka-port")) {
      // tests that do not test the Kafka gateway keep port 9092 free for other servers
      withDefaults.addAll(List.of("--kafka-port", "0"));
    }
    List<String> cmd = ChildJvm.command(DriftServer.class, withDefaults);
    if (ulimit != null) {
      List<String> shell = new ArrayList<>(List.of("bash", "-c", ulimit + " && exec \"$@\"", "bash"));
      shell.addAll(cmd);
      cmd = shell;
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(Path.of(".").toFile());
    // Isolate from the environment of whoever runs the tests.
    pb.environment().keySet().removeIf(k -> k.startsWith("DRIFTDB_"));
    pb.environment().putAll(env);
    ServerProcess s;
    try {
      s = new ServerProcess(pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    s.awaitReady();
    return s;
  }

  /** Starts a process expected to fail at startup; returns its exit code and output. */
  static CliResult startFailing(List<String> args, Map<String, String> env) {
    ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(DriftServer.class, args));
    pb.environment().keySet().removeIf(k -> k.startsWith("DRIFTDB_"));
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      CompletableFuture<String> out = Cli.drain(p.getInputStream());
      CompletableFuture<String> err = Cli.drain(p.getErrorStream());
      if (!p.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("driftdb-server did not exit; output:\n" + err.join());
      }
      return new CliResult(p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
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
      // the process went away; whatever was read is in the log
    } finally {
      ready.completeExceptionally(new AssertionError("server exited before it was ready:\n" + log));
    }
  }

  private void awaitReady() {
    try {
      Matcher m = ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      pgPort = Integer.parseInt(m.group(2));
      httpPort = Integer.parseInt(m.group(4));
    } catch (Exception e) {
      process.destroyForcibly();
      throw new AssertionError("server did not become ready:\n" + log, e);
    }
  }

  int pgPort() {
    return pgPort;
  }

  int httpPort() {
    return httpPort;
  }

  String httpUrl(String path) {
    return "http://127.0.0.1:" + httpPort + path;
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/driftdb", "driftdb", "");
  }

  Connection connect(String user, String password) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/driftdb", user, password);
  }

  String log() {
    return log.toString();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Sends SIGTERM and waits for the exit; returns the exit code. */
  int terminate(long timeoutSeconds) throws InterruptedException {
    signalTerm();
    return awaitExit(timeoutSeconds);
  }

  /**
   * Sends SIGTERM, as Process.destroy() does, but through the process handle: Process.destroy()
   * also closes our end of the pipes, which would lose the shutdown log lines.
   */
  void signalTerm() {
    process.toHandle().destroy();
  }

  /** SIGKILL: no shutdown hook, no flush, as a crash. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** Waits for the process to exit; returns the exit code. */
  int awaitExit(long timeoutSeconds) throws InterruptedException {
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("server did not exit within " + timeoutSeconds + " s:\n" + log);
    }
    stdout.join();
    reader.join(10_000); // the log is complete once the reader has seen the end of stderr
    return process.exitValue();
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
