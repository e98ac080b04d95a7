package io.driftdb.bench.query;

import io.driftdb.sql.SessionInfo;
import io.driftdb.sql.SqlSession;
import io.driftdb.sql.engine.DriftEngine;
import io.driftdb.sql.engine.EngineConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 3e: in-process query latency on a table of {@code rows} rows with 5 versions each
 * (one INSERT and four UPDATE rounds), on the current state and AS OF the SEQ right after the
 * inserts (every row at its first version). Statements go through a real session: cached
 * plans, the temporal rewrite, pushed-down key lookups.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx12g", "-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TemporalQueryBench {
  @Param({"1000000"})
  public int rows;

  private Path dir;
  private DriftEngine engine;
  private SqlSession session;
  private long oldSeq;

  @Setup(Level.Trial)
  public void load() throws IOException {
    dir = Files.createTempDirectory("driftdb-bench");
    engine = DriftEngine.open(EngineConfig.of(dir).withFsync("none"));
    session = engine.openSession(SessionInfo.local("bench"));
    session.execute("CREATE TABLE acct (id BIGINT PRIMARY KEY, grp INTEGER, v INTEGER, note TEXT)", List.of());
    long t0 = System.nanoTime();
    int chunk = 1000;
    for (int base = 0; base < rows; base += chunk) {
      StringBuilder sql = new StringBuilder("INSERT INTO acct VALUES ");
      for (int i = base; i < Math.min(rows, base + chunk); i++) {
        sql.append(i == base ? "" : ",").append('(').append(i).append(',').append(i % 100).append(",0,'n")
            .append(i % 1000).append("')");
      }
      session.execute(sql.toString(), List.of());
    }
    oldSeq = engine.materializer().appliedSeq();
    for (int round = 1; round <= 4; round++) {
      int step = 20_000;
      for (int base = 0; base < rows; base += step) {
        session.execute("UPDATE acct SET v = v + 1 WHERE id >= $1 AND id < $2", List.of((long) base, (long) base + step));
      }
    }
    System.out.printf("%nloaded %d rows x 5 versions in %.1f s; old SEQ %d, head SEQ %d%n", rows,
        (System.nanoTime() - t0) / 1e9, oldSeq, engine.materializer().appliedSeq());
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    session.close();
    engine.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private long randomId() {
    return ThreadLocalRandom.current().nextLong(rows);
  }

  @Benchmark
  public Object pkLookupCurrent() {
    return session.execute("SELECT * FROM acct WHERE id = $1", List.of(randomId())).rows();
  }

  @Benchmark
  public Object pkLookupAsOfOldSeq() {
    return session.execute("SELECT * FROM acct FOR SYSTEM_TIME AS OF @SEQ:$1 WHERE id = $2",
        List.of(oldSeq, randomId())).rows();
  }

  @Benchmark
  public Object rangeFilterCurrent() {
    long lo = randomId();
    return session.execute("SELECT count(*), sum(v) FROM acct WHERE id BETWEEN $1 AND $2", List.of(lo, lo + 1000)).rows();
  }

  @Benchmark
  public Object rangeFilterAsOfOldSeq() {
    long lo = randomId();
    return session.execute("SELECT count(*), sum(v) FROM acct FOR SYSTEM_TIME AS OF @SEQ:$1 WHERE id BETWEEN $2 AND $3",
        List.of(oldSeq, lo, lo + 1000)).rows();
  }

  @Benchmark
  @Warmup(iterations = 2, time = 5)
  @Measurement(iterations = 3, time = 5)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Object fullScanGroupByCurrent() {
    return session.execute("SELECT grp, count(*), sum(v) FROM acct GROUP BY grp", List.of()).rows();
  }

  @Benchmark
  @Warmup(iterations = 2, time = 5)
  @Measurement(iterations = 3, time = 5)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Object fullScanGroupByAsOfOldSeq() {
    return session.execute("SELECT grp, count(*), sum(v) FROM acct FOR SYSTEM_TIME AS OF @SEQ:$1 GROUP BY grp",
        List.of(oldSeq)).rows();
  }
}
