package io.driftdb.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a test class's {@code main} in a fresh JVM with the test classpath. */
final class ChildJvm {
  private ChildJvm() {}

  static ProcessBuilder builder(Class<?> mainClass, String... args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // Surefire puts the real classpath here; java.class.path may be a manifest-only jar.
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Xshare:auto", "-cp", cp, mainClass.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd);
  }

  static Process start(Class<?> mainClass, String... args) throws IOException {
    return builder(mainClass, args).start();
  }
}
