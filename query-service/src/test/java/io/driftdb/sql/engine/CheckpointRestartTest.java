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

  private static List<String> files(Path snaps, String suffix) throws java.io.IOException {
    try (var s = Files.list(snaps)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
    }
  }

  @Test
  void automaticSnapshotsAfterTheFirstAreDeltasAndARestartLoadsThem() throws Exception {
    EngineConfig config = EngineConfig.of(dir).withFsync("none").withSnapshotsEvery(5, 1_000_000);
    Path snaps = dir.resolve("snapshots");
    List<String> all;
    List<String> past;
    long tip;
    try (EngineFixture f = new EngineFixture(config)) {
      f.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
      f.exec("CREATE INDEX ON t (v)");
      for (int i = 0; i < 50; i++) {
        f.exec("INSERT INTO t VALUES ($1, $2)", i, "v" + i);
      }
      f.engine.maybeSnapshot(); // nothing to extend: a full snapshot
      assertThat(files(snaps, ".snap")).hasSize(1);
      assertThat(files(snaps, ".delta")).isEmpty();
      for (int i = 50; i < 55; i++) {
        f.exec("INSERT INTO t VALUES ($1, $2)", i, "v" + i);
      }
      f.engine.maybeSnapshot(); // a delta: 5 row versions against the snapshot's 50
      f.exec("UPDATE t SET v = 'x' WHERE id < 3");
      f.exec("DELETE FROM t WHERE id = 7");
      f.exec("ALTER TABLE t ADD COLUMN w INTEGER");
      f.exec("INSERT INTO t VALUES (100, 'tail', 1)");
      f.exec("CREATE TABLE u (id INTEGER PRIMARY KEY)");
      f.exec("INSERT INTO u VALUES (1)");
      f.engine.maybeSnapshot();
      assertThat(files(snaps, ".snap")).hasSize(1);
      assertThat(files(snaps, ".delta")).hasSize(2);
      tip = f.engine.materializer().appliedSeq();
      f.exec("INSERT INTO t VALUES (101, 'not in a snapshot', 2)");
      f.engine.maybeSnapshot(); // not due: one transaction since the last delta
      assertThat(files(snaps, ".delta")).hasSize(2);
      all = f.rows("SELECT id, v, w, _seq_from, _seq_to, _op FROM t FOR SYSTEM_TIME ALL ORDER BY id, _seq_from");
      past = f.rows("SELECT id, v FROM t AS OF @SEQ:9 WHERE v = 'v1'");
    }
    try (EngineFixture f = new EngineFixture(config)) {
      assertThat(f.engine.startup().snapshotSeq()).as("the last delta's SEQ").isEqualTo(tip);
      assertThat(f.engine.startup().replayed()).isEqualTo(1);
      assertThat(f.rows("SELECT id, v, w, _seq_from, _seq_to, _op FROM t FOR SYSTEM_TIME ALL ORDER BY id, _seq_from"))
          .isEqualTo(all);
      assertThat(f.rows("SELECT id, v FROM t AS OF @SEQ:9 WHERE v = 'v1'")).isEqualTo(past).isNotEmpty();
      assertThat(f.rows("SELECT id FROM t WHERE v = 'x' ORDER BY id")).containsExactly("0", "1", "2");
      assertThat(f.rows("SELECT count(*) FROM u")).containsExactly("1");
      // A CHECKPOINT (a full snapshot) then makes the deltas before it obsolete.
      f.exec("CHECKPOINT");
      f.engine.pruneSnapshots(1);
      assertThat(files(snaps, ".snap")).hasSize(1);
      assertThat(files(snaps, ".delta")).isEmpty();
    }
  }
}
