package io.driftdb.sql.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CHECKPOINT writes a snapshot; restart loads it and replays only the tail; a damaged one is rebuilt from the log. */
class CheckpointRestartTest {
  @TempDir
  Path dir;

  @Test
  void restartFromSnapshotEqualsRestartFromLog() throws Exception {
    List<String> before;
    List<String> past;
    try (EngineFixture f = new EngineFixture(dir)) {
      f.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
      f.exec("CREATE INDEX ON t (v)");
      for (int i = 0; i < 20; i++) {
        f.exec("INSERT INTO t VALUES ($1, $2)", i, "v" + i);
      }
      f.exec("UPDATE t SET v = 'x' WHERE id < 5");
      assertThat(f.exec("CHECKPOINT TABLE t").commandTag()).isEqualTo("CHECKPOINT");
      f.exec("DELETE FROM t WHERE id = 7");
      f.exec("INSERT INTO t VALUES (100, 'tail')");
      before = f.rows("SELECT id, v, _seq_from, _seq_to, _op FROM t FOR SYSTEM_TIME ALL ORDER BY id, _seq_from");
      past = f.rows("SELECT id, v FROM t AS OF @SEQ:10 WHERE v = 'v8'");
    }
    Path snaps = dir.resolve("snapshots");
    assertThat(Files.list(snaps).filter(p -> p.toString().endsWith(".snap")).count()).isEqualTo(1);
    try (EngineFixture f = new EngineFixture(dir)) {
      assertThat(f.rows("SELECT id, v, _seq_from, _seq_to, _op FROM t FOR SYSTEM_TIME ALL ORDER BY id, _seq_from"))
          .isEqualTo(before);
      assertThat(f.rows("SELECT id, v FROM t AS OF @SEQ:10 WHERE v = 'v8'")).isEqualTo(past);
      assertThat(f.exec("VACUUM t").commandTag()).isEqualTo("VACUUM");
    }
    // damage the snapshot: the engine must not trust it and must rebuild the same state from the log
    for (Path p : Files.list(snaps).toList()) {
      byte[] b = Files.readAllBytes(p);
      b[b.length / 3] ^= 0x11;
      Files.write(p, b);
    }
    try (EngineFixture f = new EngineFixture(dir)) {
      assertThat(f.rows("SELECT id, v, _seq_from, _seq_to, _op FROM t FOR SYSTEM_TIME ALL ORDER BY id, _seq_from"))
          .isEqualTo(before);
    }
  }
}
