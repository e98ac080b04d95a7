package io.driftdb.sql.kafka;

import io.driftdb.log.EventLog;
import io.driftdb.log.LogCursor;
import io.driftdb.log.LogRecord;
import io.driftdb.materializer.LogRows;
import io.driftdb.materializer.VersionChain;
import io.driftdb.materializer.Materializer;
import io.driftdb.materializer.RowKey;
import io.driftdb.materializer.TableData;
import io.driftdb.materializer.TableSchema;
import io.driftdb.schemas.RowEvent;
import io.driftdb.schemas.RowOp;
import io.driftdb.schemas.TransactionCodec;
import io.driftdb.schemas.TransactionRecord;
import java.util.Arrays;
import java.util.List;

/**
 * The change-event offsets of one table incarnation: event {@code i} is the {@code i}-th row
 * event (INSERT, UPDATE or DELETE) written to the table, in log order (SEQ, then the order of
 * the events inside the transaction). Offsets are therefore dense, strictly increasing, and the
 * same after every restart, because the log never changes (except where VACUUM removed the
 * events of deleted history: those offsets are gaps while the server runs, and a restart
 * numbers the remaining events afresh); a table dropped and created again is
 * a new incarnation whose offsets start at 0 again.
 *
 * <p>Built lazily from the log on first use (one pass from the table's creation), then kept up
 * to date incrementally: a refresh reads only the log records after the last one it saw, and
 * not even those when the table was not modified since. It indexes only what the materializer
 * has applied, so every event can be read back from the version chains. Memory: one SEQ and
 * one key reference per event.
 */
final class ChangeIndex {
  private final long tableId;
  private final TransactionCodec codec = new TransactionCodec();
  private long scannedThrough;
  private long[] seqs = new long[16];
  private RowKey[] keys = new RowKey[16];
  private int size;

  /** One event: the transaction's SEQ and the row's key. */
  record Event(long seq, RowKey key) {}

  ChangeIndex(long tableId, long createdSeq) {
    this.tableId = tableId;
    this.scannedThrough = createdSeq - 1;
  }

  /** Indexes everything the materializer applied so far; returns the number of events. */
  synchronized int refresh(EventLog log, Materializer m) {
    long target = m.appliedSeq();
    if (target <= scannedThrough) {
      return size;
    }
    TableData t = m.catalog().table(tableId);
    if (t == null || t.lastModifiedSeq() <= scannedThrough) {
      // Read after appliedSeq: a change at SEQ <= target has already raised lastModifiedSeq.
      scannedThrough = target;
      return size;
    }
    TableSchema schema = t.latestSchema();
    try (LogCursor c = log.read(scannedThrough + 1)) {
      while (c.hasNext()) {
        LogRecord r = c.next();
        if (r.seq() > target) {
          break;
        }
        index(r.seq(), codec.decode(r.value()), t);
        scannedThrough = r.seq();
      }
    }
    return size;
  }

  private void index(long seq, TransactionRecord tx, TableData t) {
    TableSchema schema = t.latestSchema();
    List<Object> events = tx.getEvents();
    for (Object e : events) {
      if (e instanceof RowEvent row && LogRows.tableId(seq, events, row.getTableId()) == tableId) {
        RowKey key = LogRows.key(schema, row);
        // A record of a shared log that failed its commit check is in the log but was never
        // applied: the version chain has nothing at its SEQ.
        if (tx.getValidation() == null || hasVersion(t, key, seq)) {
          add(seq, key);
        }
      }
    }
  }

  private static boolean hasVersion(TableData t, RowKey key, long seq) {
    VersionChain chain = t.chain(key);
    return chain != null && chain.hasVersionAt(seq);
  }

  private void add(long seq, RowKey key) {
    if (size == seqs.length) {
      seqs = Arrays.copyOf(seqs, size * 2);
      keys = Arrays.copyOf(keys, size * 2);
    }
    seqs[size] = seq;
    keys[size] = key;
    size++;
  }

  synchronized int size() {
    return size;
  }

  synchronized Event event(int offset) {
    return new Event(seqs[offset], keys[offset]);
  }

  /** The first offset whose SEQ is at least {@code seq} (size when none). */
  synchronized int firstAtOrAfter(long seq) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (seqs[mid] < seq) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
