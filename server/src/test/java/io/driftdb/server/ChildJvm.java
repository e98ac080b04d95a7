package io.driftdb.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines that run the built code (this module's classes and its runtime dependencies,
 * i.e. the test class path) in a separate JVM, as the launchers in bin/ would.
 */
final class ChildJvm {
  private ChildJvm() {}

  static List<String> command(Class<?> main, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Short-lived children on a shared 2-core box: cheap JIT and GC, small heap.
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-Xmx512m");
    // This module's logback-test.xml by name: the log-store test-jar (for InProcessKafka) has one
    // too, and with two on the class path logback prints its status report on stdout.
    java.net.URL logback = ChildJvm.class.getClassLoader().getResource("logback-test.xml");
    if (logback != null) {
      cmd.add("-Dlogback.configurationFile=" + logback);
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    cmd.add(main.getName());
    cmd.addAll(args);
    return cmd;
  }
}
