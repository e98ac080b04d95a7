package io.driftdb.log.kafka;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Idempotent-producer bookkeeping, per producer id and topic (sequence numbers are per
 * partition, and every topic has one partition). Follows Kafka's broker rules:
 * <ul>
 *   <li>a batch identical (epoch, first and last sequence) to one of the last 5 appended is a
 *       retry: it is answered with the original offset and not appended again;</li>
 *   <li>an older epoch is fenced (INVALID_PRODUCER_EPOCH);</li>
 *   <li>a new epoch must start at sequence 0 (unless nothing is known about the producer);</li>
 *   <li>within an epoch the first sequence must follow the last one (wrapping after
 *       Integer.MAX_VALUE); a batch at or below the last sequence that is no longer cached is
 *       DUPLICATE_SEQUENCE_NUMBER (clients count it as success without an offset), a gap is
 *       OUT_OF_ORDER_SEQUENCE_NUMBER.</li>
 * </ul>
 * The state lives in memory. A gateway starts with it {@link #seed seeded} from the producer
 * batches its backend stored last, so that a retry of a batch whose response a restart lost is
 * answered with the batch's original offset, as Kafka's broker does from its producer snapshots;
 * a producer that wrote nothing recently is unknown after a restart, and its next batch is
 * accepted whatever its sequence (as Kafka does for producers whose state expired). Entries
 * idle for a day are dropped. Producer ids are handed out from a counter seeded with the start
 * time, so ids from before a restart are not reused.
 */
final class ProducerStateTable {
  static final int CACHED_BATCHES = 5;
  static final long EXPIRY_MS = 24L * 60 * 60 * 1000;

  private final AtomicLong nextProducerId = new AtomicLong(System.currentTimeMillis() * 1000);
  private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
  private final Map<Long, Short> epochs = new ConcurrentHashMap<>();

  record Key(long producerId, long topicId) {}

  /**
   * A batch already submitted: its sequence range and its result (the offset it got), which
   * may still be waiting for durability when a retry of it arrives.
   */
  record CachedBatch(short epoch, int firstSeq, int lastSeq, CompletableFuture<TopicBackend.Appended> result) {}

  /** Outcome of a check: proceed, a duplicate with its original result, or an error. */
  record Verdict(Errors error, CachedBatch duplicate, String message) {
    static final Verdict APPEND = new Verdict(Errors.NONE, null, null);

    boolean append() {
      return this == APPEND;
    }
  }

  /** Per (producer, topic): lock it while checking and appending so a retry cannot race its original. */
  static final class Entry {
    short epoch = RecordBatch.NO_PRODUCER_EPOCH;
    int lastSeq = RecordBatch.NO_SEQUENCE;
    long lastUsedMs = System.currentTimeMillis();
    final ArrayDeque<CachedBatch> batches = new ArrayDeque<>();
    /**
     * Known only from the stored batches ({@link #seed}), not yet from a batch of this run. A
     * batch that changed nothing stores nothing, so the producer may be further along than the
     * stored sequence says: until it appends here, a batch beyond the stored sequence (or of a
     * newer epoch) is accepted as from an unknown producer, never refused as a gap.
     */
    boolean seeded;
  }

  /** InitProducerId without a transactional id: a new producer, or an epoch bump (KIP-360). */
  long[] initProducer(long producerId, short epoch) {
    expire();
    if (producerId >= 0 && epoch >= 0 && epoch < Short.MAX_VALUE - 1) {
      short known = epochs.getOrDefault(producerId, epoch);
      short next = (short) (Math.max(known, epoch) + 1);
      epochs.put(producerId, next);
      return new long[] {producerId, next};
    }
    long id = nextProducerId.getAndIncrement();
    epochs.put(id, (short) 0);
    return new long[] {id, 0};
  }

  /** Loads stored batches, oldest first, as if they had just been appended through this table. */
  void seed(List<TopicBackend.StoredProducerBatch> stored) {
    for (TopicBackend.StoredProducerBatch b : stored) {
      TopicBackend.ProducerBatch p = b.batch();
      Entry e = entries.computeIfAbsent(new Key(p.producerId(), b.topicId()), k -> new Entry());
      synchronized (e) {
        record(e, p.epoch(), p.firstSeq(), p.lastSeq(), CompletableFuture.completedFuture(b.appended()));
        e.seeded = true;
      }
      epochs.merge(p.producerId(), p.epoch(), (a, c) -> (short) Math.max(a, c));
      // Ids are handed out from the clock: never hand out a stored one again (a clock set back).
      nextProducerId.accumulateAndGet(p.producerId() + 1, Math::max);
    }
  }

  Entry entry(long producerId, long topicId) {
    Entry e = entries.computeIfAbsent(new Key(producerId, topicId), k -> new Entry());
    e.lastUsedMs = System.currentTimeMillis();
    return e;
  }

  /** Call with the entry locked. */
  static Verdict check(Entry e, short epoch, int firstSeq, int lastSeq) {
    if (e.epoch != RecordBatch.NO_PRODUCER_EPOCH && epoch < e.epoch) {
      return new Verdict(Errors.INVALID_PRODUCER_EPOCH, null,
          "producer epoch " + epoch + " is older than the current epoch " + e.epoch);
    }
    if (epoch == e.epoch) {
      for (CachedBatch b : e.batches) {
        if (b.epoch() == epoch && b.firstSeq() == firstSeq && b.lastSeq() == lastSeq) {
          return new Verdict(Errors.NONE, b, null);
        }
      }
    }
    if (e.epoch == RecordBatch.NO_PRODUCER_EPOCH) {
      return Verdict.APPEND;
    }
    if (e.seeded && (epoch != e.epoch || (firstSeq > e.lastSeq && lastSeq >= firstSeq))) {
      return Verdict.APPEND;
    }
    if (epoch != e.epoch) {
      return firstSeq == 0 ? Verdict.APPEND : new Verdict(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, null,
          "a new producer epoch " + epoch + " must start at sequence 0, got " + firstSeq);
    }
    if (inSequence(e.lastSeq, firstSeq)) {
      return Verdict.APPEND;
    }
    if (firstSeq <= e.lastSeq && lastSeq <= e.lastSeq) {
      return new Verdict(Errors.DUPLICATE_SEQUENCE_NUMBER, null,
          "batch " + firstSeq + ".." + lastSeq + " was already appended (last sequence " + e.lastSeq + ")");
    }
    return new Verdict(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, null,
        "expected sequence " + nextSeq(e.lastSeq) + ", got " + firstSeq);
  }

  /**
   * Call with the entry locked, once the backend accepted the batch and ordered it after every
   * earlier one ({@link TopicBackend#submit}), before it is durable: the producer's next batch
   * can then be checked and submitted while this one waits for its fsync.
   */
  static void record(Entry e, short epoch, int firstSeq, int lastSeq, CompletableFuture<TopicBackend.Appended> result) {
    if (epoch != e.epoch) {
      e.batches.clear();
      e.epoch = epoch;
    }
    e.lastSeq = lastSeq;
    e.seeded = false;
    e.batches.addLast(new CachedBatch(epoch, firstSeq, lastSeq, result));
    while (e.batches.size() > CACHED_BATCHES) {
      e.batches.removeFirst();
    }
  }

  static boolean inSequence(int last, int next) {
    return next == nextSeq(last);
  }

  private static int nextSeq(int last) {
    return last == Integer.MAX_VALUE ? 0 : last + 1;
  }

  private void expire() {
    long cutoff = System.currentTimeMillis() - EXPIRY_MS;
    for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
      if (it.next().lastUsedMs < cutoff) {
        it.remove();
      }
    }
  }

  int size() {
    return entries.size();
  }
}
