package io.driftdb.server.crash;

import io.driftdb.server.crash.TxModel.BumpTally;
import io.driftdb.server.crash.TxModel.DeleteOrder;
import io.driftdb.server.crash.TxModel.FinishOrder;
import io.driftdb.server.crash.TxModel.InsertLine;
import io.driftdb.server.crash.TxModel.InsertOrder;
import io.driftdb.server.crash.TxModel.Op;
import io.driftdb.server.crash.TxModel.Plan;
import io.driftdb.server.crash.TxModel.ThreadModel;
import io.driftdb.server.crash.TxModel.TouchOrder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client thread: runs the thread's planned transactions (BEGIN; statements; COMMIT) on its
 * own pgJDBC connection until the server dies, and records each outcome in the model:
 * acknowledged (COMMIT returned: applied to the model with the SEQ from last_commit_seq()),
 * certainly not committed (the connection failed before COMMIT was sent, or the server refused
 * it), or unknown (the connection failed while COMMIT was in flight).
 */
final class TxClient implements Runnable {
  private final ThreadModel model;
  private final Connection c;
  private final long seed;
  private final AtomicBoolean killing;
  private final List<String> problems;
  volatile int acked;
  private final CountDownLatch firstAck;

  TxClient(ThreadModel model, Connection c, long seed, AtomicBoolean killing, List<String> problems,
           CountDownLatch firstAck) {
    this.firstAck = firstAck;
    this.model = model;
    this.c = c;
    this.seed = seed;
    this.killing = killing;
    this.problems = problems;
  }

  @Override
  public void run() {
    try (Statement st = c.createStatement();
         PreparedStatement insOrder = c.prepareStatement(
             "INSERT INTO orders (id, tx, wtx, amount, note) VALUES (?, ?, ?, ?, ?)");
         PreparedStatement insLine = c.prepareStatement(
             "INSERT INTO lines (id, tx, wtx, order_id, qty) VALUES (?, ?, ?, ?, ?)");
         PreparedStatement finish = c.prepareStatement("UPDATE orders SET amount = amount + 1, note = ? WHERE id = ?");
         PreparedStatement touch = c.prepareStatement(
             "UPDATE orders SET amount = amount + 1000, wtx = ?, note = ? WHERE id = ?");
         PreparedStatement delLines = c.prepareStatement("DELETE FROM lines WHERE order_id = ?");
         PreparedStatement delOrder = c.prepareStatement("DELETE FROM orders WHERE id = ?");
         PreparedStatement bump = c.prepareStatement("UPDATE tally SET wtx = ?, cnt = cnt + 1 WHERE k = ?");
         PreparedStatement lastSeq = c.prepareStatement("SELECT last_commit_seq()")) {
      long previousSeq = -1;
      while (true) {
        Plan p = model.plan(seed);
        boolean commitSent = false;
        try {
          st.execute("BEGIN");
          for (Op op : p.ops) {
            String bad = run(op, insOrder, insLine, finish, touch, delLines, delOrder, bump);
            if (bad != null) {
              problems.add("thread " + model.thread + ", tx " + p.tx + ": " + bad + " (plan " + p + ")");
              st.execute("ROLLBACK");
              model.notCommitted.add(p.tx);
              return;
            }
          }
          commitSent = true;
          st.execute("COMMIT");
        } catch (SQLException e) {
          if (commitSent && "40001".equals(e.getSQLState())) {
            // Refused by validation before it got a SEQ: certainly not committed.
            model.notCommitted.add(p.tx);
            continue;
          }
          if (killing.get()) {
            if (commitSent) {
              model.unknown = p;
            } else {
              model.notCommitted.add(p.tx);
            }
            return;
          }
          problems.add("thread " + model.thread + ", tx " + p.tx + ": unexpected error before the kill: " + e
              + " [" + e.getSQLState() + "]");
          model.unknown = commitSent ? p : null;
          if (!commitSent) {
            model.notCommitted.add(p.tx);
          }
          return;
        }
        // Acknowledged: COMMIT returned, so the transaction must survive any crash from now on.
        long seq = -1;
        try (ResultSet rs = lastSeq.executeQuery()) {
          rs.next();
          seq = rs.getLong(1);
        } catch (SQLException e) {
          model.commit(p, -1);
          acked++;
          if (!killing.get()) {
            problems.add("thread " + model.thread + ": last_commit_seq() failed: " + e);
          }
          return;
        }
        model.commit(p, seq);
        acked++;
        signalFirstAck();
        if (seq <= previousSeq) {
          problems.add("thread " + model.thread + ", tx " + p.tx + ": last_commit_seq() " + seq
              + " after COMMIT is not above the previous one " + previousSeq + " (did COMMIT really commit?)");
          return;
        }
        previousSeq = seq;
      }
    } catch (SQLException e) {
      if (!killing.get()) {
        problems.add("thread " + model.thread + ": " + e);
      }
    } catch (RuntimeException e) {
      problems.add("thread " + model.thread + ": " + e);
    } finally {
      signalFirstAck(); // never keep the test waiting for a thread that stopped
    }
  }

  private boolean signalled;

  private void signalFirstAck() {
    if (!signalled) {
      signalled = true;
      firstAck.countDown();
    }
  }

  /** Runs one op; returns a description of a wrong row count, or null. */
  private static String run(Op op, PreparedStatement insOrder, PreparedStatement insLine, PreparedStatement finish,
                            PreparedStatement touch, PreparedStatement delLines, PreparedStatement delOrder,
                            PreparedStatement bump) throws SQLException {
    if (op instanceof InsertOrder x) {
      insOrder.setLong(1, x.o().id());
      insOrder.setLong(2, x.o().tx());
      insOrder.setLong(3, x.o().wtx());
      insOrder.setLong(4, x.o().amount());
      insOrder.setString(5, x.o().note());
      return expect("INSERT order " + x.o().id(), insOrder.executeUpdate(), 1);
    }
    if (op instanceof InsertLine x) {
      insLine.setLong(1, x.l().id());
      insLine.setLong(2, x.l().tx());
      insLine.setLong(3, x.l().wtx());
      insLine.setLong(4, x.l().orderId());
      insLine.setInt(5, x.l().qty());
      return expect("INSERT line " + x.l().id(), insLine.executeUpdate(), 1);
    }
    if (op instanceof FinishOrder x) {
      finish.setString(1, x.note());
      finish.setLong(2, x.id());
      return expect("UPDATE own order " + x.id(), finish.executeUpdate(), 1);
    }
    if (op instanceof TouchOrder x) {
      touch.setLong(1, x.tx());
      touch.setString(2, x.note());
      touch.setLong(3, x.id());
      String bad = expect("UPDATE old order " + x.id(), touch.executeUpdate(), 1);
      if (bad != null) {
        return bad;
      }
      delLines.setLong(1, x.id());
      return expect("DELETE lines of order " + x.id(), delLines.executeUpdate(), x.linesDeleted());
    }
    if (op instanceof DeleteOrder x) {
      delLines.setLong(1, x.id());
      String bad = expect("DELETE lines of order " + x.id(), delLines.executeUpdate(), x.linesDeleted());
      if (bad != null) {
        return bad;
      }
      delOrder.setLong(1, x.id());
      return expect("DELETE order " + x.id(), delOrder.executeUpdate(), 1);
    }
    BumpTally x = (BumpTally) op;
    bump.setLong(1, x.tx());
    bump.setInt(2, x.k());
    return expect("UPDATE tally " + x.k(), bump.executeUpdate(), 1);
  }

  private static String expect(String what, int actual, int expected) {
    return actual == expected ? null : what + " affected " + actual + " rows, expected " + expected;
  }
}
