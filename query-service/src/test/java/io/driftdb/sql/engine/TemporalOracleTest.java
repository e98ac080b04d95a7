package io.driftdb.sql.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdb.sql.SqlError;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property test of time travel: a random workload (single- and multi-row inserts, updates,
 * deletes, multi-statement transactions, rollbacks, ADD COLUMN) over three tables, then every
 * temporal form at many random SEQs and timestamps is compared with a naive model that keeps
 * the committed transactions and replays them. Run with -Doracle.seed=N to reproduce.
 */
class TemporalOracleTest {
  private static final long OPEN = Long.MAX_VALUE;
  private static final long OPEN_TIME = 253402300799999L;
  private static final String[] TABLES = {"a", "b", "c"};

  @TempDir
  Path dir;

  /** One committed transaction in the model: per table, key -> new row (null = deleted). */
  record Tx(long seq, long ts, Map<String, Map<Integer, List<Object>>> writes) {}

  /** One version of a row in the model. */
  record Version(int key, long from, long to, String op, List<Object> row) {}

  private final List<Tx> log = new ArrayList<>();
  private final Map<String, List<String>> columns = new HashMap<>();
  private Random rnd;
  private long seed;

  @Test
  void everyTemporalFormMatchesTheReplayModel() throws Exception {
    seed = Long.getLong("oracle.seed", System.nanoTime());
    rnd = new Random(seed);
    System.out.println("TemporalOracleTest seed=" + seed + " (rerun with -Doracle.seed=" + seed + ")");
    try (EngineFixture f = new EngineFixture(dir)) {
      f.exec("CREATE TABLE a (id INTEGER PRIMARY KEY, v INTEGER, s TEXT)");
      f.exec("CREATE TABLE b (id INTEGER PRIMARY KEY, v INTEGER, s TEXT)");
      f.exec("CREATE TABLE c (id INTEGER PRIMARY KEY, v INTEGER, s TEXT)");
      for (String t : TABLES) {
        columns.put(t, new ArrayList<>(List.of("id", "v", "s")));
      }
      long firstSeq = f.engine.materializer().appliedSeq() + 1;
      workload(f, 160);
      int comparisons = 0;
      comparisons += compareAll(f, firstSeq, 450);
      f.restart();
      comparisons += compareAll(f, firstSeq, 60);
      System.out.println("TemporalOracleTest: " + comparisons + " comparisons, " + log.size() + " transactions");
      assertThat(comparisons).isGreaterThan(2000);
    }
  }

  // ---- workload ----

  private void workload(EngineFixture f, int transactions) throws InterruptedException {
    int addedColumns = 0;
    for (int i = 0; i < transactions; i++) {
      if (rnd.nextInt(4) == 0) {
        Thread.sleep(rnd.nextInt(3));
      }
      int kind = rnd.nextInt(20);
      if (kind == 0 && addedColumns < 2) {
        String t = TABLES[rnd.nextInt(3)];
        String col = "extra" + addedColumns++;
        f.exec("ALTER TABLE " + t + " ADD COLUMN " + col + " INTEGER");
        columns.get(t).add(col);
        // the DDL has a SEQ too: model it as a transaction without row writes
        record(f, new HashMap<>());
        continue;
      }
      Map<String, Map<Integer, List<Object>>> writes = new HashMap<>();
      boolean block = kind < 5;
      if (block) {
        f.exec(rnd.nextBoolean() ? "BEGIN" : "START TRANSACTION");
      }
      int statements = block ? 1 + rnd.nextInt(4) : 1;
      for (int s = 0; s < statements; s++) {
        statement(f, TABLES[rnd.nextInt(3)], writes);
      }
      if (block && rnd.nextInt(6) == 0) {
        f.exec("ROLLBACK");
        continue;
      }
      if (block) {
        f.exec("COMMIT");
      }
      boolean wrote = writes.values().stream().anyMatch(m -> !m.isEmpty());
      if (wrote) {
        record(f, writes);
      }
    }
  }

  private void record(EngineFixture f, Map<String, Map<Integer, List<Object>>> writes) {
    long seq = f.engine.materializer().appliedSeq();
    long ts = f.engine.materializer().timeline().timestampOf(seq);
    if (!log.isEmpty() && log.get(log.size() - 1).seq() == seq) {
      return;
    }
    log.add(new Tx(seq, ts, writes));
  }

  /** Current model state including uncommitted writes of the open transaction. */
  private Map<Integer, List<Object>> modelNow(String table, Map<String, Map<Integer, List<Object>>> pending) {
    Map<Integer, List<Object>> state = stateAt(table, Long.MAX_VALUE);
    Map<Integer, List<Object>> mine = pending.get(table);
    if (mine != null) {
      mine.forEach((k, v) -> {
        if (v == null) {
          state.remove(k);
        } else {
          state.put(k, v);
        }
      });
    }
    return state;
  }

  private void statement(EngineFixture f, String t, Map<String, Map<Integer, List<Object>>> writes) {
    Map<Integer, List<Object>> now = modelNow(t, writes);
    Map<Integer, List<Object>> w = writes.computeIfAbsent(t, x -> new LinkedHashMap<>());
    int width = columns.get(t).size();
    switch (rnd.nextInt(5)) {
      case 0, 1 -> {
        int n = 1 + rnd.nextInt(3);
        StringBuilder sql = new StringBuilder("INSERT INTO " + t + " (id, v, s) VALUES ");
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          int id = rnd.nextInt(40);
          if (now.containsKey(id) || rows.stream().anyMatch(r -> r.get(0).equals(id))) {
            continue;
          }
          int v = rnd.nextInt(100);
          String s = "s" + rnd.nextInt(10);
          sql.append(rows.isEmpty() ? "" : ", ").append("(").append(id).append(", ").append(v).append(", '").append(s).append("')");
          List<Object> row = new ArrayList<>(Arrays.asList(new Object[width]));
          row.set(0, id);
          row.set(1, v);
          row.set(2, s);
          rows.add(row);
        }
        if (rows.isEmpty()) {
          return;
        }
        f.exec(sql.toString());
        for (List<Object> r : rows) {
          w.put((Integer) r.get(0), r);
        }
      }
      case 2 -> {
        int bound = rnd.nextInt(100);
        int delta = 1 + rnd.nextInt(5);
        f.exec("UPDATE " + t + " SET v = v + " + delta + ", s = 'u" + delta + "' WHERE v < " + bound);
        now.forEach((k, row) -> {
          if (row.get(1) != null && (Integer) row.get(1) < bound) {
            List<Object> next = new ArrayList<>(row);
            next.set(1, (Integer) row.get(1) + delta);
            next.set(2, "u" + delta);
            w.put(k, next);
          }
        });
      }
      case 3 -> {
        if (now.isEmpty()) {
          return;
        }
        Integer id = new ArrayList<>(now.keySet()).get(rnd.nextInt(now.size()));
        f.exec("DELETE FROM " + t + " WHERE id = " + id);
        w.put(id, null);
      }
      default -> {
        int lo = rnd.nextInt(40);
        int hi = lo + rnd.nextInt(6);
        f.exec("DELETE FROM " + t + " WHERE id BETWEEN " + lo + " AND " + hi);
        now.keySet().stream().filter(k -> k >= lo && k <= hi).forEach(k -> w.put(k, null));
      }
    }
  }

  // ---- model ----

  private Map<Integer, List<Object>> stateAt(String table, long seq) {
    Map<Integer, List<Object>> state = new TreeMap<>();
    for (Tx tx : log) {
      if (tx.seq() > seq) {
        break;
      }
      Map<Integer, List<Object>> w = tx.writes().get(table);
      if (w != null) {
        w.forEach((k, v) -> {
          if (v == null) {
            state.remove(k);
          } else {
            state.put(k, v);
          }
        });
      }
    }
    return state;
  }

  private List<Version> versions(String table) {
    Map<Integer, List<long[]>> seqs = new TreeMap<>();
    Map<Integer, List<List<Object>>> rows = new HashMap<>();
    for (Tx tx : log) {
      Map<Integer, List<Object>> w = tx.writes().get(table);
      if (w == null) {
        continue;
      }
      w.forEach((k, v) -> {
        List<long[]> s = seqs.computeIfAbsent(k, x -> new ArrayList<>());
        List<List<Object>> r = rows.computeIfAbsent(k, x -> new ArrayList<>());
        boolean exists = !r.isEmpty() && r.get(r.size() - 1) != null;
        if (v == null && !exists) {
          return;
        }
        s.add(new long[] {tx.seq(), v == null ? 2 : exists ? 1 : 0});
        r.add(v);
      });
    }
    List<Version> out = new ArrayList<>();
    String[] ops = {"INSERT", "UPDATE", "DELETE"};
    for (var e : seqs.entrySet()) {
      List<long[]> s = e.getValue();
      List<List<Object>> r = rows.get(e.getKey());
      for (int i = 0; i < s.size(); i++) {
        long from = s.get(i)[0];
        int op = (int) s.get(i)[1];
        long to = op == 2 ? from : i + 1 < s.size() ? s.get(i + 1)[0] : OPEN;
        List<Object> row = op == 2 ? r.get(i - 1) : r.get(i);
        out.add(new Version(e.getKey(), from, to, ops[op], row));
      }
    }
    return out;
  }

  private long ts(long seq) {
    if (seq == OPEN) {
      return OPEN_TIME;
    }
    for (Tx tx : log) {
      if (tx.seq() == seq) {
        return tx.ts();
      }
    }
    throw new IllegalStateException("no tx " + seq);
  }

  private long seqAtOrBefore(long ts, long firstSeq) {
    long found = firstSeq - 1;
    for (Tx tx : log) {
      if (tx.ts() <= ts) {
        found = tx.seq();
      }
    }
    return found;
  }

  // ---- comparisons ----

  private int compareAll(EngineFixture f, long firstSeq, int points) {
    int n = 0;
    long head = log.get(log.size() - 1).seq();
    long t0 = log.get(0).ts();
    long t1 = log.get(log.size() - 1).ts();
    for (int i = 0; i < points; i++) {
      String t = TABLES[rnd.nextInt(3)];
      long s1 = firstSeq - 1 + rnd.nextInt((int) (head - firstSeq + 2));
      long s2 = s1 + rnd.nextInt((int) (head - s1 + 1));
      long ts1 = pickTime(t0, t1);
      long ts2 = ts1 + rnd.nextInt((int) (t1 - ts1 + 2));
      String cols = String.join(", ", columns.get(t));
      // AS OF @SEQ
      check(f, "SELECT " + cols + " FROM " + t + " FOR SYSTEM_TIME AS OF @SEQ:?", List.of(s1), stateRows(t, s1), t, s1);
      // AS OF timestamp (parameter) and short form with a literal
      long atTs = seqAtOrBefore(ts1, firstSeq);
      check(f, "SELECT " + cols + " FROM " + t + " FOR SYSTEM_TIME AS OF ?", List.of(text(ts1)), stateRows(t, atTs), t, ts1);
      if (i % 10 == 0) {
        check(f, "SELECT " + cols + " FROM " + t + " AS OF TIMESTAMP '" + text(ts1) + "'", List.of(), stateRows(t, atTs), t, ts1);
      }
      // ALL, BETWEEN, FROM..TO, CONTAINED IN with SEQ and timestamp bounds
      String hist = "SELECT " + cols + ", _seq_from, _seq_to, _op FROM " + t + " FOR SYSTEM_TIME ";
      List<Version> vs = versions(t);
      check(f, hist + "ALL", List.of(), versionRows(t, vs, v -> true), t, -1);
      check(f, hist + "BETWEEN @SEQ:? AND @SEQ:?", List.of(s1, s2),
          versionRows(t, vs, v -> v.from() <= s2 && v.to() > s1), t, s1);
      check(f, hist + "FROM @SEQ:? TO @SEQ:?", List.of(s1, s2),
          versionRows(t, vs, v -> v.from() < s2 && v.to() > s1), t, s1);
      check(f, hist + "CONTAINED IN (@SEQ:?, @SEQ:?)", List.of(s1, s2),
          versionRows(t, vs, v -> v.from() >= s1 && v.to() <= s2), t, s1);
      check(f, hist + "BETWEEN ? AND ?", List.of(text(ts1), text(ts2)),
          versionRows(t, vs, v -> ts(v.from()) <= ts2 && ts(v.to()) > ts1), t, ts1);
      check(f, hist + "FROM ? TO ?", List.of(text(ts1), text(ts2)),
          versionRows(t, vs, v -> ts(v.from()) < ts2 && ts(v.to()) > ts1), t, ts1);
      check(f, hist + "CONTAINED IN (?, ?)", List.of(text(ts1), text(ts2)),
          versionRows(t, vs, v -> ts(v.from()) >= ts1 && ts(v.to()) <= ts2), t, ts1);
      // a join of two tables at two different points
      String u = TABLES[(java.util.Arrays.asList(TABLES).indexOf(t) + 1) % 3];
      check(f, "SELECT x.id, x.v, y.v FROM " + t + " FOR SYSTEM_TIME AS OF @SEQ:? AS x JOIN " + u
          + " FOR SYSTEM_TIME AS OF @SEQ:? AS y ON x.id = y.id", List.of(s1, s2), joinRows(t, s1, u, s2), t, s1);
      n += 9;
    }
    // SEQ beyond the head is an error that names the head
    try {
      f.rows("SELECT * FROM a FOR SYSTEM_TIME AS OF @SEQ:" + (head + 5));
      throw new AssertionError("no error beyond head, seed=" + seed);
    } catch (SqlError e) {
      assertThat(e.sqlState()).isEqualTo("22023");
      assertThat(e.getMessage()).contains("head SEQ is " + head);
    }
    return n;
  }

  private long pickTime(long t0, long t1) {
    int k = rnd.nextInt(4);
    if (k == 0) {
      return log.get(rnd.nextInt(log.size())).ts();
    }
    if (k == 1) {
      return t0 - 1 - rnd.nextInt(1000);
    }
    return t0 + (long) (rnd.nextDouble() * (t1 - t0 + 2));
  }

  private static String text(long ms) {
    return LocalDateTime.ofInstant(Instant.ofEpochMilli(ms), ZoneOffset.UTC).toString().replace('T', ' ');
  }

  private List<String> stateRows(String t, long seq) {
    List<String> out = new ArrayList<>();
    int width = columns.get(t).size();
    stateAt(t, seq).values().forEach(r -> out.add(render(r, width)));
    return out;
  }

  private List<String> versionRows(String table, List<Version> vs, java.util.function.Predicate<Version> p) {
    List<String> out = new ArrayList<>();
    for (Version v : vs) {
      if (p.test(v)) {
        int width = columns.get(table).size();
        out.add(render(v.row(), width) + "|" + v.from() + "|" + v.to() + "|" + v.op());
      }
    }
    return out;
  }

  private List<String> joinRows(String t, long s1, String u, long s2) {
    List<String> out = new ArrayList<>();
    Map<Integer, List<Object>> x = stateAt(t, s1);
    Map<Integer, List<Object>> y = stateAt(u, s2);
    x.forEach((k, r) -> {
      List<Object> o = y.get(k);
      if (o != null) {
        out.add(k + "|" + r.get(1) + "|" + o.get(1));
      }
    });
    return out;
  }

  private static String render(List<Object> r, int width) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < width; i++) {
      b.append(i == 0 ? "" : "|").append(i < r.size() ? r.get(i) : null);
    }
    return b.toString();
  }

  private void check(EngineFixture f, String sql, List<Object> params, List<String> expected, String table, long point) {
    List<String> got = f.rows(sql, params.toArray());
    List<String> want = new ArrayList<>(expected);
    got = new ArrayList<>(got);
    got.sort(null);
    want.sort(null);
    assertThat(got).as("seed=%d sql=%s params=%s", seed, sql, params).isEqualTo(want);
  }
}
