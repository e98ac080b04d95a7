package io.driftdb.server.crash;

import io.driftdb.server.crash.TxModel.Facts;
import io.driftdb.server.crash.TxModel.ThreadModel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares a restarted database with the model, through SQL only:
 * <ol>
 *   <li><b>History</b> ({@code FOR SYSTEM_TIME ALL} on every table): every non-delete row
 *       version names its writer in {@code wtx}. The writers found must be exactly the
 *       committed transactions; each one's versions must be exactly the keys it wrote, all at
 *       one SEQ (the one its client saw, when it saw one); its deletes exactly the keys it
 *       deleted, at the same SEQ; SEQs are distinct and increase with each thread's order; no
 *       delete happened at any other SEQ. A transaction whose COMMIT was in flight at the kill
 *       is resolved here: committed iff any version of it exists, and then all of it must.</li>
 *   <li><b>Current state</b>: each thread's rows in {@code orders}, {@code lines} and
 *       {@code tally} equal the model exactly; no other row exists.</li>
 *   <li><b>Reads through the secondary index and AS OF</b> for a sample of orders and
 *       transactions.</li>
 * </ol>
 */
final class StateCheck {
  private StateCheck() {}

  /** Outcome counts of one check. */
  record Result(int unknownCommitted, int unknownAbsent, int committedTotal, long versionsChecked, String timings) {}

  static Result verify(Connection c, ThreadModel[] threads, SplittableRandom rnd, boolean sampledReads,
                       List<String> problems) throws SQLException {
    Map<Long, Map<String, Long>> versionsByTx = new HashMap<>();
    Map<Long, Set<String>> deletesBySeq = new HashMap<>();
    long[] versions = {0};
    long t0 = System.nanoTime();
    try (Statement st = c.createStatement()) {
      history(st, "SELECT id, wtx, _seq_from, _op FROM orders FOR SYSTEM_TIME ALL", "o:", versionsByTx, deletesBySeq,
          versions, problems);
      history(st, "SELECT id, wtx, _seq_from, _op FROM lines FOR SYSTEM_TIME ALL", "l:", versionsByTx, deletesBySeq,
          versions, problems);
      history(st, "SELECT k, wtx, _seq_from, _op FROM tally FOR SYSTEM_TIME ALL", "t:", versionsByTx, deletesBySeq,
          versions, problems);
    }

    // Resolve the transactions whose COMMIT was in flight.
    int unknownCommitted = 0;
    int unknownAbsent = 0;
    for (ThreadModel t : threads) {
      if (t.unknown != null) {
        if (versionsByTx.containsKey(t.unknown.tx)) {
          t.commit(t.unknown, -1);
          unknownCommitted++;
        } else {
          t.notCommitted.add(t.unknown.tx);
          unknownAbsent++;
        }
        t.unknown = null;
      }
    }

    Map<Long, Facts> committed = new HashMap<>();
    for (ThreadModel t : threads) {
      committed.putAll(t.committed);
      for (long tx : t.notCommitted) {
        if (versionsByTx.containsKey(tx)) {
          problems.add("tx " + tx + " never committed (its COMMIT was never sent or was refused) but has row versions: "
              + versionsByTx.get(tx));
        }
      }
    }
    for (long tx : versionsByTx.keySet()) {
      if (!committed.containsKey(tx)) {
        problems.add("row versions written by tx " + tx + ", which the clients never ran or never committed: "
            + versionsByTx.get(tx));
      }
    }
    Map<Long, Long> txBySeq = new HashMap<>();
    for (ThreadModel t : threads) {
      long previous = -1;
      for (Facts f : t.committed.values()) {
        Map<String, Long> found = versionsByTx.getOrDefault(f.tx(), Map.of());
        if (!found.keySet().equals(f.versions())) {
          problems.add("tx " + f.tx() + " (acknowledged: " + (f.ackSeq() >= 0) + ") is not whole: wrote "
              + new TreeSet<>(f.versions()) + ", the history holds " + new TreeMap<>(found));
          continue;
        }
        Set<Long> seqs = new HashSet<>(found.values());
        if (seqs.size() != 1) {
          problems.add("tx " + f.tx() + " is spread over several SEQs: " + new TreeMap<>(found));
          continue;
        }
        long seq = seqs.iterator().next();
        if (f.ackSeq() >= 0 && f.ackSeq() != seq) {
          problems.add("tx " + f.tx() + " was acknowledged with SEQ " + f.ackSeq() + " but its rows carry SEQ " + seq);
        }
        Long other = txBySeq.put(seq, f.tx());
        if (other != null) {
          problems.add("txs " + other + " and " + f.tx() + " share SEQ " + seq);
        }
        if (seq <= previous) {
          problems.add("thread " + t.thread + ": tx " + f.tx() + " has SEQ " + seq + ", not after its predecessor's "
              + previous);
        }
        previous = seq;
        Set<String> deleted = deletesBySeq.getOrDefault(seq, Set.of());
        if (!deleted.equals(f.deletes())) {
          problems.add("tx " + f.tx() + " at SEQ " + seq + " deleted " + new TreeSet<>(f.deletes())
              + " but the history shows deletes " + new TreeSet<>(deleted));
        }
      }
    }
    for (var e : deletesBySeq.entrySet()) {
      if (!txBySeq.containsKey(e.getKey())) {
        problems.add("deletes at SEQ " + e.getKey() + ", which belongs to no committed transaction: " + e.getValue());
      }
    }

    long t1 = System.nanoTime();
    currentState(c, threads, problems);
    long t2 = System.nanoTime();
    if (sampledReads) {
      sampledReads(c, threads, committed, versionsByTx, rnd, problems);
    }
    long t3 = System.nanoTime();
    String timings = "history " + (t1 - t0) / 1_000_000 + " ms, current " + (t2 - t1) / 1_000_000 + " ms"
        + (sampledReads ? ", index/AS OF " + (t3 - t2) / 1_000_000 + " ms" : "");
    return new Result(unknownCommitted, unknownAbsent, committed.size(), versions[0], timings);
  }

  private static void history(Statement st, String sql, String prefix, Map<Long, Map<String, Long>> versionsByTx,
                              Map<Long, Set<String>> deletesBySeq, long[] versions, List<String> problems)
      throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        String key = prefix + rs.getLong(1);
        long wtx = rs.getLong(2);
        long seq = rs.getLong(3);
        String op = rs.getString(4);
        versions[0]++;
        if ("DELETE".equals(op)) {
          if (!deletesBySeq.computeIfAbsent(seq, x -> new HashSet<>()).add(key)) {
            problems.add(key + " deleted twice at SEQ " + seq);
          }
        } else if (wtx >= 0) { // wtx -1: the tally rows of the setup
          Long before = versionsByTx.computeIfAbsent(wtx, x -> new HashMap<>()).put(key, seq);
          if (before != null) {
            problems.add(key + " has two versions written by tx " + wtx + " (SEQ " + before + " and " + seq + ")");
          }
        }
      }
    }
  }

  private static void currentState(Connection c, ThreadModel[] threads, List<String> problems) throws SQLException {
    Map<Integer, TreeSet<String>> actual = new HashMap<>();
    try (Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT id, tx, wtx, amount, note FROM orders")) {
        while (rs.next()) {
          TxModel.Order o = new TxModel.Order(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
              rs.getString(5));
          actual.computeIfAbsent(TxModel.threadOfTx(o.id() / 10), x -> new TreeSet<>()).add(o.text());
        }
      }
      try (ResultSet rs = st.executeQuery("SELECT id, tx, wtx, order_id, qty FROM lines")) {
        while (rs.next()) {
          TxModel.Line l = new TxModel.Line(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getInt(5));
          actual.computeIfAbsent(TxModel.threadOfTx(l.id() / 10), x -> new TreeSet<>()).add(l.text());
        }
      }
      try (ResultSet rs = st.executeQuery("SELECT k, wtx, cnt FROM tally")) {
        while (rs.next()) {
          actual.computeIfAbsent(rs.getInt(1), x -> new TreeSet<>())
              .add("t:" + rs.getInt(1) + ":" + rs.getLong(2) + ":" + rs.getLong(3));
        }
      }
    }
    for (ThreadModel t : threads) {
      TreeSet<String> expected = t.state();
      TreeSet<String> got = actual.remove(t.thread);
      if (got == null) {
        got = new TreeSet<>();
      }
      if (!expected.equals(got)) {
        TreeSet<String> missing = new TreeSet<>(expected);
        missing.removeAll(got);
        TreeSet<String> extra = new TreeSet<>(got);
        extra.removeAll(expected);
        problems.add("thread " + t.thread + ": current rows differ from the model; missing " + first(missing)
            + ", unexpected " + first(extra));
      }
    }
    if (!actual.isEmpty()) {
      problems.add("rows of unknown threads: " + actual);
    }
  }

  /** Index lookups (current and AS OF) and AS OF counts around a sample of commits. */
  private static void sampledReads(Connection c, ThreadModel[] threads, Map<Long, Facts> committed,
                                   Map<Long, Map<String, Long>> versionsByTx, SplittableRandom rnd,
                                   List<String> problems) throws SQLException {
    try (PreparedStatement byOrder = c.prepareStatement("SELECT id FROM lines WHERE order_id = ?");
         PreparedStatement byOrderAsOf = c.prepareStatement(
             "SELECT count(*) FROM lines FOR SYSTEM_TIME AS OF @SEQ:? WHERE order_id = ?");
         PreparedStatement byTxAsOf = c.prepareStatement(
             "SELECT count(*) FROM orders FOR SYSTEM_TIME AS OF @SEQ:? WHERE tx = ?")) {
      for (ThreadModel t : threads) {
        if (t.orders.isEmpty()) {
          continue;
        }
        for (int i = 0; i < 3; i++) {
          long lo = t.orders.firstKey();
          long id = t.orders.ceilingKey(lo + rnd.nextLong(t.orders.lastKey() - lo + 1));
          Set<Long> got = new TreeSet<>();
          byOrder.setLong(1, id);
          try (ResultSet rs = byOrder.executeQuery()) {
            while (rs.next()) {
              got.add(rs.getLong(1));
            }
          }
          if (!got.equals(t.linesOf(id))) {
            problems.add("lines WHERE order_id = " + id + " (index) returned " + got + ", expected " + t.linesOf(id));
          }
        }
      }
      List<Facts> all = new ArrayList<>(committed.values());
      for (int i = 0; i < Math.min(8, all.size()); i++) {
        Facts f = all.get(rnd.nextInt(all.size()));
        Map<String, Long> v = versionsByTx.get(f.tx());
        if (v == null || v.isEmpty()) {
          continue; // already reported
        }
        long seq = v.values().iterator().next();
        long newOrders = f.versions().stream().filter(k -> k.startsWith("o:") && Long.parseLong(k.substring(2)) / 10 == f.tx())
            .count();
        if (count(byTxAsOf, seq, f.tx()) != newOrders || count(byTxAsOf, seq - 1, f.tx()) != 0) {
          problems.add("orders created by tx " + f.tx() + ": AS OF @SEQ:" + seq + " sees " + count(byTxAsOf, seq, f.tx())
              + " (expected " + newOrders + "), AS OF @SEQ:" + (seq - 1) + " sees " + count(byTxAsOf, seq - 1, f.tx()));
        }
        for (var e : f.newLinesPerOrder().entrySet()) {
          long at = count(byOrderAsOf, seq, e.getKey());
          long before = count(byOrderAsOf, seq - 1, e.getKey());
          if (at != e.getValue() || before != 0) {
            problems.add("lines of order " + e.getKey() + " (index, AS OF): @SEQ:" + seq + " " + at + " (expected "
                + e.getValue() + "), @SEQ:" + (seq - 1) + " " + before + " (expected 0)");
          }
        }
      }
    }
  }

  private static long count(PreparedStatement ps, long seq, long value) throws SQLException {
    ps.setLong(1, seq);
    ps.setLong(2, value);
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String first(TreeSet<String> s) {
    List<String> out = new ArrayList<>();
    for (String x : s) {
      if (out.size() == 10) {
        out.add("… (" + s.size() + " in all)");
        break;
      }
      out.add(x);
    }
    return out.toString();
  }
}
