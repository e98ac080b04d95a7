package io.driftdb.server.crash;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The crash test's transactions and the model of what the database must hold.
 *
 * <p>Each client thread {@code t} runs transactions with ids {@code t * TX_SPAN + k}
 * (k = 1, 2, …). Everything a transaction writes is derived from the seed and its id, and
 * every row image it writes carries its id in the column {@code wtx}, so any row version can be
 * traced to exactly one transaction. A transaction:
 * <ul>
 *   <li>inserts 1–3 {@code orders} (ids {@code tx*10+i}) and 0–3 {@code lines} for them,</li>
 *   <li>updates its own new orders (read-your-writes inside the transaction),</li>
 *   <li>sometimes updates an older order of the same thread and deletes that order's lines
 *       (through the secondary index on {@code lines.order_id}),</li>
 *   <li>sometimes deletes an older order and its lines,</li>
 *   <li>always bumps the thread's row in {@code tally} (wtx = tx, cnt + 1).</li>
 * </ul>
 * Threads only touch rows their own thread created, so there are no write conflicts and the
 * state of a thread's rows is a pure function of which of its transactions committed.
 */
final class TxModel {
  static final long TX_SPAN = 1_000_000_000L;

  static final List<String> SCHEMA = List.of(
      "CREATE TABLE orders (id BIGINT PRIMARY KEY, tx BIGINT NOT NULL, wtx BIGINT NOT NULL, amount BIGINT,"
          + " note VARCHAR)",
      "CREATE TABLE lines (id BIGINT PRIMARY KEY, tx BIGINT NOT NULL, wtx BIGINT NOT NULL, order_id BIGINT,"
          + " qty INT)",
      "CREATE INDEX ON lines (order_id)",
      "CREATE TABLE tally (k INT PRIMARY KEY, wtx BIGINT NOT NULL, cnt BIGINT NOT NULL)");

  record Order(long id, long tx, long wtx, long amount, String note) {
    String text() {
      return "o:" + id + ":" + tx + ":" + wtx + ":" + amount + ":" + note;
    }
  }

  record Line(long id, long tx, long wtx, long orderId, int qty) {
    String text() {
      return "l:" + id + ":" + tx + ":" + wtx + ":" + orderId + ":" + qty;
    }
  }

  /** One statement (or a pair) of a transaction, with the row counts the model expects. */
  sealed interface Op permits InsertOrder, InsertLine, FinishOrder, TouchOrder, DeleteOrder, BumpTally {}

  /** INSERT INTO orders. */
  record InsertOrder(Order o) implements Op {}

  /** INSERT INTO lines. */
  record InsertLine(Line l) implements Op {}

  /** UPDATE orders SET amount = amount + 1, note = ? WHERE id = ? (an order of this transaction). */
  record FinishOrder(long id, String note) implements Op {}

  /** UPDATE an older order (amount + 1000, wtx, note), then DELETE FROM lines WHERE order_id = it. */
  record TouchOrder(long id, long tx, String note, int linesDeleted) implements Op {}

  /** DELETE FROM lines WHERE order_id = ?, then DELETE FROM orders WHERE id = ?. */
  record DeleteOrder(long id, int linesDeleted) implements Op {}

  /** UPDATE tally SET wtx = ?, cnt = cnt + 1 WHERE k = ?. */
  record BumpTally(int k, long tx) implements Op {}

  /** What a committed transaction left in the log: the keys it wrote (non-delete versions) and deleted. */
  record Facts(long tx, int thread, Set<String> versions, Set<String> deletes, Map<Long, Integer> newLinesPerOrder,
               long ackSeq) {}

  /** A planned transaction and its net effect on its thread's rows. */
  static final class Plan {
    final long tx;
    final int thread;
    final List<Op> ops = new ArrayList<>();
    /** Net row changes, in key order of first write; null = deleted. */
    final Map<Long, Order> orders = new LinkedHashMap<>();
    final Map<Long, Line> lines = new LinkedHashMap<>();
    final Map<Long, Integer> newLinesPerOrder = new LinkedHashMap<>();
    long tallyWtx;
    long tallyCnt;
    Set<String> versions;
    Set<String> deletes;

    Plan(long tx, int thread) {
      this.tx = tx;
      this.thread = thread;
    }

    @Override
    public String toString() {
      return "tx " + tx + " " + ops;
    }
  }

  /** The rows of one client thread, as its committed transactions left them. */
  static final class ThreadModel {
    final int thread;
    private long nextK = 1;
    final TreeMap<Long, Order> orders = new TreeMap<>();
    final TreeMap<Long, Line> lines = new TreeMap<>();
    private final Map<Long, TreeSet<Long>> linesByOrder = new HashMap<>();
    long tallyWtx = -1;
    long tallyCnt;
    /** Committed transactions in commit order (= k order: a thread runs one at a time). */
    final LinkedHashMap<Long, Facts> committed = new LinkedHashMap<>();
    /** Transactions that certainly did not commit (failed before COMMIT was sent, or refused). */
    final List<Long> notCommitted = new ArrayList<>();
    /** The transaction whose COMMIT was in flight when the connection dropped, if any. */
    Plan unknown;

    ThreadModel(int thread) {
      this.thread = thread;
    }

    Plan plan(long seed) {
      long tx = thread * TX_SPAN + nextK++;
      SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ tx * 0xC2B2AE3D27D4EB4FL);
      Plan p = new Plan(tx, thread);
      int nOrders = 1 + r.nextInt(3);
      for (int i = 0; i < nOrders; i++) {
        Order o = new Order(tx * 10 + i, tx, tx, r.nextInt(1000), "new");
        p.ops.add(new InsertOrder(o));
        p.orders.put(o.id(), o);
      }
      int nLines = r.nextInt(4);
      for (int j = 0; j < nLines; j++) {
        Line l = new Line(tx * 10 + j, tx, tx, tx * 10 + j % nOrders, 1 + r.nextInt(99));
        p.ops.add(new InsertLine(l));
        p.lines.put(l.id(), l);
        p.newLinesPerOrder.merge(l.orderId(), 1, Integer::sum);
      }
      for (int i = 0; i < nOrders; i++) {
        Order o = p.orders.get(tx * 10 + i);
        String note = "T" + tx;
        p.ops.add(new FinishOrder(o.id(), note));
        p.orders.put(o.id(), new Order(o.id(), tx, tx, o.amount() + 1, note));
      }
      if (!orders.isEmpty() && r.nextInt(10) < 4) {
        long id = pickOld(r);
        Order o = orderIn(p, id);
        Set<Long> ls = linesIn(p, id);
        String note = "U" + tx;
        p.ops.add(new TouchOrder(id, tx, note, ls.size()));
        p.orders.put(id, new Order(id, o.tx(), tx, o.amount() + 1000, note));
        ls.forEach(l -> p.lines.put(l, null));
      }
      if (!orders.isEmpty() && r.nextInt(10) < 2) {
        long id = pickOld(r);
        Set<Long> ls = linesIn(p, id);
        p.ops.add(new DeleteOrder(id, ls.size()));
        ls.forEach(l -> p.lines.put(l, null));
        p.orders.put(id, null);
      }
      p.ops.add(new BumpTally(thread, tx));
      p.tallyWtx = tx;
      p.tallyCnt = tallyCnt + 1;
      p.versions = new LinkedHashSet<>();
      p.deletes = new LinkedHashSet<>();
      p.orders.forEach((id, o) -> {
        if (o != null) {
          p.versions.add("o:" + id);
        } else if (orders.containsKey(id)) {
          p.deletes.add("o:" + id);
        }
      });
      p.lines.forEach((id, l) -> {
        if (l != null) {
          p.versions.add("l:" + id);
        } else if (lines.containsKey(id)) {
          p.deletes.add("l:" + id);
        }
      });
      p.versions.add("t:" + thread);
      return p;
    }

    /** An older order of this thread, chosen by {@code r} (deterministic for a given state). */
    private long pickOld(SplittableRandom r) {
      long lo = orders.firstKey();
      long hi = orders.lastKey();
      return orders.ceilingKey(lo + r.nextLong(hi - lo + 1));
    }

    private Order orderIn(Plan p, long id) {
      return p.orders.containsKey(id) ? p.orders.get(id) : orders.get(id);
    }

    /** Lines of order {@code id} as the transaction sees them after its own earlier writes. */
    private Set<Long> linesIn(Plan p, long id) {
      Set<Long> out = new TreeSet<>(linesByOrder.getOrDefault(id, new TreeSet<>()));
      out.removeIf(l -> p.lines.containsKey(l) && p.lines.get(l) == null);
      p.lines.forEach((lid, l) -> {
        if (l != null && l.orderId() == id) {
          out.add(lid);
        }
      });
      return out;
    }

    /** Applies a committed transaction ({@code ackSeq} = SEQ the client saw, -1 if none). */
    void commit(Plan p, long ackSeq) {
      p.orders.forEach((id, o) -> {
        if (o == null) {
          orders.remove(id);
        } else {
          orders.put(id, o);
        }
      });
      p.lines.forEach((id, l) -> {
        if (l == null) {
          Line old = lines.remove(id);
          if (old != null) {
            TreeSet<Long> s = linesByOrder.get(old.orderId());
            s.remove(id);
            if (s.isEmpty()) {
              linesByOrder.remove(old.orderId());
            }
          }
        } else {
          lines.put(id, l);
          linesByOrder.computeIfAbsent(l.orderId(), x -> new TreeSet<>()).add(id);
        }
      });
      tallyWtx = p.tallyWtx;
      tallyCnt = p.tallyCnt;
      committed.put(p.tx, new Facts(p.tx, thread, p.versions, p.deletes, Map.copyOf(p.newLinesPerOrder), ackSeq));
    }

    Set<Long> linesOf(long orderId) {
      return linesByOrder.getOrDefault(orderId, new TreeSet<>());
    }

    /** The thread's rows as text, sorted. */
    TreeSet<String> state() {
      TreeSet<String> s = new TreeSet<>();
      orders.values().forEach(o -> s.add(o.text()));
      lines.values().forEach(l -> s.add(l.text()));
      s.add("t:" + thread + ":" + tallyWtx + ":" + tallyCnt);
      return s;
    }
  }

  static int threadOfTx(long tx) {
    return (int) (tx / TX_SPAN);
  }
}
