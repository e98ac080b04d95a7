package io.driftdb.sql.engine;

import io.driftdb.log.EventLog;
import io.driftdb.log.LocalLog;
import io.driftdb.log.LogConfig;
import io.driftdb.log.LogListener;
import io.driftdb.materializer.Materializer;
import io.driftdb.sql.EngineListener;
import io.driftdb.sql.EngineStats;
import io.driftdb.sql.SessionInfo;
import io.driftdb.sql.SqlEngine;
import io.driftdb.sql.SqlSession;
import io.driftdb.sql.plan.CompiledQuery;
import io.driftdb.sql.plan.DriftSchemas;
import io.driftdb.sql.plan.QueryPlanner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.calcite.schema.SchemaPlus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running DriftDB: the log, the materialized state rebuilt from it, the sequencer and the
 * SQL planner with its caches. Sessions share it.
 */
public final class DriftEngine implements SqlEngine {
  private static final Logger LOG = LoggerFactory.getLogger(DriftEngine.class);
  private static final int PLAN_CACHE_SIZE = 2048;

  private final EngineConfig config;
  private final EventLog log;
  private final Materializer materializer = new Materializer();
  private final CommitPipeline pipeline;
  private final QueryPlanner planner = new QueryPlanner();
  private final AtomicInteger openSessions = new AtomicInteger();
  private final Map<String, CompiledQuery> planCache = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, CompiledQuery> eldest) {
      return size() > PLAN_CACHE_SIZE;
    }
  };
  private volatile SchemaSnapshot schema;

  private record SchemaSnapshot(long version, SchemaPlus root) {}

  private DriftEngine(EngineConfig config, EventLog log) {
    this.config = config;
    this.log = log;
    this.pipeline = new CommitPipeline(log, materializer, config.listener());
  }

  /** Opens (creating if needed) the database in {@code config.dataDir()} and replays its log. */
  public static DriftEngine open(EngineConfig config) {
    try {
      Files.createDirectories(config.logDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + config.logDir(), e);
    }
    EngineListener l = config.listener();
    LogListener logListener = stats -> l.logFlushed(stats.records(), stats.bytes(), stats.fsyncNanos());
    LocalLog log;
    try {
      log = LocalLog.open(LogConfig.builder(config.logDir())
          .fsyncPolicy(config.fsync())
          .compression(config.compression())
          .segmentBytes(config.segmentBytes())
          .listener(logListener)
          .build());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the log in " + config.logDir() + ": " + e.getMessage(), e);
    }
    DriftEngine engine = new DriftEngine(config, log);
    long t0 = System.nanoTime();
    long n;
    try {
      n = engine.materializer.catchUp(log);
    } catch (RuntimeException e) {
      closeQuietly(log);
      throw e;
    }
    LOG.info("opened {}: replayed {} transactions ({} row events) in {} ms, head SEQ {}", config.dataDir(), n,
        engine.materializer.rowEventsApplied(), (System.nanoTime() - t0) / 1_000_000, engine.materializer.appliedSeq());
    return engine;
  }

  private static void closeQuietly(EventLog log) {
    try {
      log.close();
    } catch (IOException e) {
      LOG.warn("closing log", e);
    }
  }

  public Materializer materializer() {
    return materializer;
  }

  public EventLog log() {
    return log;
  }

  CommitPipeline pipeline() {
    return pipeline;
  }

  QueryPlanner planner() {
    return planner;
  }

  EngineConfig config() {
    return config;
  }

  /** The Calcite schema for the current catalog version (rebuilt after DDL). */
  SchemaPlus schema() {
    long v = materializer.schemaVersion();
    SchemaSnapshot s = schema;
    if (s == null || s.version() != v) {
      synchronized (this) {
        s = schema;
        if (s == null || s.version() != v) {
          s = new SchemaSnapshot(v, DriftSchemas.build(materializer));
          schema = s;
        }
      }
    }
    return s.root();
  }

  /** A cached plan for {@code sql} under the current catalog version, compiled on a miss. */
  CompiledQuery plan(String key, Supplier<CompiledQuery> compile) {
    String k = materializer.schemaVersion() + "\u0000" + key;
    synchronized (planCache) {
      CompiledQuery q = planCache.get(k);
      if (q != null) {
        return q;
      }
    }
    CompiledQuery q = compile.get();
    synchronized (planCache) {
      planCache.put(k, q);
    }
    return q;
  }

  @Override
  public SqlSession openSession(SessionInfo info) {
    openSessions.incrementAndGet();
    return new DriftSession(this, info, openSessions::decrementAndGet);
  }

  @Override
  public EngineStats stats() {
    int segments = log instanceof LocalLog l ? l.segmentCount() : 0;
    return new EngineStats(log.headSeq(), materializer.appliedSeq(), segments, openSessions.get());
  }

  @Override
  public boolean isWritable() {
    return log.isWritable();
  }

  EngineListener listener() {
    return config.listener();
  }

  @Override
  public void close() {
    closeQuietly(log);
  }
}
