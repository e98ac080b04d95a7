package io.driftdb.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs {@code driftdb ARGS} as a child process and collects its output. */
final class Cli {
  private static final long TIMEOUT_SECONDS = 120;

  private Cli() {}

  static CliResult run(String... args) {
    return runWithInput(null, args);
  }

  /** Runs with {@code stdin} (null = no input, standard input closed at once). */
  static CliResult runWithInput(String stdin, String... args) {
    return runIn(List.of(), stdin, args);
  }

  /** Runs with the engine's INFO log lines on stderr (which snapshot it started from, ...). */
  static CliResult runLoggingInfo(String... args) {
    return runIn(List.of("-Ddriftdb.log.level=INFO"), null, args);
  }

  private static CliResult runIn(List<String> jvmOptions, String stdin, String... args) {
    List<String> cmd = ChildJvm.command(DriftCli.class, jvmOptions, Arrays.asList(args));
    try {
      Process p = new ProcessBuilder(cmd).directory(Path.of(".").toFile()).start();
      CompletableFuture<String> out = drain(p.getInputStream());
      CompletableFuture<String> err = drain(p.getErrorStream());
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("driftdb " + String.join(" ", args) + " did not finish in " + TIMEOUT_SECONDS + " s");
      }
      return new CliResult(p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static CompletableFuture<String> drain(InputStream stream) {
    return CompletableFuture.supplyAsync(() -> {
      try (InputStream s = stream) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        s.transferTo(b);
        return b.toString(StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }
}
