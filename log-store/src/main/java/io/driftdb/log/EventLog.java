package io.driftdb.log;

import java.io.Closeable;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * The ordered, append-only log of transaction records. One record per transaction; its
 * offset is the transaction's SEQ. Implementations: {@link LocalLog} (segments on a local
 * disk) and, in cluster mode, a single-partition Kafka topic.
 *
 * <p>The log knows nothing about tables or SQL: a record is opaque key/value bytes plus headers.
 */
public interface EventLog extends Closeable {

  /**
   * Appends one record. Records appear in the log in the order of the calls. The future
   * completes once the record is durable under the configured fsync policy, with the SEQ and
   * the commit timestamp (milliseconds, never decreasing) the log assigned to it; it completes
   * exceptionally if the log failed before confirming it durable (the log then refuses further
   * appends). The record's outcome is then unknown: a failure after part of a group reached the
   * disk (a roll inside the group, say) can leave the record in the log after a restart, which
   * is why the SQL layer reports such a commit as 08007, not as rolled back.
   */
  CompletableFuture<Appended> append(byte[] key, byte[] value, List<RecordHeader> headers);

  /** SEQ of the last durable record, or -1 when the log is empty. */
  long headSeq();

  /** SEQ of the first record still in the log (0 unless history was truncated). */
  long startSeq();

  /** Reads durable records with SEQ greater than or equal to {@code fromSeq}, in SEQ order. */
  LogCursor read(long fromSeq);

  /**
   * The last SEQ whose commit timestamp is at or before {@code timestampMs}; empty when every
   * record is later (or the log is empty). Answered through the time index.
   */
  OptionalLong seqAtOrBefore(long timestampMs);

  /** Commit timestamp of the record at {@code seq}. */
  long timestampOf(long seq);

  /** True while the log accepts appends (open, not failed by an I/O error). */
  boolean isWritable();
}
