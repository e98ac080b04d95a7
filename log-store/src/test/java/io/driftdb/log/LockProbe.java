package io.driftdb.log;

import java.nio.file.Path;

/** Child-JVM helper: tries to open a log directory; exit 3 and the message if it is locked. */
public final class LockProbe {
  static final int LOCKED = 3;

  private LockProbe() {}

  public static void main(String[] args) throws Exception {
    try (LocalLog log = LocalLog.open(Path.of(args[0]))) {
      System.out.println("OPENED head=" + log.headSeq());
    } catch (LogDirectoryLockedException e) {
      System.out.println(e.getMessage());
      System.exit(LOCKED);
    }
  }
}
