package io.driftdb.sql.engine;

import io.driftdb.log.Appended;
import io.driftdb.log.RecordHeader;
import io.driftdb.materializer.RowKey;
import io.driftdb.materializer.TableData;
import io.driftdb.materializer.TableSchema;
import io.driftdb.sql.SessionInfo;
import io.driftdb.sql.SqlError;
import io.driftdb.sql.plan.ErrorTranslator;
import io.driftdb.sql.plan.QueryContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Writes already-decoded whole rows into one table as one transaction, without SQL text: the
 * Kafka gateway's write path. Parsing and planning a multi-row {@code INSERT ... ON CONFLICT}
 * per batch cost about half of the gateway's CPU; this builds the same write set directly
 * (see {@code DmlExecutor.writeRows} for the rules, which are those of the SQL statements).
 *
 * <p>{@link #submitDurable} validates and appends before it returns, so a caller can submit its next
 * batch while this one waits for its fsync, and both can share a group commit.
 */
public final class RowBatchWriter {
  private final DriftEngine engine;

  public RowBatchWriter(DriftEngine engine) {
    this.engine = engine;
  }

  /**
   * Upserts (column id → stored value, already converted for the column; absent columns get
   * their default or NULL) and deletes by primary key, decoded against {@code schema}.
   */
  public record Batch(TableSchema schema, List<Map<Integer, Object>> upserts, List<RowKey> deletes) {}

  /**
   * A concurrent transaction got there first: the table's schema is no longer the batch's, or
   * the commit lost a write-write conflict (40001) or a race to insert the same new key
   * (23505). Nothing was written; decode the batch again and resubmit it once
   * {@link #inFlightApplied()} completes (a fresh snapshot then sees the winner).
   */
  public static final class Conflict extends RuntimeException {
    private final SqlError error;

    Conflict(SqlError error) {
      super(error.getMessage(), error, false, false);
      this.error = error;
    }

    public SqlError error() {
      return error;
    }
  }

  /**
   * Builds the batch's transaction on a snapshot of now and submits it, with {@code headers} on
   * its log record. Throws {@link Conflict} (see there) or {@link SqlError} when it is rejected,
   * and then nothing was written: a constraint or data error (including a UNIQUE violation
   * against committed rows), 42P01 when the table is gone. The future completes once the
   * transaction is durable, with its SEQ and commit timestamp, before it is applied ({@link
   * CommitPipeline#submitDurable}: what a Kafka producer's {@code acks=all} asks for), or fails
   * with a {@link SqlError} 58030 when the log write failed; when the batch changes nothing, it
   * completes with the SEQ applied once everything submitted before it is.
   */
  public CompletableFuture<Appended> submitDurable(SessionInfo info, Batch batch, List<RecordHeader> headers) {
    // The checks run on the applied state, which may lack batches already answered as durable
    // (CommitPipeline#submitDurable) and not applied yet. A row the batch writes needs no more:
    // if one of those batches wrote its key too, the key is still pending, and the commit's
    // validation turns that into a Conflict. What the applied state alone decides is checked
    // again once they are applied: an error (a foreign key to a row one of them wrote), and a
    // record that writes nothing (the delete of a key one of them inserted). Waiting for them
    // up front stalled the gateway's connection thread for the apply of the previous group at
    // nearly every pipelined request.
    long acknowledged = engine.pipeline().acknowledgedSeq();
    long seq = engine.materializer().appliedSeq();
    boolean complete = seq >= acknowledged; // the state holds every batch answered before this one
    WriteSet out = null;
    try {
      out = writes(info, batch, seq);
    } catch (SqlError e) {
      if (complete) {
        engine.listener().aborted();
        throw e;
      }
    } catch (Conflict e) {
      engine.listener().aborted();
      throw e;
    }
    if (out == null || (!complete && writesLessThanAsked(batch, out))) {
      engine.pipeline().awaitAcknowledgedApplied();
      seq = engine.materializer().appliedSeq();
      try {
        out = writes(info, batch, seq);
      } catch (SqlError | Conflict e) {
        engine.listener().aborted();
        throw e;
      }
    }
    if (out.isEmpty()) {
      return inFlightApplied().thenApply(x -> {
        long applied = engine.materializer().appliedSeq();
        return new Appended(applied, applied < 0 ? -1 : engine.materializer().timeline().timestampOf(applied));
      });
    }
    try {
      return engine.pipeline().submitDurable(new CommitRequest(info, seq, out, null, null, headers));
    } catch (SqlError e) {
      engine.listener().aborted();
      // At commit the sequencer validates against transactions committed or in flight since
      // our snapshot: a write-write conflict, or a concurrent insert of a key the upsert would
      // have updated had it seen it.
      if (SqlError.SERIALIZATION_FAILURE.equals(e.sqlState()) || SqlError.UNIQUE_VIOLATION.equals(e.sqlState())) {
        throw new Conflict(e);
      }
      throw e;
    }
  }

  /**
   * Whether some record of the batch writes nothing on the state it was checked on: a delete of
   * an absent key, or a key-only row that is already there. (Decoding kept one record per key.)
   */
  private static boolean writesLessThanAsked(Batch batch, WriteSet out) {
    return out.rowCount() < batch.upserts().size() + batch.deletes().size();
  }

  /** The batch's write set on the state at {@code seq}, checked as its SQL statements would be. */
  private WriteSet writes(SessionInfo info, Batch batch, long seq) {
    DriftSession session = new DriftSession(engine, info, () -> { });
    WriteSet out = new WriteSet();
    try {
      TableSchema s = batch.schema();
      TableData t = engine.materializer().catalog().table(s.tableId());
      if (t == null || !t.existsAt(seq)) {
        throw new SqlError(SqlError.UNDEFINED_TABLE, "relation \"" + s.name() + "\" does not exist");
      }
      if (t.latestSchema() != s) {
        throw new Conflict(new SqlError(SqlError.SERIALIZATION_FAILURE, "could not serialize access: table \""
            + s.name() + "\" was altered since the batch was decoded"));
      }
      session.dml().writeRows(t, s, batch.upserts(), batch.deletes(), seq, out);
      return out;
    } catch (SqlError | Conflict e) {
      throw e;
    } catch (RuntimeException | StackOverflowError | AssertionError | LinkageError e) {
      // As for SQL statements: errors from Calcite's generated code (a CHECK, a default) are
      // the batch's errors.
      throw ErrorTranslator.translate(e);
    } finally {
      QueryContext.clear();
    }
  }

  /** Completes once every transaction submitted so far is applied (see {@link CommitPipeline#inFlightApplied}). */
  public CompletableFuture<Void> inFlightApplied() {
    return engine.pipeline().inFlightApplied();
  }
}
