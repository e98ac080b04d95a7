package io.driftdb.server.crash;

import io.driftdb.server.DriftCli;
import io.driftdb.server.DriftServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A {@code driftdb-server} child JVM on ephemeral ports that a crash test can SIGKILL. The log
 * (stderr) is kept so tests can see what recovery did (snapshot loaded, damaged one skipped).
 */
final class CrashServer {
  private static final Pattern READY =
      Pattern.compile("DriftDB ready: pgwire (\\S+):(\\d+), http (\\S+):(\\d+), data (.+)$");
  private static final long START_TIMEOUT_SECONDS = 120;

  private final Process process;
  private final StringBuffer log = new StringBuffer();
  private final CompletableFuture<Integer> ready = new CompletableFuture<>();
  private final Thread reader;
  private int pgPort;

  private CrashServer(Process process) {
    this.process = process;
    drain(process.getInputStream());
    this.reader = new Thread(this::readLog, "crash-server-log");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts the server on {@code data} without waiting for it to be ready. */
  static CrashServer spawn(Path data) {
    List<String> args = List.of("--data-path", data.toString(), "--port", "0", "--http-port", "0", "--kafka-port", "0");
    ProcessBuilder pb = new ProcessBuilder(command(DriftServer.class, args));
    pb.environment().keySet().removeIf(k -> k.startsWith("DRIFTDB_"));
    try {
      return new CrashServer(pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the server on {@code data} and waits for its ready line. */
  static CrashServer start(Path data) {
    CrashServer s = spawn(data);
    s.awaitReady();
    return s;
  }

  /** Runs {@code driftdb ARGS} to completion; returns exit code, stdout and stderr. */
  static CliRun cli(String... args) {
    ProcessBuilder pb = new ProcessBuilder(command(DriftCli.class, List.of(args)));
    pb.environment().keySet().removeIf(k -> k.startsWith("DRIFTDB_"));
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      CompletableFuture<String> out = drain(p.getInputStream());
      CompletableFuture<String> err = drain(p.getErrorStream());
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError("driftdb " + String.join(" ", args) + " did not finish:\n" + err.join());
      }
      return new CliRun(p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  record CliRun(int exitCode, String stdout, String stderr) {}

  private static List<String> command(Class<?> main, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-Xmx512m");
    cmd.add("-cp");
    cmd.add(privateClassPath());
    cmd.add(main.getName());
    cmd.addAll(args);
    return cmd;
  }

  private static String privateClassPath;

  /**
   * The test class path with DriftDB's own entries (module jars in the local Maven repository,
   * target/classes directories) copied to a private directory once per test JVM. Other builds
   * in the same checkout may reinstall those jars while this test restarts the server dozens of
   * times; a jar replaced under a starting JVM fails with NoClassDefFoundError.
   */
  private static synchronized String privateClassPath() {
    if (privateClassPath != null) {
      return privateClassPath;
    }
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    try {
      Path dir = Files.createTempDirectory("driftdb-crash-cp");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
      List<String> out = new ArrayList<>();
      int n = 0;
      for (String entry : cp.split(File.pathSeparator)) {
        Path p = Path.of(entry);
        boolean ours = entry.contains(File.separator + "io" + File.separator + "driftdb" + File.separator)
            || (Files.isDirectory(p) && p.toAbsolutePath().toString().contains(File.separator + "target" + File.separator));
        if (!ours || !Files.exists(p)) {
          out.add(entry);
          continue;
        }
        Path copy = dir.resolve((n++) + "-" + p.getFileName());
        if (Files.isDirectory(p)) {
          try (Stream<Path> files = Files.walk(p)) {
            for (Path f : (Iterable<Path>) files::iterator) {
              Path target = copy.resolve(p.relativize(f).toString());
              if (Files.isDirectory(f)) {
                Files.createDirectories(target);
              } else {
                Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
              }
            }
          }
        } else {
          Files.copy(p, copy);
        }
        out.add(copy.toString());
      }
      privateClassPath = String.join(File.pathSeparator, out);
      return privateClassPath;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }

  private static CompletableFuture<String> drain(InputStream stream) {
    CompletableFuture<String> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try (InputStream s = stream) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        s.transferTo(b);
        f.complete(b.toString(StandardCharsets.UTF_8));
      } catch (IOException e) {
        f.complete("");
      }
    }, "crash-server-drain");
    t.setDaemon(true);
    t.start();
    return f;
  }

  private void readLog() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        log.append(line).append('\n');
        Matcher m = READY.matcher(line);
        if (m.find()) {
          ready.complete(Integer.parseInt(m.group(2)));
        }
      }
    } catch (IOException e) {
      // the process is gone; the log holds what it wrote
    } finally {
      ready.completeExceptionally(new AssertionError("server exited before it was ready:\n" + log));
    }
  }

  void awaitReady() {
    try {
      pgPort = ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new AssertionError("server did not become ready:\n" + log, e);
    }
  }

  boolean isReady() {
    return ready.isDone() && !ready.isCompletedExceptionally();
  }

  Connection connect() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "driftdb");
    p.setProperty("password", "");
    p.setProperty("connectTimeout", "20");
    p.setProperty("socketTimeout", "120");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/driftdb", p);
  }

  /** SIGKILL (ProcessHandle.destroyForcibly) and wait until the process is gone. */
  void kill() throws InterruptedException {
    process.toHandle().destroyForcibly();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError("server survived SIGKILL for 60 s");
    }
    reader.join(10_000);
  }

  /** Exit code after the process ended (137 after SIGKILL). */
  int exitValue() {
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String log() {
    return log.toString();
  }
}
