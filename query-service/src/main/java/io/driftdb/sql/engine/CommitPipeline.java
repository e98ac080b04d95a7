package io.driftdb.sql.engine;

import io.driftdb.log.Appended;
import io.driftdb.log.EventLog;
import io.driftdb.log.cluster.SharedLog;
import io.driftdb.materializer.ColumnInfo;
import io.driftdb.materializer.Materializer;
import io.driftdb.materializer.RowKey;
import io.driftdb.materializer.TableData;
import io.driftdb.materializer.TableSchema;
import io.driftdb.materializer.VersionChain;
import io.driftdb.schemas.CommitValidation;
import io.driftdb.schemas.DdlEvent;
import io.driftdb.schemas.DdlKind;
import io.driftdb.schemas.ReadKey;
import io.driftdb.schemas.RowEvent;
import io.driftdb.schemas.RowOp;
import io.driftdb.schemas.Schemas;
import io.driftdb.schemas.TransactionCodec;
import io.driftdb.schemas.TransactionRecord;
import io.driftdb.sql.EngineListener;
import io.driftdb.sql.SqlError;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sequencer. COMMIT validates a transaction against everything committed or in flight
 * (first committer wins on a written key: 40001), turns it into one log record, appends it,
 * and returns only after the record is durable and applied, so the committer reads its own
 * write. Records are applied to the materializer strictly in log order by whichever thread
 * finds the oldest in-flight record durable: normally the log's writer thread, right after
 * the group commit's fdatasync, in the completion of the append futures (the log completes a
 * group's newest first, so the oldest one's completion applies the whole group, after every
 * durable answer of the group has gone out). Each committer then wakes up once, when its own record is applied, instead of
 * waking at the fsync and then competing with the others to apply the group.
 *
 * <p>A committer may instead ask to be answered once its record is durable ({@link
 * #submitDurable}, what the Kafka gateway does, like a broker answering {@code acks=all}): its
 * answer then does not wait for the apply, which runs right after. So that nobody can observe
 * an acknowledged transaction missing, the pipeline remembers the newest SEQ answered that way
 * and every SQL statement first waits until it is applied ({@link #awaitAcknowledgedApplied}).
 */
public final class CommitPipeline {
  private final EventLog log;
  private final java.util.function.Supplier<Throwable> applierFailure;
  /** Cluster mode: other nodes append too, the log applier applies, every record is re-checked in log order. */
  private final boolean shared;
  private final Materializer materializer;
  private final EngineListener listener;
  private final TransactionCodec codec = new TransactionCodec();
  private final Object lock = new Object();
  private final Object applyLock = new Object();
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  private final Map<Long, Set<RowKey>> pendingKeys = new HashMap<>();
  private final Set<String> pendingTables = new HashSet<>();
  /** The newest record appended (applied or not), for {@link #inFlightApplied()}. */
  private InFlight lastSubmitted;
  /** The highest SEQ acknowledged as durable before it was applied (-1: none). */
  private final AtomicLong acknowledgedDurable = new AtomicLong(-1);

  /**
   * A record appended but not yet applied. {@code applied} completes (on the applying thread)
   * once the record is in the materializer, or exceptionally if the append or the apply failed.
   */
  private record InFlight(TransactionRecord record, CompletableFuture<Appended> future,
                          Map<Long, Set<RowKey>> keys, Set<String> tables, CompletableFuture<Appended> applied) {
    InFlight(TransactionRecord record, CompletableFuture<Appended> future, Map<Long, Set<RowKey>> keys,
             Set<String> tables) {
      this(record, future, keys, tables, new CompletableFuture<>());
    }
  }

  public CommitPipeline(EventLog log, Materializer materializer, EngineListener listener) {
    this(log, materializer, listener, () -> null);
  }

  /**
   * @param applierFailure cluster mode: why this node's log applier stopped, or null while it
   *     runs; a node that no longer applies the log can neither check nor learn a verdict
   */
  public CommitPipeline(EventLog log, Materializer materializer, EngineListener listener,
                        java.util.function.Supplier<Throwable> applierFailure) {
    this.applierFailure = applierFailure;
    this.log = log;
    this.shared = log instanceof SharedLog;
    this.materializer = materializer;
    this.listener = listener;
  }

  /** Commits; returns the SEQ. Throws SqlError 40001 on a conflict, 23505 on a duplicate key. */
  public long commit(CommitRequest req) {
    try {
      return submit(req).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /**
   * Validates and appends now (a conflict or duplicate key throws here, and nothing was
   * appended); the future completes with the SEQ once the record is durable and applied. A
   * caller may submit its next transaction before this one completes, so several of its
   * transactions can share one group commit; they are applied in submission order. In
   * cluster mode the verdict comes only with the apply, so this waits for it.
   */
  public CompletableFuture<Long> submit(CommitRequest req) {
    if (shared) {
      return CompletableFuture.completedFuture(commitShared(req));
    }
    InFlight f = enqueue(req);
    return f.applied().handle((appended, e) -> {
      if (e == null) {
        listener.committed();
        return appended.seq();
      }
      Throwable cause = e instanceof CompletionException ? e.getCause() : e;
      if (f.future().isCompletedExceptionally()) {
        throw logWriteFailed(cause);
      }
      throw cause instanceof RuntimeException r ? r : new CompletionException(cause);
    });
  }

  /**
   * As {@link #submit(CommitRequest)}, but the future completes once the record is durable,
   * with its SEQ and commit timestamp; the apply follows. In cluster mode the verdict comes
   * only with the apply, so this waits for it there.
   */
  public CompletableFuture<Appended> submitDurable(CommitRequest req) {
    if (shared) {
      long seq = commitShared(req);
      return CompletableFuture.completedFuture(new Appended(seq, materializer.timeline().timestampOf(seq)));
    }
    InFlight f = enqueue(req);
    return f.future().handle((appended, e) -> {
      if (e != null) {
        throw logWriteFailed(e instanceof CompletionException ? e.getCause() : e);
      }
      // Before the answer leaves: a statement that starts after it must wait for this apply.
      acknowledgedDurable.accumulateAndGet(appended.seq(), Math::max);
      listener.committed();
      return appended;
    });
  }

  private static SqlError logWriteFailed(Throwable cause) {
    return new SqlError(SqlError.IO_ERROR, "could not write the commit to the log: " + cause.getMessage(), cause);
  }

  /** Validates, appends and queues the record for its apply (local log). */
  private InFlight enqueue(CommitRequest req) {
    InFlight f;
    synchronized (lock) {
      if (!log.isWritable()) {
        throw new SqlError(SqlError.IO_ERROR, "the log is not writable; the database is read-only until restarted");
      }
      Validated valid = validate(req);
      Map<Long, Set<RowKey>> keys = valid.keys();
      Set<String> tables = ddlTables(req.writes());
      TransactionRecord record = build(req, valid);
      byte[] bytes = codec.encode(record);
      f = new InFlight(record, log.append(null, bytes, req.headers()), keys, tables);
      inFlight.add(f);
      lastSubmitted = f;
      keys.forEach((t, ks) -> pendingKeys.computeIfAbsent(t, x -> new HashSet<>()).addAll(ks));
      pendingTables.addAll(tables);
    }
    // Runs on the writer thread when the append completes (or here, if it already has).
    f.future().whenComplete((a, e) -> drain());
    return f;
  }

  /**
   * Waits until every transaction acknowledged as durable ({@link #submitDurable}) is applied, so
   * that a statement reading the applied state afterwards sees them. Returns at once when none
   * is behind, the usual case. Throws 58030 if such a transaction's apply failed.
   */
  public void awaitAcknowledgedApplied() {
    long acked = acknowledgedDurable.get();
    if (materializer.appliedSeq() >= acked) {
      return;
    }
    try {
      while (!materializer.awaitApplied(acked, 1000)) {
        // Nothing left to apply, yet it is not applied: its apply failed and will not be retried.
        if (inFlightApplied().isDone() && materializer.appliedSeq() < acked) {
          throw new SqlError(SqlError.IO_ERROR, "the transaction at SEQ " + acked
              + " is durable but could not be applied; restart the server to apply it");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SqlError(SqlError.QUERY_CANCELED, "interrupted while waiting for acknowledged commits to apply");
    }
  }

  /** The highest SEQ acknowledged as durable before it was applied ({@link #submitDurable}; -1: none). */
  public long acknowledgedSeq() {
    return acknowledgedDurable.get();
  }

  /**
   * Completes once every transaction submitted so far is applied (or failed): then a snapshot
   * taken at the applied SEQ sees them. Completed at once when nothing is in flight.
   */
  public CompletableFuture<Void> inFlightApplied() {
    InFlight last;
    synchronized (lock) {
      last = lastSubmitted;
    }
    return last == null ? CompletableFuture.completedFuture(null)
        : last.applied().handle((a, e) -> null);
  }

  /**
   * Cluster mode. The local check rejects what this node already knows conflicts; the record
   * then carries what it read and depended on, and its fate is decided when the log applier
   * applies it, by the same check every node runs ({@code LogOrderValidator}).
   */
  private long commitShared(CommitRequest req) {
    InFlight f;
    synchronized (lock) {
      if (!log.isWritable()) {
        throw new SqlError(SqlError.IO_ERROR, "the shared log is not writable; this node is read-only until restarted");
      }
      Throwable stopped = applierFailure.get();
      if (stopped != null) {
        throw new SqlError(SqlError.IO_ERROR, "this node stopped applying the shared log (" + stopped.getMessage()
            + "); it is read-only until restarted", stopped);
      }
      Validated valid = validate(req);
      Map<Long, Set<RowKey>> keys = valid.keys();
      Set<String> tables = ddlTables(req.writes());
      TransactionRecord record = TransactionRecord.newBuilder(build(req, valid)).setValidation(validation(req)).build();
      f = new InFlight(record, log.append(null, codec.encode(record), req.headers()), keys, tables);
      keys.forEach((t, ks) -> pendingKeys.computeIfAbsent(t, x -> new HashSet<>()).addAll(ks));
      pendingTables.addAll(tables);
    }
    try {
      Appended appended;
      try {
        appended = f.future().join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof IllegalArgumentException tooLarge) {
          // Refused before it was appended (KafkaTopicLog: record too large): nothing to wait for.
          throw new SqlError("54000", "the transaction is too large for the shared log: " + tooLarge.getMessage(),
              tooLarge);
        }
        throw new SqlError(TRANSACTION_RESOLUTION_UNKNOWN, "the outcome of the commit is unknown: "
            + e.getCause().getMessage(), e);
      }
      try {
        while (!materializer.awaitApplied(appended.seq(), 1000)) {
          if ((!log.isWritable() || applierFailure.get() != null) && materializer.appliedSeq() < appended.seq()) {
            throw new SqlError(TRANSACTION_RESOLUTION_UNKNOWN, "the commit was appended at SEQ " + appended.seq()
                + " but this node stopped applying the log");
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SqlError(SqlError.QUERY_CANCELED, "interrupted while waiting for commit to apply");
      }
      var verdict = materializer.verdict(appended.seq());
      if (verdict.isPresent()) {
        throw new SqlError(verdict.get().sqlState(), verdict.get().message());
      }
      listener.committed();
      return appended.seq();
    } finally {
      synchronized (lock) {
        release(f);
      }
    }
  }

  private static final String TRANSACTION_RESOLUTION_UNKNOWN = "08007";

  /** What every node re-checks when it applies the record: reads (SERIALIZABLE) and constraint dependencies. */
  private CommitValidation validation(CommitRequest req) {
    CommitValidation.Builder v = CommitValidation.newBuilder()
        .setDependencyTables(new ArrayList<>(req.writes().dependencies()));
    io.driftdb.sql.plan.ReadSet reads = req.readSet();
    if (reads != null) {
      v.setReadTables(new ArrayList<>(reads.tables()));
      List<ReadKey> keys = new ArrayList<>();
      for (var e : reads.keys().entrySet()) {
        TableData t = materializer.catalog().table(e.getKey());
        if (t != null) {
          for (RowKey k : e.getValue()) {
            keys.add(ReadKey.newBuilder().setTableId(e.getKey()).setKey(keyToLog(t.latestSchema(), k)).build());
          }
        }
      }
      v.setReadKeys(keys);
    }
    return v.build();
  }

  /** Caller holds the lock. */
  private void release(InFlight head) {
    head.keys().forEach((t, ks) -> {
      Set<RowKey> s = pendingKeys.get(t);
      if (s != null) {
        s.removeAll(ks);
      }
    });
    pendingTables.removeAll(head.tables());
  }

  /** Applies every durable record at the head of the in-flight queue, in order. */
  private void drain() {
    synchronized (applyLock) {
      while (true) {
        InFlight head;
        synchronized (lock) {
          head = inFlight.peek();
          if (head == null || !head.future().isDone()) {
            return;
          }
          inFlight.poll();
        }
        Throwable failure = null;
        Appended a = null;
        try {
          if (!head.future().isCompletedExceptionally()) {
            a = head.future().join();
            materializer.apply(a.seq(), a.timestampMs(), head.record());
          }
        } catch (RuntimeException | Error e) {
          failure = e;
        } finally {
          synchronized (lock) {
            release(head);
          }
        }
        if (a == null) {
          head.future().whenComplete((x, e) -> head.applied().completeExceptionally(e));
        } else if (failure != null) {
          head.applied().completeExceptionally(failure);
        } else {
          head.applied().complete(a);
        }
      }
    }
  }

  private static Set<String> ddlTables(WriteSet w) {
    Set<String> out = new HashSet<>();
    for (DdlEvent d : w.ddl()) {
      if (d.getKind() != DdlKind.CREATE_USER && d.getKind() != DdlKind.ALTER_USER && d.getKind() != DdlKind.DROP_USER) {
        out.add(d.getTableName().toLowerCase());
      }
    }
    return out;
  }

  /**
   * What validation found: the written keys per table (views of the write set, which is not
   * changed after submission) and those of them whose row exists at the validated head, so
   * that building the record need not look every key up again.
   */
  private record Validated(Map<Long, Set<RowKey>> keys, Map<Long, Set<RowKey>> existing) {}

  /** Snapshot-isolation validation in log order; returns what it found. Caller holds the lock. */
  private Validated validate(CommitRequest req) {
    long head = materializer.appliedSeq();
    WriteSet w = req.writes();
    for (DdlEvent d : w.ddl()) {
      String name = d.getTableName().toLowerCase();
      if (d.getKind() == DdlKind.CREATE_USER || d.getKind() == DdlKind.ALTER_USER || d.getKind() == DdlKind.DROP_USER) {
        continue;
      }
      if (pendingTables.contains(name)) {
        throw conflict("concurrent schema change of \"" + name + "\"");
      }
      if (d.getKind() == DdlKind.CREATE_TABLE) {
        if (materializer.catalog().resolve(name, head).isPresent()) {
          throw new SqlError(SqlError.DUPLICATE_TABLE, "relation \"" + name + "\" already exists");
        }
      } else if (d.getTableId() >= 0) {
        TableData t = materializer.catalog().table(d.getTableId());
        if (t == null || !t.existsAt(head) || lastDdlSeq(t) > req.startSeq()) {
          throw conflict("table \"" + name + "\" was changed by a concurrent transaction");
        }
      }
    }
    validateReads(req);
    for (long tableId : w.dependencies()) {
      TableData t = materializer.catalog().table(tableId);
      Set<RowKey> pending = pendingKeys.get(tableId);
      if ((t != null && t.lastModifiedSeq() > req.startSeq()) || (pending != null && !pending.isEmpty())) {
        throw conflict("a table checked by a constraint was changed by a concurrent transaction");
      }
    }
    Map<Long, Set<RowKey>> keys = new HashMap<>();
    Map<Long, Set<RowKey>> existing = new HashMap<>();
    for (var e : w.rows().entrySet()) {
      long tableId = e.getKey();
      TableData t = tableId >= 0 ? materializer.catalog().table(tableId) : null;
      if (tableId >= 0 && (t == null || !t.existsAt(head))) {
        throw conflict("table was dropped by a concurrent transaction");
      }
      if (t != null && lastDdlSeq(t) > req.startSeq()) {
        throw conflict("table \"" + t.latestSchema().name() + "\" was altered by a concurrent transaction");
      }
      Set<RowKey> pending = pendingKeys.getOrDefault(tableId, Set.of());
      for (var r : e.getValue().entrySet()) {
        RowKey k = r.getKey();
        if (t != null) {
          // One primary-key lookup per written key (what t.rowAt and t.lastWriteSeq would each do again).
          VersionChain chain = t.chain(k);
          long lastWrite = chain == null ? -1 : chain.lastSeq();
          boolean exists = chain != null && chain.rowAt(head) != null;
          if (exists) {
            existing.computeIfAbsent(tableId, x -> new HashSet<>()).add(k);
          }
          boolean insert = w.wasInserted(tableId, k);
          if (insert && r.getValue() != null && exists && lastWrite > req.startSeq()) {
            throw new SqlError(SqlError.UNIQUE_VIOLATION, "duplicate key value violates unique constraint \""
                + t.latestSchema().name() + "_pkey\"", null);
          }
          if (pending.contains(k) || lastWrite > req.startSeq()) {
            throw conflict("could not serialize access due to concurrent update");
          }
        }
      }
      keys.put(tableId, e.getValue().keySet());
    }
    return new Validated(keys, existing);
  }

  /** SERIALIZABLE: nothing the transaction read may have been written since its snapshot. */
  private void validateReads(CommitRequest req) {
    io.driftdb.sql.plan.ReadSet reads = req.readSet();
    if (reads == null) {
      return;
    }
    for (long tableId : reads.tables()) {
      TableData t = materializer.catalog().table(tableId);
      Set<RowKey> pending = pendingKeys.get(tableId);
      if ((t != null && t.lastModifiedSeq() > req.startSeq()) || (pending != null && !pending.isEmpty())) {
        throw conflict("could not serialize access due to read/write dependencies among transactions");
      }
    }
    for (var e : reads.keys().entrySet()) {
      TableData t = materializer.catalog().table(e.getKey());
      Set<RowKey> pending = pendingKeys.getOrDefault(e.getKey(), Set.of());
      for (RowKey k : e.getValue()) {
        if ((t != null && t.lastWriteSeq(k) > req.startSeq()) || pending.contains(k)) {
          throw conflict("could not serialize access due to read/write dependencies among transactions");
        }
      }
    }
  }

  private static long lastDdlSeq(TableData t) {
    var h = t.schemaHistory();
    return h.get(h.size() - 1).seq();
  }

  private static SqlError conflict(String msg) {
    return new SqlError(SqlError.SERIALIZATION_FAILURE, msg.startsWith("could not") ? msg
        : "could not serialize access: " + msg);
  }

  /**
   * The log record of a validated request. Whether a key's row existed is validation's finding:
   * transactions applied since then wrote none of these keys (validation rejects the request
   * otherwise), so the answer at the head now is the same.
   */
  private TransactionRecord build(CommitRequest req, Validated valid) {
    List<Object> events = new ArrayList<>(req.writes().ddl().size() + req.writes().rowCount());
    events.addAll(req.writes().ddl());
    for (var e : req.writes().rows().entrySet()) {
      long tableId = e.getKey();
      TableData t = tableId >= 0 ? materializer.catalog().table(tableId) : null;
      TableSchema schema = t != null ? schemaAfterDdl(t.latestSchema(), req.writes()) : createdSchema(tableId, req.writes());
      Set<RowKey> existing = valid.existing().getOrDefault(tableId, Set.of());
      for (var r : e.getValue().entrySet()) {
        RowKey key = r.getKey();
        Object[] row = r.getValue();
        boolean existed = existing.contains(key); // only keys of existing tables are in it
        if (row == null) {
          if (existed) {
            events.add(new RowEvent(tableId, RowOp.DELETE, keyToLog(schema, key), null));
          }
        } else {
          // The constructor, not the builder: the builder's checks and defaults cost per row.
          events.add(new RowEvent(tableId, existed ? RowOp.UPDATE : RowOp.INSERT,
              schema.hasPrimaryKey() ? null : keyToLog(schema, key), rowToLog(schema, row)));
        }
      }
    }
    var s = req.session();
    return Schemas.transaction(s.user() == null ? "unknown" : s.user())
        .setApplication(s.applicationName())
        .setClientAddress(s.clientAddress())
        .setReason(req.reason())
        .setStartSeq(req.startSeq())
        .setEvents(events)
        .build();
  }

  /** The table's schema after the transaction's own DDL (e.g. columns added by a document insert). */
  private static TableSchema schemaAfterDdl(TableSchema s, WriteSet w) {
    TableSchema out = s;
    for (DdlEvent d : w.ddl()) {
      if (d.getKind() == DdlKind.ADD_COLUMN && d.getTableId() == s.tableId()) {
        List<ColumnInfo> cols = new ArrayList<>(out.columns());
        int next = out.nextColumnId();
        for (var c : d.getColumns()) {
          cols.add(ColumnInfo.of(c));
          next = Math.max(next, c.getId() + 1);
        }
        out = out.withColumns(cols, next);
      }
    }
    return out;
  }

  private static TableSchema createdSchema(long ref, WriteSet w) {
    DdlEvent d = w.ddl().get((int) (-ref - 1));
    List<ColumnInfo> cols = new ArrayList<>();
    for (var c : d.getColumns()) {
      cols.add(ColumnInfo.of(c));
    }
    return new TableSchema(ref, d.getTableName(), cols, d.getPrimaryKey(), d.getDocumentTable(), List.of(), List.of(),
        Map.of(), cols.size());
  }

  private static List<Object> rowToLog(TableSchema schema, Object[] row) {
    Object[] out = new Object[row.length];
    for (ColumnInfo c : schema.columns()) { // ids of dropped columns stay null
      if (c.id() < row.length) {
        out[c.id()] = c.type().toLog(row[c.id()]);
      }
    }
    return Arrays.asList(out);
  }

  private static List<Object> keyToLog(TableSchema schema, RowKey key) {
    Object[] v = key.values();
    Object[] out = new Object[v.length];
    for (int i = 0; i < v.length; i++) {
      if (schema.hasPrimaryKey()) {
        out[i] = schema.columnById(schema.primaryKey().get(i)).type().toLog(v[i]);
      } else {
        out[i] = v[i];
      }
    }
    return Arrays.asList(out);
  }
}
