package io.driftdb.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code driftdb repair} and {@code driftdb replay} on real log files. */
class MaintenanceCommandsTest {

  @TempDir
  Path tmp;
  Path data;

  @BeforeEach
  void createDatabaseWithFourTransactions() {
    data = tmp.resolve("db");
    assertThat(Cli.run("init", data.toString()).exitCode()).isZero();
    CliResult r = Cli.run("sql", "--data", data.toString(), "-e", "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR)",
        "-e", "INSERT INTO t VALUES (1, 'one')", "-e", "INSERT INTO t VALUES (2, 'two')",
        "-e", "INSERT INTO t VALUES (3, 'three')");
    assertThat(r.exitCode()).as("%s", r).isZero();
  }

  @Test
  void repairSaysSoWhenNothingIsDamaged() {
    CliResult r = Cli.run("repair", "--data", data.toString());
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.stdout()).contains("no damage found").contains("SEQ 0..3");
  }

  @Test
  void repairCutsTheLogAtADamagedBatchAndSaysWhatItDropped() throws Exception {
    // Flip the last byte of the only segment: the last batch (SEQ 3) fails its CRC.
    Path segment;
    try (Stream<Path> files = Files.list(data.resolve("log"))) {
      segment = files.filter(p -> p.toString().endsWith(".log")).findFirst().orElseThrow();
    }
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      f.seek(f.length() - 1);
      int b = f.read();
      f.seek(f.length() - 1);
      f.write(b ^ 0xFF);
    }

    CliResult dry = Cli.run("repair", "--data", data.toString(), "--dry-run");
    assertThat(dry.exitCode()).as("%s", dry).isZero();
    assertThat(dry.stdout()).contains("would be truncated").contains("Nothing was changed");

    CliResult r = Cli.run("repair", "--data", data.toString());
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.stdout()).contains("damage in").contains("dropping SEQ 3").contains("SEQ 0..2");

    CliResult rows = Cli.run("sql", "--data", data.toString(), "--format", "csv", "-e", "SELECT id FROM t ORDER BY id");
    assertThat(rows.stdout()).isEqualTo("id\n1\n2\n");
  }

  @Test
  void replayRebuildsTheStateAndReportsThroughput() {
    CliResult r = Cli.run("replay", "--data", data.toString());
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.stdout()).contains("Replayed 4 transactions (3 row events").contains("transactions/s")
        .contains("row events/s")
        .contains("Head SEQ 3, 1 table.");
    // Not a terminal: plain progress lines instead of a bar.
    assertThat(r.stderr()).contains("replay: 4/4 records (100.0%)").contains("ETA").doesNotContain("\r");
  }

  @Test
  void replayVerifyChecksTheNewestSnapshotAgainstTheLog() {
    CliResult none = Cli.run("replay", "--data", data.toString(), "--verify");
    assertThat(none.exitCode()).as("%s", none).isEqualTo(2);
    assertThat(none.stderr()).contains("holds none").contains("CHECKPOINT");

    CliResult more = Cli.run("sql", "--data", data.toString(), "-e", "CHECKPOINT", "-e", "UPDATE t SET v = 'uno' WHERE id = 1");
    assertThat(more.exitCode()).as("%s", more).isZero();
    CliResult ok = Cli.run("replay", "--data", data.toString(), "--verify");
    assertThat(ok.exitCode()).as("%s", ok).isZero();
    assertThat(ok.stdout()).contains("Replayed 5 transactions")
        .contains("Verified: snapshot 00000000000000000003.snap (SEQ 3) matches the log (3 row versions compared)");
  }

  /**
   * After VACUUM removed deleted history from the snapshot and the log, the replay of the
   * rewritten log still equals the snapshot, and holds only the kept versions.
   */
  @Test
  void replayVerifyAgreesAfterAVacuumThatRemovedHistory() {
    CliResult r = Cli.run("sql", "--data", data.toString(), "-e", "UPDATE t SET v = 'uno' WHERE id = 1",
        "-e", "UPDATE t SET v = 'eins' WHERE id = 1", "-e", "DELETE FROM t WHERE id = 3",
        "-e", "DELETE HISTORY FROM t", "-e", "UPDATE t SET v = 'un' WHERE id = 1", "-e", "VACUUM",
        "-e", "INSERT INTO t VALUES (4, 'four')");
    assertThat(r.exitCode()).as("%s", r).isZero();
    CliResult verify = Cli.run("replay", "--data", data.toString(), "--verify");
    assertThat(verify.exitCode()).as("%s", verify).isZero();
    // Kept: (1, eins) current at the deletion, (2, two), then (1, un) and (4, four).
    assertThat(verify.stdout()).contains("Replayed 10 transactions (4 row events")
        .contains("Verified: snapshot 00000000000000000008.snap (SEQ 8) matches the log (3 row versions compared)");
    CliResult rows = Cli.run("sql", "--data", data.toString(), "--format", "csv",
        "-e", "SELECT id, v, _seq_from FROM t FOR SYSTEM_TIME ALL ORDER BY id, _seq_from");
    assertThat(rows.stdout()).isEqualTo("id,v,_seq_from\n1,eins,5\n1,un,8\n2,two,2\n4,four,9\n");
  }

  /**
   * A snapshot that does not match the log is found out: take one from a database with the same
   * shape but different content, and put it where this database keeps its snapshots.
   */
  @Test
  void replayVerifyReportsASnapshotThatDiffersFromTheLog() throws Exception {
    Path other = tmp.resolve("other");
    assertThat(Cli.run("init", other.toString()).exitCode()).isZero();
    CliResult r = Cli.run("sql", "--data", other.toString(), "-e", "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR)",
        "-e", "INSERT INTO t VALUES (1, 'one')", "-e", "INSERT INTO t VALUES (2, 'TWO')",
        "-e", "INSERT INTO t VALUES (3, 'three')", "-e", "CHECKPOINT");
    assertThat(r.exitCode()).as("%s", r).isZero();
    Path snap = other.resolve("snapshots").resolve(String.format("%020d.snap", 3));
    Files.createDirectories(data.resolve("snapshots"));
    Files.copy(snap, data.resolve("snapshots").resolve(snap.getFileName()));

    CliResult verify = Cli.run("replay", "--data", data.toString(), "--verify");
    assertThat(verify.exitCode()).as("%s", verify).isEqualTo(1);
    assertThat(verify.stdout()).contains("Verification FAILED: snapshot 00000000000000000003.snap (SEQ 3) differs")
        .contains("key 2 version 1: the snapshot has (SEQ 2, INSERT, [2, TWO]), the log has (SEQ 2, INSERT, [2, two])");
  }

  @Test
  void replayToSeqStopsThereAndWritesTheSnapshotAtThatSeq() throws Exception {
    CliResult r = Cli.run("replay", "--data", data.toString(), "--to-seq", "2");
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.stdout()).contains("Replayed 3 transactions (2 row events").contains("transactions/s")
        .contains("Stopped at SEQ 2 (head SEQ 3), 1 table.")
        .contains("Wrote snapshot 00000000000000000002.snap (SEQ 2, ").contains("2 row versions)");
    assertThat(r.stderr()).contains("replay: 3/3 records (100.0%)");
    assertThat(snapshots()).containsExactly("00000000000000000002.snap");

    // The snapshot holds the state at SEQ 2: --verify of the same SEQ compares it, row by row.
    CliResult again = Cli.run("replay", "--data", data.toString(), "--to-seq", "2", "--verify");
    assertThat(again.exitCode()).as("%s", again).isZero();
    assertThat(again.stdout()).contains("replacing the one that was there")
        .contains("Verified: snapshot 00000000000000000002.snap (SEQ 2) matches the log (2 row versions compared)");

    // The server starts from it (the newest) and replays the tail.
    CliResult rows = Cli.runLoggingInfo("sql", "--data", data.toString(), "--format", "csv", "-e",
        "SELECT id, v FROM t ORDER BY id");
    assertThat(rows.exitCode()).as("%s", rows).isZero();
    assertThat(rows.stdout()).isEqualTo("id,v\n1,one\n2,two\n3,three\n");
    assertThat(rows.stderr()).contains("started from the snapshot at SEQ 2, replayed the 1 transactions after it");
  }

  @Test
  void replayToAnOlderSeqKeepsRestartOnTheNewestSnapshot() throws Exception {
    CliResult more = Cli.run("sql", "--data", data.toString(), "-e", "UPDATE t SET v = 'uno' WHERE id = 1",
        "-e", "CHECKPOINT", "-e", "DELETE FROM t WHERE id = 2");
    assertThat(more.exitCode()).as("%s", more).isZero();
    assertThat(snapshots()).containsExactly("00000000000000000004.snap");

    CliResult r = Cli.run("replay", "--data", data.toString(), "--to-seq", "1");
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.stdout()).contains("Stopped at SEQ 1 (head SEQ 5)").contains("Wrote snapshot 00000000000000000001.snap");
    assertThat(snapshots()).containsExactly("00000000000000000004.snap", "00000000000000000001.snap");

    CliResult rows = Cli.runLoggingInfo("sql", "--data", data.toString(), "--format", "csv", "-e",
        "SELECT id, v FROM t ORDER BY id", "-e", "SELECT id, v FROM t AS OF @SEQ:1 ORDER BY id");
    assertThat(rows.exitCode()).as("%s", rows).isZero();
    assertThat(rows.stdout()).isEqualTo("id,v\n1,uno\n3,three\nid,v\n1,one\n");
    assertThat(rows.stderr()).contains("loaded snapshot 00000000000000000004.snap")
        .contains("started from the snapshot at SEQ 4, replayed the 1 transactions after it");
    // The newest snapshot is still the one a plain --verify checks.
    CliResult verify = Cli.run("replay", "--data", data.toString(), "--verify");
    assertThat(verify.exitCode()).as("%s", verify).isZero();
    assertThat(verify.stdout()).contains("Verified: snapshot 00000000000000000004.snap (SEQ 4)");
  }

  @Test
  void replayToSeqVerifySaysWhenThereIsNoSnapshotAtThatSeq() throws Exception {
    CliResult r = Cli.run("replay", "--data", data.toString(), "--to-seq", "0", "--verify");
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.stdout()).contains("Replayed 1 transactions").contains("Stopped at SEQ 0 (head SEQ 3), 1 table.")
        .contains("Wrote snapshot 00000000000000000000.snap")
        .contains("Nothing to verify: there was no snapshot at SEQ 0 to compare with.")
        .doesNotContain("Verified");
  }

  /** A snapshot at SEQ N that is not what the log gives at N is reported, then replaced by the rebuilt one. */
  @Test
  void replayToSeqVerifyReportsAndReplacesADifferentSnapshot() throws Exception {
    Path other = tmp.resolve("other");
    assertThat(Cli.run("init", other.toString()).exitCode()).isZero();
    CliResult r = Cli.run("sql", "--data", other.toString(), "-e", "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR)",
        "-e", "INSERT INTO t VALUES (1, 'one')", "-e", "INSERT INTO t VALUES (2, 'TWO')", "-e", "CHECKPOINT");
    assertThat(r.exitCode()).as("%s", r).isZero();
    Path snap = other.resolve("snapshots").resolve(String.format("%020d.snap", 2));
    Files.createDirectories(data.resolve("snapshots"));
    Files.copy(snap, data.resolve("snapshots").resolve(snap.getFileName()));

    CliResult verify = Cli.run("replay", "--data", data.toString(), "--to-seq", "2", "--verify");
    assertThat(verify.exitCode()).as("%s", verify).isEqualTo(1);
    assertThat(verify.stdout()).contains("replacing the one that was there")
        .contains("Verification FAILED: snapshot 00000000000000000002.snap (SEQ 2) differs")
        .contains("the snapshot has (SEQ 2, INSERT, [2, TWO]), the log has (SEQ 2, INSERT, [2, two])");
    CliResult fixed = Cli.run("replay", "--data", data.toString(), "--to-seq", "2", "--verify");
    assertThat(fixed.exitCode()).as("%s", fixed).isZero();
    assertThat(fixed.stdout()).contains("Verified: snapshot 00000000000000000002.snap (SEQ 2) matches the log");
  }

  @Test
  void replayToSeqRefusesASeqTheLogDoesNotHold() throws Exception {
    CliResult beyond = Cli.run("replay", "--data", data.toString(), "--to-seq", "9");
    assertThat(beyond.exitCode()).as("%s", beyond).isEqualTo(2);
    assertThat(beyond.stderr()).contains("--to-seq 9 is beyond the head of the log (head SEQ is 3)");
    CliResult negative = Cli.run("replay", "--data", data.toString(), "--to-seq", "-1");
    assertThat(negative.exitCode()).as("%s", negative).isEqualTo(2);
    assertThat(negative.stderr()).contains("--to-seq must be a SEQ, 0 or more (got -1)");
    CliResult notANumber = Cli.run("replay", "--data", data.toString(), "--to-seq", "x");
    assertThat(notANumber.exitCode()).as("%s", notANumber).isEqualTo(2);
    assertThat(beyond.stdout() + negative.stdout()).doesNotContain("Replayed");
    assertThat(snapshots()).isEmpty();
  }

  /** Snapshot file names, newest first. */
  private List<String> snapshots() throws Exception {
    Path dir = data.resolve("snapshots");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted(java.util.Comparator.reverseOrder()).toList();
    }
  }
}
