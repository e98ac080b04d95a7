package io.driftdb.bench.query;

import io.driftdb.sql.SessionInfo;
import io.driftdb.sql.SqlSession;
import io.driftdb.sql.engine.DriftEngine;
import io.driftdb.sql.engine.EngineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Issue 3e in one JVM (JMH would reload the table for every benchmark in a new fork): loads
 * {@code rows} rows with 5 versions each, then times each query after a warm-up and prints
 * mean, p50 and p99 per query plus the AS OF / current ratios. Usage:
 * {@code java -Xmx12g -cp ... io.driftdb.bench.query.TemporalQueryDriver [rows]}.
 */
public final class TemporalQueryDriver {
  private TemporalQueryDriver() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path dir = Files.createTempDirectory("driftdb-bench");
    try (DriftEngine engine = DriftEngine.open(EngineConfig.of(dir).withFsync("none"));
         SqlSession s = engine.openSession(SessionInfo.local("bench"))) {
      long t0 = System.nanoTime();
      s.execute("CREATE TABLE acct (id BIGINT PRIMARY KEY, grp INTEGER, v INTEGER, note TEXT)", List.of());
      for (int base = 0; base < rows; base += 1000) {
        StringBuilder sql = new StringBuilder("INSERT INTO acct VALUES ");
        for (int i = base; i < Math.min(rows, base + 1000); i++) {
          sql.append(i == base ? "" : ",").append('(').append(i).append(',').append(i % 100).append(",0,'n")
              .append(i % 1000).append("')");
        }
        s.execute(sql.toString(), List.of());
      }
      long oldSeq = engine.materializer().appliedSeq();
      for (int round = 1; round <= 4; round++) {
        for (long base = 0; base < rows; base += 20_000) {
          s.execute("UPDATE acct SET v = v + 1 WHERE id >= $1 AND id < $2", List.of(base, base + 20_000));
        }
      }
      System.out.printf(Locale.ROOT, "loaded %d rows x 5 versions (%d row versions) in %.1f s; old SEQ %d, head SEQ %d%n",
          rows, engine.materializer().rowEventsApplied(), (System.nanoTime() - t0) / 1e9, oldSeq,
          engine.materializer().appliedSeq());
      ThreadLocalRandom r = ThreadLocalRandom.current();
      double pkNow = time("pk lookup, current", 20000, () -> s.execute("SELECT * FROM acct WHERE id = $1",
          List.of(r.nextLong(rows))));
      double pkOld = time("pk lookup, AS OF old SEQ", 20000, () -> s.execute(
          "SELECT * FROM acct FOR SYSTEM_TIME AS OF @SEQ:$1 WHERE id = $2", List.of(oldSeq, r.nextLong(rows))));
      double rangeNow = time("range 1000 rows, current", 2000, () -> {
        long lo = r.nextLong(rows);
        return s.execute("SELECT count(*), sum(v) FROM acct WHERE id BETWEEN $1 AND $2", List.of(lo, lo + 999));
      });
      double rangeOld = time("range 1000 rows, AS OF old SEQ", 2000, () -> {
        long lo = r.nextLong(rows);
        return s.execute("SELECT count(*), sum(v) FROM acct FOR SYSTEM_TIME AS OF @SEQ:$1 WHERE id BETWEEN $2 AND $3",
            List.of(oldSeq, lo, lo + 999));
      });
      double scanNow = time("full-scan GROUP BY, current", 8, () ->
          s.execute("SELECT grp, count(*), sum(v) FROM acct GROUP BY grp", List.of()));
      double scanOld = time("full-scan GROUP BY, AS OF old SEQ", 8, () ->
          s.execute("SELECT grp, count(*), sum(v) FROM acct FOR SYSTEM_TIME AS OF @SEQ:$1 GROUP BY grp", List.of(oldSeq)));
      System.out.printf(Locale.ROOT, "ratios AS OF old / current: pk %.2f, range %.2f, scan %.2f%n",
          pkOld / pkNow, rangeOld / rangeNow, scanOld / scanNow);
    }
  }

  /** Runs {@code op} n/4 times to warm up, then n times; prints and returns the mean in microseconds. */
  private static double time(String name, int n, Supplier<Object> op) {
    for (int i = 0; i < Math.max(2, n / 4); i++) {
      op.get();
    }
    long[] t = new long[n];
    for (int i = 0; i < n; i++) {
      long a = System.nanoTime();
      op.get();
      t[i] = System.nanoTime() - a;
    }
    Arrays.sort(t);
    double mean = Arrays.stream(t).average().orElse(0) / 1000.0;
    System.out.printf(Locale.ROOT, "%-36s mean %10.1f us   p50 %10.1f us   p99 %10.1f us   (n=%d)%n", name, mean,
        t[n / 2] / 1000.0, t[(int) (n * 0.99)] / 1000.0, n);
    return mean;
  }
}
