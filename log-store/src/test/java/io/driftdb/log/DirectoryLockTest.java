package io.driftdb.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer per directory: a second open fails at once, in this JVM or another process. */
class DirectoryLockTest {
  @TempDir Path dir;

  private record Probe(int exitCode, String output) {}

  private static Probe probe(Path dir) throws Exception {
    Process p = ChildJvm.builder(LockProbe.class, dir.toString()).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Probe(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void aSecondOpenInThisJvmFailsAndTheFirstKeepsWorking() throws Exception {
    try (LocalLog log = LocalLog.open(dir)) {
      assertThatThrownBy(() -> LocalLog.open(dir))
          .isInstanceOf(LogDirectoryLockedException.class)
          .hasMessageContaining("log directory " + dir + " is already in use")
          .hasMessageContaining("already open in this process");
      assertThatThrownBy(() -> LogRepair.repair(dir)).isInstanceOf(LogDirectoryLockedException.class);
      assertThat(log.append(null, new byte[] {1}, List.of()).join().seq()).isZero();
      // The refused attempts must not have dropped the OS-level lock (closing any descriptor of
      // a POSIX-locked file releases the lock): another process is still kept out.
      Probe other = probe(dir);
      assertThat(other.exitCode()).as(other.output()).isEqualTo(LockProbe.LOCKED);
    }
    try (LocalLog again = LocalLog.open(dir)) {
      assertThat(again.headSeq()).isZero();
    }
  }

  @Test
  void anotherProcessIsRefusedWithAMessageNamingTheDirectory() throws Exception {
    try (LocalLog log = LocalLog.open(dir)) {
      Probe other = probe(dir);
      assertThat(other.exitCode()).as(other.output()).isEqualTo(LockProbe.LOCKED);
      assertThat(other.output())
          .contains("log directory " + dir + " is already in use")
          .contains("another process holds the lock " + dir.toRealPath().resolve(".lock"))
          .contains("(pid " + ProcessHandle.current().pid() + ")");
    }
    Probe afterClose = probe(dir);
    assertThat(afterClose.exitCode()).as(afterClose.output()).isZero();
    assertThat(afterClose.output()).contains("OPENED head=-1");
  }
}
