package io.driftdb.server.crash;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The history-deleting load of the VACUUM variant, on its own table {@code hist} (the model
 * tables keep their whole history): counters bumped one acknowledged UPDATE at a time, a
 * DELETE HISTORY now and then, and {@code history_retention = '0 seconds'} so that every
 * VACUUM also deletes what history there is and strips it from snapshots and the log. After
 * each restart every counter must equal its acknowledged bumps (plus one if the kill hit a
 * bump in flight): deleting history never loses a current row or an acknowledged write.
 */
final class HistoryClient implements Runnable {
  static final int KEYS = 8;
  static final List<String> SCHEMA = schema();

  /** Acknowledged bumps per key, carried from round to round. */
  private final long[] acked;
  private final Connection c;
  private final SplittableRandom rnd;
  private final AtomicBoolean killing;
  private final List<String> problems;
  /** Key of the bump in flight when the server died, or -1. */
  volatile int inFlight = -1;
  volatile int deletions;

  HistoryClient(long[] acked, Connection c, SplittableRandom rnd, AtomicBoolean killing, List<String> problems) {
    this.acked = acked;
    this.c = c;
    this.rnd = rnd;
    this.killing = killing;
    this.problems = problems;
  }

  private static List<String> schema() {
    List<String> out = new ArrayList<>();
    out.add("CREATE TABLE hist (k INT PRIMARY KEY, n BIGINT NOT NULL)");
    for (int k = 0; k < KEYS; k++) {
      out.add("INSERT INTO hist VALUES (" + k + ", 0)");
    }
    out.add("ALTER TABLE hist SET (history_retention = '0 seconds')");
    return out;
  }

  @Override
  public void run() {
    try (Statement st = c.createStatement();
         PreparedStatement bump = c.prepareStatement("UPDATE hist SET n = n + 1 WHERE k = ?")) {
      while (true) {
        if (rnd.nextInt(12) == 0) {
          String sql = rnd.nextBoolean() ? "DELETE HISTORY FROM hist BEFORE SYSTEM_TIME now()" : "DELETE HISTORY FROM hist";
          try {
            st.execute(sql);
            deletions++;
          } catch (SQLException e) {
            if ("40001".equals(e.getSQLState()) && !killing.get()) {
              continue; // lost to VACUUM's own retention deletion: a client retries
            }
            if (!killing.get()) {
              problems.add(sql + " failed: " + e + " [" + e.getSQLState() + "]");
            }
            return;
          }
          continue;
        }
        int k = rnd.nextInt(KEYS);
        bump.setInt(1, k);
        inFlight = k;
        try {
          bump.executeUpdate();
        } catch (SQLException e) {
          if (!killing.get()) {
            problems.add("hist bump failed: " + e + " [" + e.getSQLState() + "]");
            inFlight = -1;
          }
          return;
        }
        acked[k]++;
        inFlight = -1;
      }
    } catch (SQLException e) {
      if (!killing.get()) {
        problems.add("hist connection: " + e);
      }
    }
  }

  /**
   * After a restart: every counter equals its acknowledged bumps (one more for the bump in
   * flight at the kill, if it committed); adopts what is there for the next round.
   */
  static void check(Connection c, long[] acked, int inFlight, List<String> problems) throws SQLException {
    long[] found = new long[KEYS];
    int rows = 0;
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT k, n FROM hist ORDER BY k")) {
      while (rs.next()) {
        found[rs.getInt(1)] = rs.getLong(2);
        rows++;
      }
    }
    if (rows != KEYS) {
      problems.add("hist holds " + rows + " rows instead of " + KEYS);
    }
    for (int k = 0; k < KEYS; k++) {
      long extra = found[k] - acked[k];
      if (extra != 0 && !(extra == 1 && k == inFlight)) {
        problems.add("hist key " + k + ": " + found[k] + " bumps, " + acked[k] + " acknowledged"
            + (k == inFlight ? " (one in flight)" : ""));
      }
      acked[k] = found[k];
    }
  }
}
