package io.driftdb.server.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a non-Java client program (psql, python3) and collects what it printed. */
final class ExternalClient {
  private static final long TIMEOUT_SECONDS = 60;

  private ExternalClient() {}

  record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
    }
  }

  static boolean executable(String path) {
    return Files.isExecutable(Path.of(path));
  }

  /**
   * Runs {@code cmd} with a clean libpq environment (no PG* variables of whoever runs the tests, a
   * C locale so the output does not depend on the machine) and {@code stdin} (null: none).
   */
  static Result run(List<String> cmd, Map<String, String> env, String stdin) {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("PG") || k.startsWith("PSQL") || k.startsWith("LC_"));
    pb.environment().put("LANG", "C.UTF-8");
    pb.environment().put("PGCONNECT_TIMEOUT", "30");
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      CompletableFuture<String> out = drain(p.getInputStream());
      CompletableFuture<String> err = drain(p.getErrorStream());
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError(String.join(" ", cmd) + " did not finish in " + TIMEOUT_SECONDS + " s; stderr:\n"
            + err.getNow(""));
      }
      return new Result(p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** On its own thread: the common pool may have a single thread on a small machine. */
  private static CompletableFuture<String> drain(InputStream stream) {
    CompletableFuture<String> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try (InputStream s = stream) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        s.transferTo(b);
        f.complete(b.toString(StandardCharsets.UTF_8));
      } catch (IOException e) {
        f.completeExceptionally(new UncheckedIOException(e));
      }
    }, "external-client-output");
    t.setDaemon(true);
    t.start();
    return f;
  }
}
