package io.driftdb.server.metrics;

import io.driftdb.sql.EngineListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Turns the engine's callbacks into Micrometer meters: statements by kind and outcome, their
 * latency, commits, aborts, and what the log wrote and how long its fsyncs took. Every value
 * is measured where the work happens; nothing is estimated.
 */
public final class EngineMetrics implements EngineListener {
  /** Kinds are command verbs, a small set; the cap guards the registry against a surprise. */
  static final int MAX_KINDS = 64;
  static final String OTHER_KIND = "OTHER";

  private final MeterRegistry registry;
  private final Map<String, Counter> okStatements = new ConcurrentHashMap<>();
  private final Map<String, Counter> failedStatements = new ConcurrentHashMap<>();
  private final Map<String, Timer> latencies = new ConcurrentHashMap<>();
  private final Counter commits;
  private final Counter aborts;
  private final Counter recordsAppended;
  private final Counter bytesAppended;
  private final Timer fsyncs;

  public EngineMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.commits = Counter.builder("driftdb.commits")
        .description("Transactions committed (durable under the fsync policy)").register(registry);
    this.aborts = Counter.builder("driftdb.aborts")
        .description("Transactions that ended without committing (rollback, conflict, error)").register(registry);
    this.recordsAppended = Counter.builder("driftdb.log.appended.records")
        .description("Transaction records the log made durable").register(registry);
    this.bytesAppended = Counter.builder("driftdb.log.appended").baseUnit("bytes")
        .description("Bytes the log made durable").register(registry);
    this.fsyncs = Timer.builder("driftdb.log.fsync.duration")
        .description("Time of each log fsync (one per group commit)")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(10_000))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
  }

  @Override
  public void statementFinished(String kind, long nanos, boolean ok) {
    String k = kindTag(kind);
    Map<String, Counter> counters = ok ? okStatements : failedStatements;
    counters.computeIfAbsent(k, x -> Counter.builder("driftdb.statements")
        .description("Statements run, by command kind and outcome")
        .tag("kind", x).tag("outcome", ok ? "ok" : "error")
        .register(registry)).increment();
    latencies.computeIfAbsent(k, x -> Timer.builder("driftdb.statement.duration")
        .description("Statement execution time in the engine, by command kind")
        .tag("kind", x)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(20_000))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
  }

  private String kindTag(String kind) {
    String k = kind == null || kind.isBlank() ? OTHER_KIND : kind.trim().toUpperCase(Locale.ROOT);
    if (!latencies.containsKey(k) && latencies.size() >= MAX_KINDS) {
      return OTHER_KIND;
    }
    return k;
  }

  @Override
  public void committed() {
    commits.increment();
  }

  @Override
  public void aborted() {
    aborts.increment();
  }

  @Override
  public void logFlushed(int records, long bytes, long fsyncNanos) {
    recordsAppended.increment(records);
    bytesAppended.increment(bytes);
    // With fsync=none (or between interval fsyncs) a flush has no fsync to time.
    if (fsyncNanos > 0) {
      fsyncs.record(fsyncNanos, TimeUnit.NANOSECONDS);
    }
  }
}
