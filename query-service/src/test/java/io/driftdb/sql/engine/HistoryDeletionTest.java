package io.driftdb.sql.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdb.log.LocalLog;
import io.driftdb.log.LogCursor;
import io.driftdb.log.LogRecord;
import io.driftdb.materializer.Materializer;
import io.driftdb.materializer.SnapshotStore;
import io.driftdb.materializer.TableData;
import io.driftdb.materializer.TableOptions;
import io.driftdb.materializer.VersionChain;
import io.driftdb.schemas.RowEvent;
import io.driftdb.schemas.TransactionCodec;
import io.driftdb.sql.SessionInfo;
import io.driftdb.sql.SqlError;
import io.driftdb.sql.SqlSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DELETE HISTORY and history_retention: exactly the versions that stopped being current before
 * the cutoff go (never a current row), from memory at once and from snapshots and the log at
 * VACUUM; states from the horizon on read as before, earlier ones are refused with 22023
 * naming the horizon; restart (from the snapshot or from the log alone) gives the same answers.
 */
class HistoryDeletionTest {
  private static final String ALL = "SELECT id, v, _seq_from, _seq_to, _op FROM t FOR SYSTEM_TIME ALL ORDER BY id, _seq_from";

  @TempDir
  Path dir;

  /** One row of the ALL listing: id|v|_seq_from|_seq_to|_op. */
  private static long seqTo(String row) {
    return Long.parseLong(row.split("\\|")[3]);
  }

  /** Distinct commit times (ms), so that a cutoff between two commits is exact. */
  private static void tick() throws InterruptedException {
    Thread.sleep(3);
  }

  /** Random inserts, updates and deletes of 12 keys, each statement its own SEQ. */
  private static void churn(EngineFixture f, Random rnd, int statements) throws InterruptedException {
    for (int i = 0; i < statements; i++) {
      int id = rnd.nextInt(12);
      switch (rnd.nextInt(4)) {
        case 0 -> f.exec("DELETE FROM t WHERE id = $1", id);
        case 1 -> f.exec("INSERT INTO t VALUES ($1, $2) ON CONFLICT (id) DO NOTHING", id, "i" + i);
        default -> f.exec("INSERT INTO t VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET v = excluded.v", id, "u" + i);
      }
      tick();
    }
  }

  private static long commitTime(EngineFixture f, long seq) {
    return f.engine.materializer().timeline().timestampOf(seq);
  }

  private static void assertState(SqlError e, String state) {
    assertThat(e.sqlState()).as(e.getMessage()).isEqualTo(state);
  }

  private static SqlError error(Runnable r) {
    try {
      r.run();
    } catch (SqlError e) {
      return e;
    }
    throw new AssertionError("expected an SQL error");
  }

  /** Row events of table {@code tableId} still in the log. */
  private static long rowEventsInLog(Path dir, long tableId) throws Exception {
    TransactionCodec codec = new TransactionCodec();
    long n = 0;
    try (LocalLog log = LocalLog.open(dir.resolve("log")); LogCursor c = log.read(0)) {
      while (c.hasNext()) {
        LogRecord r = c.next();
        for (Object e : codec.decode(r.value()).getEvents()) {
          if (e instanceof RowEvent ev && ev.getTableId() == tableId) {
            n++;
          }
        }
      }
    }
    return n;
  }

  private static List<LogRecord> records(io.driftdb.log.EventLog log) {
    List<LogRecord> out = new ArrayList<>();
    try (LogCursor c = log.read(0)) {
      c.forEachRemaining(out::add);
    }
    return out;
  }

  private static long versionsOf(Materializer m, long tableId) {
    long n = 0;
    for (VersionChain c : m.catalog().table(tableId).rows().values()) {
      n += c.size();
    }
    return n;
  }

  @Test
  void deleteHistoryRemovesExactlyTheVersionsThatEndedBeforeTheCutoff() throws Exception {
    Random rnd = new Random(42);
    List<String> before;
    List<String> expectedAfter = new ArrayList<>();
    List<String> current;
    long horizon;
    long tableId;
    List<String> intactAsOf = new ArrayList<>();
    try (EngineFixture f = new EngineFixture(dir)) {
      f.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
      f.exec("CREATE INDEX ON t (v)");
      tableId = f.engine.materializer().catalog().resolve("t", f.engine.materializer().appliedSeq()).orElseThrow()
          .tableId();
      tick();
      churn(f, rnd, 60);
      long cutSeq = f.engine.materializer().appliedSeq() - 25;
      long cutoff = commitTime(f, cutSeq);
      horizon = cutSeq - 1; // the last SEQ committed before the cutoff
      assertThat(commitTime(f, horizon)).isLessThan(cutoff);
      churn(f, rnd, 10);
      before = f.rows(ALL);
      current = f.rows("SELECT id, v FROM t ORDER BY id");
      for (String row : before) {
        if (seqTo(row) > horizon) { // still current at the horizon (or later): kept
          expectedAfter.add(row);
        }
      }
      assertThat(expectedAfter.size()).isLessThan(before.size());
      long head = f.engine.materializer().appliedSeq();
      for (long s = horizon; s <= head; s += 7) {
        intactAsOf.add(String.join(",", f.rows("SELECT id, v FROM t AS OF @SEQ:" + s + " ORDER BY id")));
      }

      String ts = java.time.Instant.ofEpochMilli(cutoff).toString().replace('T', ' ').replace("Z", "");
      assertThat(f.exec("DELETE HISTORY FROM t BEFORE SYSTEM_TIME TIMESTAMP '" + ts + "'").commandTag())
          .isEqualTo("DELETE HISTORY");
      check(f, expectedAfter, current, horizon, head, intactAsOf);
      assertThat(versionsOf(f.engine.materializer(), tableId)).isEqualTo(expectedAfter.size());
      // An index lookup finds no value that only deleted versions had.
      assertThat(f.rows("SELECT id FROM t WHERE v = 'no such value'")).isEmpty();

      List<LogRecord> logBefore = records(f.engine.log());
      assertThat(f.exec("VACUUM").commandTag()).isEqualTo("VACUUM");
      check(f, expectedAfter, current, horizon, head, intactAsOf);
      // Every record is still there with its SEQ and commit time; those without deleted
      // versions keep their bytes, the others lost only row events of t.
      List<LogRecord> logAfter = records(f.engine.log());
      assertThat(logAfter).hasSize(logBefore.size());
      TransactionCodec codec = new TransactionCodec();
      int changed = 0;
      for (int i = 0; i < logBefore.size(); i++) {
        LogRecord a = logBefore.get(i);
        LogRecord b = logAfter.get(i);
        assertThat(b.seq()).isEqualTo(a.seq());
        assertThat(b.timestampMs()).isEqualTo(a.timestampMs());
        if (!java.util.Arrays.equals(a.value(), b.value())) {
          changed++;
          var was = codec.decode(a.value());
          var is = codec.decode(b.value());
          List<Object> kept = new ArrayList<>(was.getEvents());
          kept.removeIf(e -> !is.getEvents().contains(e));
          assertThat(is.getEvents()).isEqualTo(kept);
          assertThat(was.getEvents()).filteredOn(e -> !is.getEvents().contains(e))
              .allMatch(e -> e instanceof RowEvent ev && ev.getTableId() == tableId);
          assertThat(is.getUser()).isEqualTo(was.getUser());
        }
      }
      assertThat(changed).isPositive();
    }
    // Physically gone: the snapshot and the log hold only the kept versions.
    List<Path> snaps = new SnapshotStore(dir.resolve("snapshots")).list();
    assertThat(snaps).hasSize(1);
    assertThat(versionsOf(Materializer.readSnapshot(snaps.get(0)), tableId)).isEqualTo(expectedAfter.size());
    assertThat(rowEventsInLog(dir, tableId)).isEqualTo(expectedAfter.size());

    try (EngineFixture f = new EngineFixture(dir)) { // from the snapshot
      check(f, expectedAfter, current, horizon, f.engine.materializer().appliedSeq(), intactAsOf);
    }
    for (Path p : snaps) {
      Files.delete(p);
    }
    try (EngineFixture f = new EngineFixture(dir)) { // from the log alone
      check(f, expectedAfter, current, horizon, f.engine.materializer().appliedSeq(), intactAsOf);
      f.exec("INSERT INTO t VALUES (100, 'after')");
      assertThat(f.rows("SELECT v FROM t WHERE id = 100")).containsExactly("after");
    }
  }

  private static void check(EngineFixture f, List<String> all, List<String> current, long horizon, long head,
      List<String> intactAsOf) {
    assertThat(f.rows(ALL)).isEqualTo(all);
    assertThat(f.rows("SELECT id, v FROM t ORDER BY id")).isEqualTo(current);
    int i = 0;
    for (long s = horizon; s <= head && i < intactAsOf.size(); s += 7) {
      assertThat(String.join(",", f.rows("SELECT id, v FROM t AS OF @SEQ:" + s + " ORDER BY id")))
          .as("AS OF @SEQ:%d", s).isEqualTo(intactAsOf.get(i++));
    }
    SqlError e = error(() -> f.rows("SELECT id FROM t AS OF @SEQ:" + (horizon - 1)));
    assertState(e, "22023");
    assertThat(e.getMessage()).contains("before SEQ " + horizon).contains("DELETE HISTORY");
    long ts = commitTime(f, horizon);
    String tsText = java.time.Instant.ofEpochMilli(ts - 1).toString().replace('T', ' ').replace("Z", "");
    assertState(error(() -> f.rows("SELECT id FROM t FOR SYSTEM_TIME AS OF TIMESTAMP '" + tsText + "'")), "22023");
    assertState(error(() -> f.rows("SELECT id FROM t FOR SYSTEM_TIME BETWEEN @SEQ:" + (horizon - 1) + " AND @SEQ:"
        + head)), "22023");
    assertState(error(() -> f.rows("SELECT id FROM t FOR SYSTEM_TIME FROM @SEQ:0 TO @SEQ:" + head)), "22023");
    assertState(error(() -> f.rows("SELECT id FROM t FOR SYSTEM_TIME CONTAINED IN (@SEQ:" + horizon + ", @SEQ:"
        + head + ")")), "22023");
    // Parameters are checked like literals.
    assertState(error(() -> f.rows("SELECT id FROM t FOR SYSTEM_TIME AS OF @SEQ:?", horizon - 1)), "22023");
    assertThat(f.rows("SELECT id, v FROM t FOR SYSTEM_TIME AS OF @SEQ:? ORDER BY id", horizon))
        .isEqualTo(f.rows("SELECT id, v FROM t AS OF @SEQ:" + horizon + " ORDER BY id"));
    // A point the scan cannot see (computed per row or from now()) cannot be checked: refused.
    SqlError perRow = error(() -> f.rows("SELECT o.k, r.v FROM (VALUES (1, TIMESTAMP '2020-01-01 00:00:00')) AS o (k, pt) "
        + "JOIN t FOR SYSTEM_TIME AS OF o.pt r ON r.id = o.k"));
    assertState(perRow, "0A000");
    assertThat(perRow.getMessage()).contains("before SEQ " + horizon);
    assertState(error(() -> f.rows("SELECT id FROM t FOR SYSTEM_TIME AS OF now() - INTERVAL '1' DAY")), "0A000");
    // From the horizon on, periods read as before the deletion.
    List<String> between = new ArrayList<>();
    for (String row : all) {
      String[] p = row.split("\\|");
      long from = Long.parseLong(p[2]);
      long to = Long.parseLong(p[3]);
      if (from <= head && to > horizon) {
        between.add(p[0] + "|" + p[2]);
      }
    }
    assertThat(f.rows("SELECT id, _seq_from FROM t FOR SYSTEM_TIME BETWEEN @SEQ:" + horizon + " AND @SEQ:" + head
        + " ORDER BY id, _seq_from")).isEqualTo(between);
    f.rows("SELECT id FROM t FOR SYSTEM_TIME CONTAINED IN (@SEQ:" + (horizon + 1) + ", @SEQ:" + head + ")");
  }

  @Test
  void deleteHistoryWithoutCutoffKeepsOnlyCurrentRowsAndRetentionDeletesAtVacuum() throws Exception {
    try (EngineFixture f = new EngineFixture(dir)) {
      f.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
      f.exec("CREATE TABLE u (id INTEGER PRIMARY KEY, v TEXT)");
      for (int i = 0; i < 5; i++) {
        f.exec("INSERT INTO t VALUES (1, 'a" + i + "') ON CONFLICT (id) DO UPDATE SET v = excluded.v");
        f.exec("INSERT INTO u VALUES (1, 'b" + i + "') ON CONFLICT (id) DO UPDATE SET v = excluded.v");
      }
      f.exec("INSERT INTO t VALUES (2, 'gone')");
      f.exec("DELETE FROM t WHERE id = 2");
      assertThat(f.rows(ALL)).hasSize(7);
      f.exec("DELETE HISTORY FROM t");
      assertThat(f.rows("SELECT id, v, _op FROM t FOR SYSTEM_TIME ALL ORDER BY id")).containsExactly("1|a4|UPDATE");
      assertThat(f.rows("SELECT count(*) FROM u FOR SYSTEM_TIME ALL")).containsExactly("5");

      // A retention far longer than the data's age removes nothing; '0 seconds' all but current rows.
      f.exec("ALTER TABLE u SET (history_retention = '100 years')");
      f.exec("VACUUM");
      assertThat(f.rows("SELECT count(*) FROM u FOR SYSTEM_TIME ALL")).containsExactly("5");
      TableData u = f.engine.materializer().catalog().resolve("u", f.engine.materializer().appliedSeq()).orElseThrow();
      assertThat(u.latestSchema().options()).containsEntry(TableOptions.HISTORY_RETENTION, "100 years");
      assertThat(u.historyHorizon()).isEqualTo(-1);

      f.exec("ALTER TABLE u SET (history_retention = '0 seconds')");
      tick();
      f.exec("VACUUM u");
      assertThat(f.rows("SELECT id, v FROM u FOR SYSTEM_TIME ALL")).containsExactly("1|b4");
      f.exec("UPDATE u SET v = 'b5'");
      f.exec("ALTER TABLE u RESET (history_retention)");
      tick();
      f.exec("VACUUM");
      assertThat(f.rows("SELECT v FROM u FOR SYSTEM_TIME ALL ORDER BY _seq_from")).containsExactly("b4", "b5");
      f.exec("ALTER TABLE u SET (history_retention = 'forever')");
      assertThat(u.latestSchema().options()).doesNotContainKey(TableOptions.HISTORY_RETENTION);
    }
    try (EngineFixture f = new EngineFixture(dir)) {
      assertThat(f.rows("SELECT id, v, _op FROM t FOR SYSTEM_TIME ALL ORDER BY id")).containsExactly("1|a4|UPDATE");
      assertThat(f.rows("SELECT v FROM u FOR SYSTEM_TIME ALL ORDER BY _seq_from")).containsExactly("b4", "b5");
    }
  }

  @Test
  void badInputChangesNothing() throws Exception {
    try (EngineFixture f = new EngineFixture(dir)) {
      f.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
      f.exec("INSERT INTO t VALUES (1, 'a')");
      f.exec("UPDATE t SET v = 'b'");
      long head = f.engine.materializer().appliedSeq();
      List<String> all = f.rows(ALL);
      record Bad(String sql, String state, String message) {}
      for (Bad b : List.of(
          new Bad("ALTER TABLE t SET (fillfactor = 70)", "22023", "unrecognized parameter \"fillfactor\""),
          new Bad("ALTER TABLE t SET (history_retention = '90 days', autovacuum_enabled = 'off')", "22023",
              "unrecognized parameter"),
          new Bad("ALTER TABLE t SET (history_retention = 'ninety days')", "22007",
              "invalid input syntax for type interval: \"ninety days\""),
          new Bad("ALTER TABLE t SET (history_retention = '3 days ago')", "22023", "must not be negative"),
          new Bad("ALTER TABLE t SET (history_retention)", "42601", "syntax error"),
          new Bad("ALTER TABLE nope SET (history_retention = '1 day')", "42P01", "\"nope\" does not exist"),
          new Bad("DELETE HISTORY FROM nope", "42P01", "\"nope\" does not exist"),
          new Bad("DELETE HISTORY FROM nope BEFORE SYSTEM_TIME '2020-01-01'", "42P01", "\"nope\" does not exist"),
          new Bad("DELETE HISTORY FROM t BEFORE SYSTEM_TIME 'yesterday-ish'", "22007", "timestamp"),
          new Bad("DELETE HISTORY FROM t BEFORE SYSTEM_TIME", "42601", "syntax error"),
          new Bad("DELETE HISTORY FROM t BEFORE SYSTEM_TIME NULL", "22023", "needs a timestamp"),
          new Bad("DELETE HISTORY FROM t WHERE id = 1", "42601", "syntax error"))) {
        SqlError e = error(() -> f.exec(b.sql()));
        assertThat(e.sqlState()).as(b.sql() + ": " + e.getMessage()).isEqualTo(b.state());
        assertThat(e.getMessage()).as(b.sql()).contains(b.message());
        assertThat(f.engine.materializer().appliedSeq()).as(b.sql()).isEqualTo(head);
      }
      f.exec("BEGIN");
      assertState(error(() -> f.exec("DELETE HISTORY FROM t")), "25001");
      f.exec("ROLLBACK");
      assertThat(f.engine.materializer().appliedSeq()).isEqualTo(head);
      assertThat(f.rows(ALL)).isEqualTo(all);
      // A plain DELETE still goes to the SQL engine.
      f.exec("DELETE FROM t WHERE id = 1");
      assertThat(f.rows("SELECT count(*) FROM t")).containsExactly("0");
    }
  }

  /** A transaction whose snapshot predates a history deletion can neither read nor overwrite what it lost. */
  @Test
  void olderSnapshotsAreTooOldAfterAHistoryDeletion() throws Exception {
    try (EngineFixture f = new EngineFixture(dir)) {
      f.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
      f.exec("INSERT INTO t VALUES (1, 'a'), (2, 'x')");
      f.exec("UPDATE t SET v = 'b' WHERE id = 1");
      try (SqlSession other = f.engine.openSession(SessionInfo.local("test"))) {
        other.execute("BEGIN", List.of());
        assertThat(other.execute("SELECT v FROM t WHERE id = 1", List.of()).rows()).hasSize(1);
        f.exec("DELETE FROM t WHERE id = 2");
        f.exec("DELETE HISTORY FROM t");
        SqlError e = error(() -> other.execute("SELECT v FROM t WHERE id = 1", List.of()));
        assertState(e, "72000");
        assertThat(e.getMessage()).contains("snapshot too old");
        other.execute("ROLLBACK", List.of());
        // A transaction that started before the deletion may not re-insert a key whose versions went.
        other.execute("BEGIN", List.of());
        other.execute("INSERT INTO t VALUES (3, 'new')", List.of());
        f.exec("DELETE HISTORY FROM t");
        other.execute("INSERT INTO t VALUES (2, 'again')", List.of());
        assertState(error(() -> other.execute("COMMIT", List.of())), "40001");
      }
      assertThat(f.rows("SELECT id, v FROM t ORDER BY id")).containsExactly("1|b");
    }
  }

  /** Deleting history of one table leaves the others alone, and a second deletion never brings anything back. */
  @Test
  void deletionsOnlyEverMoveTheHorizonForward() throws Exception {
    try (EngineFixture f = new EngineFixture(dir)) {
      f.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
      f.exec("CREATE TABLE other (id INTEGER PRIMARY KEY, v TEXT)");
      for (int i = 0; i < 6; i++) {
        f.exec("INSERT INTO t VALUES (1, 'v" + i + "') ON CONFLICT (id) DO UPDATE SET v = excluded.v");
        f.exec("INSERT INTO other VALUES (1, 'v" + i + "') ON CONFLICT (id) DO UPDATE SET v = excluded.v");
        tick();
      }
      f.exec("DELETE HISTORY FROM t");
      long h = f.engine.materializer().catalog().resolve("t", Long.MAX_VALUE - 1).orElseThrow().historyHorizon();
      f.exec("DELETE HISTORY FROM t BEFORE SYSTEM_TIME '2000-01-01'");
      assertThat(f.engine.materializer().catalog().resolve("t", Long.MAX_VALUE - 1).orElseThrow().historyHorizon())
          .isEqualTo(h);
      assertThat(f.rows("SELECT count(*) FROM t FOR SYSTEM_TIME ALL")).containsExactly("1");
      assertThat(f.rows("SELECT count(*) FROM other FOR SYSTEM_TIME ALL")).containsExactly("6");
      assertThat(f.rows("SELECT v FROM other AS OF @SEQ:3")).containsExactly("v0");
    }
  }
}
