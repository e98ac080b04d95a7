package io.driftdb.sql.kafka;

import io.driftdb.log.EventLog;
import io.driftdb.log.LogCursor;
import io.driftdb.log.LogRecord;
import io.driftdb.log.RecordHeader;
import io.driftdb.log.cluster.SharedLog;
import io.driftdb.log.kafka.GatewayConfig;
import io.driftdb.log.kafka.GatewayListener;
import io.driftdb.log.kafka.KafkaGateway;
import io.driftdb.log.kafka.TopicBackend;
import io.driftdb.log.kafka.TopicBackendException;
import io.driftdb.log.kafka.TopicBackendException.Kind;
import io.driftdb.materializer.Materializer;
import io.driftdb.materializer.RowKey;
import io.driftdb.materializer.TableData;
import io.driftdb.materializer.TableSchema;
import io.driftdb.materializer.VersionChain;
import io.driftdb.sql.SessionInfo;
import io.driftdb.sql.SqlError;
import io.driftdb.sql.engine.DriftEngine;
import io.driftdb.sql.engine.RowBatchWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tables as Kafka topics, for the Kafka-protocol gateway ({@link KafkaGateway}).
 *
 * <p><b>Topics.</b> Every table that exists now is a topic with one partition; its Kafka topic
 * id is derived from the table incarnation's id (stable across renames; a dropped and re-created
 * table is a new topic). The topic name is the table's name exactly as the catalog stores it
 * (unquoted SQL names are lower-case): Kafka topic names are case-sensitive.
 *
 * <p><b>Produce = one transaction.</b> The records of one produce batch are decoded by
 * {@link RowCodec} (a bad record rejects the whole batch with INVALID_RECORD, nothing is
 * written), collapsed per key (the last record of a key wins; intermediate states are invisible
 * anyway, since a transaction is atomic), and committed as one transaction by
 * {@link RowBatchWriter}, without SQL text, with the effect of {@code INSERT ... ON CONFLICT
 * (pk) DO UPDATE SET every column} for the rows and {@code DELETE ... WHERE pk = ?} per
 * tombstone. A record is the whole new row: columns it leaves out get their default or NULL,
 * also when it updates an existing row. Constraints, defaults and types are the engine's, as
 * for any SQL client. The offset returned to the producer is the transaction's SEQ, so
 * {@code SELECT ... AS OF @SEQ:<offset>} shows the state right after that batch. A batch that
 * changes nothing (deletes of absent keys only) commits nothing and gets the head SEQ once
 * every batch submitted before it is applied. A commit that loses to a concurrent transaction
 * (40001, or 23505 for a key another transaction inserted meanwhile; also an earlier batch of
 * the same producer still waiting for its fsync) is run again on a fresh snapshot once the
 * transactions in flight are applied. {@link #submit} returns once the transaction is in the
 * commit pipeline, so the gateway can submit a connection's next batch before this one is
 * durable.
 *
 * <p><b>Fetch = change events.</b> Offsets on the consumer side are per-table change-event
 * numbers ({@link ChangeIndex}), not SEQs: a transaction that writes n rows of a table gives n
 * events with n consecutive offsets, which Kafka consumers require (strictly increasing,
 * never duplicated). Each event: key = the primary key as JSON, value = the row after the
 * change as a JSON object (null for a DELETE: a tombstone), timestamp = the commit time, and
 * the headers {@code driftdb.seq} (the SEQ, decimal text) and {@code driftdb.op}
 * ({@code INSERT}, {@code UPDATE} or {@code DELETE}). ListOffsets by timestamp finds the first
 * event committed at or after it.
 */
public final class TableTopicBackend implements TopicBackend {
  private static final int CONFLICT_RETRIES = 50;
  /**
   * How far back a starting gateway looks for producer batches. A response lost to a restart
   * belongs to one of the last few batches appended before it (a producer keeps at most 5 in
   * flight); 10,000 transactions cover that for thousands of producers.
   */
  static final int RECENT_RECORDS = 10_000;
  /** How many bytes of log records a starting gateway reads at most (plus one window of 1,000). */
  static final long RECENT_BYTES = 64L << 20;

  private final DriftEngine engine;
  private final RowBatchWriter writer;
  private final Map<Long, ChangeIndex> indexes = new ConcurrentHashMap<>();

  public TableTopicBackend(DriftEngine engine) {
    this.engine = engine;
    this.writer = new RowBatchWriter(engine);
  }

  /** Starts a Kafka gateway serving {@code engine}'s tables. */
  public static KafkaGateway startGateway(DriftEngine engine, GatewayConfig config) {
    return startGateway(engine, config, GatewayListener.NONE);
  }

  /** As {@link #startGateway(DriftEngine, GatewayConfig)}, reporting every request served to {@code listener}. */
  public static KafkaGateway startGateway(DriftEngine engine, GatewayConfig config, GatewayListener listener) {
    return KafkaGateway.start(config, new TableTopicBackend(engine), listener);
  }

  private Materializer mat() {
    return engine.materializer();
  }

  // ---- topics ----

  @Override
  public List<TopicInfo> topics() {
    List<TopicInfo> out = new ArrayList<>();
    mat().catalog().tablesAt(mat().appliedSeq()).forEach((name, t) -> out.add(new TopicInfo(name, t.tableId())));
    return out;
  }

  @Override
  public Optional<TopicInfo> topic(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.empty();
    }
    // Exact match: Kafka topic names are case-sensitive, and clients key their metadata by
    // topic id, so two spellings of one table would collide in a client.
    return mat().catalog().resolve(name, mat().appliedSeq()).filter(t -> t.latestSchema().name().equals(name))
        .map(t -> new TopicInfo(t.latestSchema().name(), t.tableId()));
  }

  @Override
  public Optional<TopicInfo> topic(long id) {
    TableData t = mat().catalog().table(id);
    return t == null || !t.existsAt(mat().appliedSeq()) ? Optional.empty()
        : Optional.of(new TopicInfo(t.latestSchema().name(), t.tableId()));
  }

  private TableData table(TopicInfo topic) {
    TableData t = mat().catalog().table(topic.id());
    if (t == null || !t.existsAt(mat().appliedSeq())) {
      indexes.remove(topic.id());
      throw new TopicBackendException(Kind.UNKNOWN_TOPIC, "table \"" + topic.name() + "\" does not exist");
    }
    return t;
  }

  // ---- produce ----

  @Override
  public Appended append(TopicInfo topic, List<ProducedRecord> records, Client client) {
    try {
      return submit(topic, records, client).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  @Override
  public CompletableFuture<Appended> submit(TopicInfo topic, List<ProducedRecord> records, Client client) {
    return submit(topic, records, client, List.<RecordHeader>of());
  }

  /** Keeps the producer and its sequence range on the transaction's log record ({@link ProducerBatchHeader}). */
  @Override
  public CompletableFuture<Appended> submit(TopicInfo topic, List<ProducedRecord> records, Client client,
                                            ProducerBatch producer) {
    if (producer == null || !storesProducerBatches()) {
      return submit(topic, records, client);
    }
    return submit(topic, records, client, List.of(ProducerBatchHeader.encode(topic.id(), producer)));
  }

  /**
   * Not in cluster mode: there a record is judged only when applied, and a rejected one
   * (retried under the same producer sequence) stays in the log, so its header would later pass
   * for the batch.
   */
  private boolean storesProducerBatches() {
    return !(engine.log() instanceof SharedLog);
  }

  /**
   * The producer batches among the newest {@link #RECENT_RECORDS} records of the log, oldest
   * first. Read in windows back from the head (100 records, then 1,000 at a time), newest window
   * first, stopping after a window once {@link #RECENT_BYTES} of records were read: large SQL
   * transactions must not make a start read gigabytes for a few producer headers. None in
   * cluster mode, where no headers are written ({@link #storesProducerBatches}).
   */
  @Override
  public List<StoredProducerBatch> recentProducerBatches() {
    List<StoredProducerBatch> out = new ArrayList<>();
    if (!storesProducerBatches()) {
      return out;
    }
    EventLog log = engine.log();
    long head = log.headSeq();
    long end = head; // inclusive
    long bytes = 0;
    for (long span = 100; end >= log.startSeq() && head - end < RECENT_RECORDS && bytes < RECENT_BYTES; span = 1_000) {
      long from = Math.max(log.startSeq(), Math.max(end - span + 1, head - RECENT_RECORDS + 1));
      List<StoredProducerBatch> found = new ArrayList<>();
      try (LogCursor cursor = log.read(from)) {
        while (cursor.hasNext()) {
          LogRecord r = cursor.next();
          if (r.seq() > end) {
            break;
          }
          bytes += r.value() == null ? 0 : r.value().length;
          ProducerBatchHeader.Stored b = ProducerBatchHeader.find(r.headers());
          if (b != null) {
            found.add(new StoredProducerBatch(b.topicId(), b.batch(), new Appended(r.seq(), r.timestampMs())));
          }
        }
      }
      out.addAll(0, found); // older than every window read before it
      end = from - 1;
    }
    return out;
  }

  private CompletableFuture<Appended> submit(TopicInfo topic, List<ProducedRecord> records, Client client,
                                             List<RecordHeader> headers) {
    SessionInfo info = new SessionInfo("kafka", "driftdb",
        "kafka:" + (client.clientId() == null ? "" : client.clientId()), client.address());
    for (int attempt = 0; ; attempt++) {
      TableSchema s = table(topic).latestSchema();
      RowBatchWriter.Batch batch = decode(s, records);
      try {
        // Answered once durable, like a broker's acks=all; SQL statements wait for the apply.
        return writer.submitDurable(info, batch, headers).handle((a, e) -> {
          if (e != null) {
            Throwable cause = e instanceof CompletionException ? e.getCause() : e;
            throw cause instanceof SqlError sql ? translate(sql, topic) : new TopicBackendException(Kind.INTERNAL, -1,
                "table \"" + topic.name() + "\": " + cause, cause);
          }
          return new Appended(a.seq(), a.timestampMs());
        });
      } catch (RowBatchWriter.Conflict e) {
        if (attempt >= CONFLICT_RETRIES) {
          throw translate(e.error(), topic);
        }
        // The winner may still be in flight (perhaps our own previous batch): retry on a
        // snapshot that includes it, else the retry would lose the same way.
        writer.inFlightApplied().join();
      } catch (SqlError e) {
        throw translate(e, topic);
      }
    }
  }

  /**
   * Decodes every record (any error rejects the batch) and keeps the last change per key:
   * intermediate states of a key within one transaction are invisible anyway.
   */
  private static RowBatchWriter.Batch decode(TableSchema s, List<ProducedRecord> records) {
    Map<RowKey, RowCodec.Change> byKey = new LinkedHashMap<>(capacityFor(records.size()));
    List<Map<Integer, Object>> keyless = new ArrayList<>();
    List<RowKey> deletes = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      RowCodec.Change c = RowCodec.decode(s, records.get(i), i);
      if (c.key() == null) {
        keyless.add(c.row()); // a table without a primary key: every record is a new row
      } else {
        if (byKey.put(c.key(), c) != null) { // a later record of the key: it moves to the end
          byKey.remove(c.key());
          byKey.put(c.key(), c);
        }
      }
    }
    List<Map<Integer, Object>> keyed = new ArrayList<>(byKey.size());
    for (RowCodec.Change c : byKey.values()) {
      if (c.row() == null) {
        deletes.add(c.key());
      } else {
        keyed.add(c.row());
      }
    }
    keyed.addAll(keyless);
    return new RowBatchWriter.Batch(s, keyed, deletes);
  }

  /** A hash map capacity that holds {@code n} entries without rehashing (a batch can hold thousands of records). */
  private static int capacityFor(int n) {
    return (int) Math.min(1 << 30, n * 4L / 3 + 1);
  }

  private static TopicBackendException translate(SqlError e, TopicInfo topic) {
    String state = e.sqlState() == null ? "" : e.sqlState();
    Kind kind;
    if (state.equals(SqlError.UNDEFINED_TABLE)) {
      kind = Kind.UNKNOWN_TOPIC;
    } else if (state.startsWith("22") || state.startsWith("23") || state.startsWith("42")) {
      kind = Kind.INVALID_RECORD; // data exceptions, constraint violations, a column gone meanwhile
    } else if (state.equals(SqlError.SERIALIZATION_FAILURE)) {
      kind = Kind.RETRIABLE;
    } else if (state.equals(SqlError.IO_ERROR) || state.equals(SqlError.READ_ONLY_TRANSACTION)) {
      kind = Kind.STORAGE;
    } else if (state.equals("54000")) {
      kind = Kind.RECORD_TOO_LARGE;
    } else {
      kind = Kind.INTERNAL;
    }
    return new TopicBackendException(kind, -1, "table \"" + topic.name() + "\": " + e.getMessage() + " (SQLSTATE "
        + state + ")", e);
  }

  private long timestampOf(long seq) {
    if (seq < 0) {
      return -1;
    }
    try {
      return mat().timeline().timestampOf(seq);
    } catch (IllegalArgumentException e) {
      return engine.log().timestampOf(seq);
    }
  }

  // ---- fetch ----

  private ChangeIndex index(TableData t) {
    ChangeIndex idx = indexes.computeIfAbsent(t.tableId(), id -> new ChangeIndex(id, t.createdSeq()));
    idx.refresh(engine.log(), mat());
    return idx;
  }

  @Override
  public Fetched offsets(TopicInfo topic) {
    // Reads see every batch already answered, also one answered before its apply.
    engine.awaitAcknowledgedApplied();
    return new Fetched(List.of(), 0, index(table(topic)).size());
  }

  @Override
  public Fetched fetch(TopicInfo topic, long offset, int maxBytes) {
    engine.awaitAcknowledgedApplied();
    TableData t = table(topic);
    ChangeIndex idx = index(t);
    int end = idx.size();
    if (offset < 0 || offset > end) {
      throw new TopicBackendException(Kind.OFFSET_OUT_OF_RANGE, "offset " + offset + " is outside [0, " + end
          + "] of \"" + topic.name() + "\"");
    }
    List<ChangeEvent> out = new ArrayList<>();
    int bytes = 0;
    long next = offset;
    for (long o = offset; o < end; o++) {
      ChangeEvent e = event(t, o, idx.event((int) o));
      if (e == null) {
        next = o + 1; // deleted history: a gap, as in a compacted Kafka topic; the consumer moves past it
        continue;
      }
      if (!out.isEmpty() && bytes + e.sizeEstimate() > maxBytes) {
        break;
      }
      out.add(e);
      bytes += e.sizeEstimate();
      next = o + 1;
    }
    return new Fetched(out, 0, end, next);
  }

  /** The change event at {@code offset}, or null when DELETE HISTORY removed its version. */
  private ChangeEvent event(TableData t, long offset, ChangeIndex.Event ev) {
    VersionChain chain = t.rows().get(ev.key());
    int vi = chain == null ? -1 : chain.versionIndexAt(ev.seq());
    if (vi < 0 || chain.seqAt(vi) != ev.seq()) {
      if (ev.seq() <= t.historyHorizon()) {
        return null;
      }
      throw new TopicBackendException(Kind.INTERNAL, "change event " + offset + " of table " + t.tableId()
          + " (SEQ " + ev.seq() + ") has no row version");
    }
    byte op = chain.opAt(vi);
    TableSchema s = t.schemaAt(ev.seq());
    byte[] value = op == VersionChain.DELETE ? null : RowCodec.encodeRow(s, chain.rowAtIndex(vi));
    String opName = op == VersionChain.INSERT ? "INSERT" : op == VersionChain.UPDATE ? "UPDATE" : "DELETE";
    List<RecordHeader> headers = List.of(
        new RecordHeader(RowCodec.SEQ_HEADER, Long.toString(ev.seq()).getBytes(StandardCharsets.UTF_8)),
        new RecordHeader(RowCodec.OP_HEADER, opName.getBytes(StandardCharsets.UTF_8)));
    return new ChangeEvent(offset, timestampOf(ev.seq()), RowCodec.encodeKey(s, ev.key()), value, headers);
  }

  @Override
  public Optional<TimestampedOffset> offsetForTimestamp(TopicInfo topic, long timestampMs) {
    engine.awaitAcknowledgedApplied();
    ChangeIndex idx = index(table(topic));
    long before = mat().timeline().seqBefore(timestampMs);
    int o = idx.firstAtOrAfter(before + 1);
    if (o >= idx.size()) {
      return Optional.empty();
    }
    return Optional.of(new TimestampedOffset(o, timestampOf(idx.event(o).seq())));
  }

  // ---- long polling ----

  @Override
  public long changeVersion() {
    return mat().appliedSeq();
  }

  @Override
  public void awaitChange(long version, long timeoutMs) throws InterruptedException {
    mat().awaitApplied(version + 1, timeoutMs);
  }
}
