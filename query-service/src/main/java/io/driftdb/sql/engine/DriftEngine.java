package io.driftdb.sql.engine;

import io.driftdb.log.CompactionReport;
import io.driftdb.log.DirectoryLock;
import io.driftdb.log.EventLog;
import io.driftdb.log.LocalLog;
import io.driftdb.log.LogConfig;
import io.driftdb.log.LogListener;
import io.driftdb.log.RecordRewriter;
import io.driftdb.log.cluster.KafkaLogAddress;
import io.driftdb.log.cluster.KafkaTopicLog;
import io.driftdb.log.cluster.SharedLog;
import io.driftdb.materializer.DeletedHistoryRewriter;
import io.driftdb.materializer.Materializer;
import io.driftdb.materializer.SnapshotStore;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
  private final Materializer materializer;
  private final SnapshotStore snapshots;
  /** Cluster mode: the data directory's lock (a local log holds its own) and the thread applying the shared log. */
  private final DirectoryLock dataLock;
  private final SharedLogApplier applier;
  private Startup startup;

  /** How the engine came up: the SEQ of the snapshot it loaded (-1: none) and the transactions replayed after it. */
  public record Startup(long snapshotSeq, long replayed) {}
  private final Object snapshotLock = new Object();
  private final Object vacuumLock = new Object();
  /** The SEQ of the snapshot below which VACUUM last dropped deleted history from the log (-1: not since start). */
  private long strippedThrough = -1;
  private final java.util.concurrent.ScheduledExecutorService snapshotter;
  /** For {@link SnapshotPolicy}: where the snapshot chain (a full snapshot and its deltas) on disk stands. */
  private volatile SnapshotChain chain;
  private final SnapshotPolicy snapshotPolicy;
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
  private final Map<String, CachedStatement> statements = new java.util.concurrent.ConcurrentHashMap<>();

  /** A query statement text already planned: skips lexing and parsing on repeat executions. */
  record CachedStatement(CompiledQuery query, List<Integer> paramOrder, long schemaVersion) {}

  private final Map<String, DmlExecutor.InsertTemplate> inserts = new java.util.concurrent.ConcurrentHashMap<>();
  /** Plans being compiled, by cache key, and by which thread. */
  private record Compiling(Thread thread, CompletableFuture<CompiledQuery> plan) {}
  private final Map<String, Compiling> compiling = new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicLong planCompilations = new AtomicLong();
  private final Map<String, Long> unparameterizable = new java.util.concurrent.ConcurrentHashMap<>();

  DmlExecutor.InsertTemplate cachedInsert(String sql) {
    return inserts.get(sql);
  }

  void cacheInsert(String sql, DmlExecutor.InsertTemplate tpl) {
    if (inserts.size() > PLAN_CACHE_SIZE) {
      inserts.clear();
    }
    inserts.put(sql, tpl);
  }

  CachedStatement cachedStatement(String sql) {
    CachedStatement c = statements.get(sql);
    return c != null && c.schemaVersion() == materializer.schemaVersion() ? c : null;
  }

  void cacheStatement(String sql, CompiledQuery q, List<Integer> paramOrder, long schemaVersion) {
    if (statements.size() > PLAN_CACHE_SIZE) {
      statements.clear();
    }
    statements.put(sql, new CachedStatement(q, paramOrder, schemaVersion));
  }

  private record SchemaSnapshot(long version, SchemaPlus root) {}

  /**
   * The newest snapshot or delta this process wrote or loaded ({@code tipSeq}, -1: none), the
   * row events applied up to it, and the row versions of the full snapshot the chain starts
   * from and of the deltas after it.
   */
  private record SnapshotChain(long tipSeq, long tipRowEvents, long snapshotVersions, long deltaVersions) {
    static final SnapshotChain NONE = new SnapshotChain(-1, 0, 0, 0);

    static SnapshotChain of(SnapshotStore.Loaded l) {
      return new SnapshotChain(l.materializer().appliedSeq(), l.materializer().rowEventsApplied(),
          l.snapshotVersions(), l.deltaVersions());
    }
  }

  private DriftEngine(EngineConfig config, EventLog log, Materializer materializer, SnapshotStore snapshots,
                      DirectoryLock dataLock, SnapshotChain chain) {
    this.config = config;
    this.dataLock = dataLock;
    this.applier = log instanceof SharedLog shared ? new SharedLogApplier(shared, materializer) : null;
    this.log = log;
    this.materializer = materializer;
    this.snapshots = snapshots;
    this.chain = chain;
    this.snapshotPolicy = new SnapshotPolicy(config.snapshotEveryTransactions(), config.snapshotEveryRowEvents());
    this.pipeline = new CommitPipeline(log, materializer, config.listener(),
        applier == null ? () -> null : applier::failure);
    this.snapshotter = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "driftdb-snapshotter");
      t.setDaemon(true);
      t.setPriority(Thread.MIN_PRIORITY);
      return t;
    });
    snapshotter.scheduleWithFixedDelay(this::maybeSnapshot, 5, 5, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** The automatic policy ({@link SnapshotPolicy}): a delta, or a full snapshot when one is needed. */
  void maybeSnapshot() {
    try {
      SnapshotChain c = chain;
      long tailRowEvents = materializer.rowEventsApplied() - c.tipRowEvents();
      if (!snapshotPolicy.due(materializer.appliedSeq() - c.tipSeq(), tailRowEvents)) {
        return;
      }
      boolean historyDeleted = materializer.catalog().tables().stream().anyMatch(t -> t.lastPurgeSeq() > c.tipSeq());
      if (snapshotPolicy.full(c.tipSeq() >= 0, historyDeleted, c.snapshotVersions(),
          c.deltaVersions() + tailRowEvents)) {
        checkpoint();
      } else {
        writeDelta(c);
      }
      pruneSnapshots(2);
    } catch (IOException | RuntimeException e) {
      LOG.warn("automatic snapshot failed: {}", e.toString());
    }
  }

  private void writeDelta(SnapshotChain c) throws IOException {
    synchronized (snapshotLock) {
      if (chain != c) {
        return; // a CHECKPOINT came first
      }
      var written = snapshots.writeDelta(materializer, c.tipSeq());
      if (written.isEmpty()) {
        checkpoint(); // history was deleted meanwhile: a delta cannot say so
        return;
      }
      io.driftdb.materializer.SnapshotInfo info = written.get();
      chain = new SnapshotChain(info.seq(), c.tipRowEvents() + info.versions(), c.snapshotVersions(),
          c.deltaVersions() + info.versions());
      LOG.info("snapshot delta at SEQ {} (after SEQ {}): {} ({} bytes, {} row versions)", info.seq(), c.tipSeq(),
          info.file().getFileName(), info.bytes(), info.versions());
    }
  }

  /**
   * Waits until every transaction answered before its apply (a Kafka produce, see {@link
   * CommitPipeline#submitDurable}) is applied, so that what is read next includes it.
   */
  public void awaitAcknowledgedApplied() {
    pipeline.awaitAcknowledgedApplied();
  }

  /** Writes a snapshot of the whole state at the applied SEQ (CHECKPOINT). */
  public io.driftdb.materializer.SnapshotInfo checkpoint() throws IOException {
    synchronized (snapshotLock) {
      io.driftdb.materializer.SnapshotInfo info = snapshots.write(materializer);
      chain = new SnapshotChain(info.seq(), info.versions(), info.versions(), 0);
      LOG.info("snapshot at SEQ {}: {} ({} bytes, {} row versions)", info.seq(), info.file().getFileName(), info.bytes(),
          info.versions());
      return info;
    }
  }

  /**
   * Deletes all but the newest {@code keep} snapshots and leftover temporary files (VACUUM, the
   * automatic policy). Holds the snapshot lock: pruning deletes every {@code *.snap.tmp}, so it
   * must never run while a CHECKPOINT is writing one.
   */
  public List<java.nio.file.Path> pruneSnapshots(int keep) throws IOException {
    synchronized (snapshotLock) {
      return snapshots.prune(keep);
    }
  }

  /**
   * VACUUM's storage work, safe to interrupt at any moment: a snapshot at the applied SEQ
   * replaces every older one (fsynced), the active log segment is sealed, and the sealed
   * segments are merged and recompressed; row events of history deleted before the snapshot
   * are dropped from their records on the way. The order matters: a restart must never load a
   * snapshot older than a history deletion whose events are already gone from the log (see
   * {@link DeletedHistoryRewriter}).
   */
  public CompactionReport vacuum() throws IOException {
    synchronized (vacuumLock) {
      io.driftdb.materializer.SnapshotInfo snapshot = checkpoint();
      pruneSnapshots(1);
      if (!(log instanceof LocalLog local)) {
        return CompactionReport.NOTHING;
      }
      local.rollActiveSegment();
      long deletion = DeletedHistoryRewriter.lastHistoryDeletion(materializer);
      boolean anyHorizon = materializer.catalog().tables().stream().anyMatch(t -> t.historyHorizon() >= 0);
      boolean strip = anyHorizon && (strippedThrough < 0 || deletion > strippedThrough);
      CompactionReport r = local.compact(strip ? new DeletedHistoryRewriter(materializer, snapshot.seq())
          : RecordRewriter.NONE);
      if (strip) {
        strippedThrough = snapshot.seq();
      }
      LOG.info("VACUUM: snapshot at SEQ {}; {}", snapshot.seq(), r.describe());
      return r;
    }
  }

  public SnapshotStore snapshots() {
    return snapshots;
  }

  /**
   * Opens (creating if needed) the database in {@code config.dataDir()}: its log (local, or the
   * shared Kafka log in cluster mode), the newest valid snapshot and the log after it.
   */
  public static DriftEngine open(EngineConfig config) {
    EngineListener l = config.listener();
    LogListener logListener = stats -> l.logFlushed(stats.records(), stats.bytes(), stats.fsyncNanos());
    DirectoryLock dataLock = null;
    EventLog log;
    try {
      if (config.sharedLog() != null) {
        Files.createDirectories(config.dataDir());
        // The log is elsewhere; the lock still keeps two nodes off one snapshot directory.
        dataLock = DirectoryLock.acquire(config.dataDir());
        log = KafkaTopicLog.open(KafkaLogAddress.parse(config.sharedLog()), java.util.Map.of(), config.compression(),
            logListener);
      } else {
        Files.createDirectories(config.logDir());
        log = LocalLog.open(LogConfig.builder(config.logDir())
            .fsyncPolicy(config.fsync())
            .compression(config.compression())
            .segmentBytes(config.segmentBytes())
            .listener(logListener)
            .build());
      }
    } catch (IOException e) {
      closeQuietly(dataLock);
      String where = config.sharedLog() != null ? config.sharedLog() : config.logDir().toString();
      throw new UncheckedIOException("cannot open the log in " + where + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(dataLock);
      throw e;
    }
    long t0 = System.nanoTime();
    SnapshotStore snaps = new SnapshotStore(config.dataDir().resolve("snapshots"));
    Materializer m;
    SnapshotChain chain = SnapshotChain.NONE;
    try {
      var loaded = snaps.load(log.headSeq());
      m = loaded.map(SnapshotStore.Loaded::materializer).orElseGet(Materializer::new);
      chain = loaded.map(SnapshotChain::of).orElse(SnapshotChain.NONE);
    } catch (IOException e) {
      LOG.warn("cannot read snapshots, replaying the whole log: {}", e.toString());
      m = new Materializer();
    }
    long fromSnapshot = m.appliedSeq();
    long n;
    try {
      if (log instanceof SharedLog && log.startSeq() > m.appliedSeq() + 1) {
        // Retention or DeleteRecords removed records this node has not applied: starting from the
        // log's start would serve a state missing them (or fail on the gap with a riddle).
        throw new IllegalStateException("the shared log " + config.sharedLog() + " starts at SEQ " + log.startSeq()
            + " but this node's state ends at SEQ " + m.appliedSeq() + (fromSnapshot >= 0 ? " (its newest snapshot)"
            : " (no snapshot)") + ": the records in between are gone from the topic; start the node with a "
            + "snapshot at SEQ " + (log.startSeq() - 1) + " or later in its data directory");
      }
      n = m.catchUp(log);
    } catch (RuntimeException e) {
      closeQuietly(log);
      closeQuietly(dataLock);
      throw e;
    }
    DriftEngine engine = new DriftEngine(config, log, m, snaps, dataLock, chain);
    engine.startup = new Startup(fromSnapshot, n);
    if (fromSnapshot >= 0) {
      LOG.info("started from the snapshot at SEQ {}, replayed the {} transactions after it", fromSnapshot, n);
    }
    LOG.info("opened {}: replayed {} transactions ({} row events) in {} ms, head SEQ {}", config.dataDir(), n,
        engine.materializer.rowEventsApplied(), (System.nanoTime() - t0) / 1_000_000, engine.materializer.appliedSeq());
    return engine;
  }

  private static void closeQuietly(java.io.Closeable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException e) {
      LOG.warn("closing {}", c, e);
    }
  }

  public Startup startup() {
    return startup;
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

  /**
   * A cached plan for {@code sql} under the current catalog version, compiled on a miss.
   * Concurrent misses on the same key wait for one compilation rather than each running their
   * own (Calcite planning and Janino take tens of milliseconds), and get its plan or its error.
   */
  CompiledQuery plan(String key, Supplier<CompiledQuery> compile) {
    String k = materializer.schemaVersion() + "\u0000" + key;
    synchronized (planCache) {
      CompiledQuery q = planCache.get(k);
      if (q != null) {
        return q;
      }
    }
    Compiling mine = new Compiling(Thread.currentThread(), new CompletableFuture<>());
    Compiling running = compiling.putIfAbsent(k, mine);
    if (running != null && running.thread() == Thread.currentThread()) {
      planCompilations.incrementAndGet();
      return compile.get(); // a compilation that needs its own plan: no waiting on ourselves
    }
    if (running != null) {
      try {
        return running.plan().join();
      } catch (CompletionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException r) {
          throw r;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw e;
      }
    }
    try {
      synchronized (planCache) {
        CompiledQuery q = planCache.get(k); // compiled by someone who finished between our two looks
        if (q != null) {
          mine.plan().complete(q);
          return q;
        }
      }
      planCompilations.incrementAndGet();
      CompiledQuery q = compile.get();
      synchronized (planCache) {
        planCache.put(k, q);
      }
      mine.plan().complete(q);
      return q;
    } catch (RuntimeException | Error e) {
      mine.plan().completeExceptionally(e);
      throw e;
    } finally {
      compiling.remove(k, mine);
    }
  }

  /** How many plans were compiled (plan-cache misses) since the engine started. */
  public long planCompilations() {
    return planCompilations.get();
  }

  /**
   * Whether a statement shape with literals replaced by parameters ({@link LiteralParameters})
   * was found not to plan as a query under the current catalog version: such statements take
   * the ordinary path without trying again.
   */
  boolean isUnparameterizable(String shape) {
    Long v = unparameterizable.get(shape);
    return v != null && v == materializer.schemaVersion();
  }

  void markUnparameterizable(String shape, long schemaVersion) {
    if (unparameterizable.size() > PLAN_CACHE_SIZE) {
      unparameterizable.clear();
    }
    unparameterizable.put(shape, schemaVersion);
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

  /** Writable while the log accepts appends and, in cluster mode, this node still applies it. */
  @Override
  public boolean isWritable() {
    return log.isWritable() && (applier == null || applier.failure() == null);
  }

  EngineListener listener() {
    return config.listener();
  }

  @Override
  public void close() {
    snapshotter.shutdownNow();
    synchronized (snapshotLock) {
      closeQuietly(log);
      if (applier != null) {
        applier.close();
      }
      closeQuietly(dataLock);
    }
  }
}
