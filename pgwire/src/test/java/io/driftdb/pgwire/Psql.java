package io.driftdb.pgwire;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the installed psql binary (tests skip themselves when it is absent). */
final class Psql {

  record Result(int exitCode, String stdout, String stderr) {}

  static final String BINARY = "/usr/bin/psql";

  private Psql() {}

  static boolean available() {
    return new File(BINARY).canExecute();
  }

  static Result run(int port, String user, Map<String, String> env, String stdin, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(BINARY, "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", user,
        "-d", "testdb", "-X", "-A", "-t", "-w"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("PGCONNECT_TIMEOUT", "10");
    pb.environment().remove("PGPASSWORD");
    pb.environment().putAll(env);
    Process p = pb.start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("psql timed out");
    }
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
