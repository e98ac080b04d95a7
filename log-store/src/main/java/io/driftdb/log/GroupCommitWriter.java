package io.driftdb.log;

import io.driftdb.log.format.BatchHeader;
import io.driftdb.log.format.GrowableByteArray;
import io.driftdb.log.format.RecordBatchWriter;
import io.driftdb.log.segment.ActiveSegment;
import io.driftdb.log.segment.EncodedBatch;
import io.driftdb.log.segment.SegmentFiles;
import io.driftdb.log.segment.SegmentPreallocator;
import io.driftdb.log.segment.SegmentView;
import java.io.IOException;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log's only writer. Each cycle takes everything queued, encodes it as one batch (several
 * if it exceeds the batch size), writes it, fsyncs once, publishes the new view and only then
 * completes the futures. An I/O error fails the log for good: no fsync is ever retried,
 * because after a failed fsync the kernel may already have discarded the dirty pages.
 */
final class GroupCommitWriter implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

  private final LogConfig config;
  private final AppendQueue queue;
  private final LogViewHolder views;
  private final RecordBatchWriter encoder;
  private final GrowableByteArray buffer = new GrowableByteArray(256 * 1024);
  private final long intervalNanos;
  private ActiveSegment active;
  private final SegmentPreallocator spares;
  private List<PendingAppend> inFlight = List.of();
  /** Roll requests taken off the queue and not yet completed: failLog must fail them too. */
  private List<java.util.concurrent.CompletableFuture<Void>> rollsInFlight = List.of();
  private boolean unsynced;
  /**
   * How much of the active segment its last successful fsync made durable. Under {@code
   * fsync=group} nothing past it was acknowledged, and a failure cuts it off (see failLog).
   */
  private long durableBytes;
  /** Why the writer failed, once it did (read by {@link LocalLog#close} on another thread). */
  private volatile Throwable failure;
  private long lastSyncNanos = System.nanoTime();

  GroupCommitWriter(LogConfig config, AppendQueue queue, LogViewHolder views, ActiveSegment active) {
    this.config = config;
    this.spares = new SegmentPreallocator(config.directory(), config.segmentBytes());
    this.queue = queue;
    this.views = views;
    this.encoder = new RecordBatchWriter(config.compression());
    this.active = active;
    this.durableBytes = active.size(); // what the open found: acknowledged before, never cut
    this.intervalNanos = config.fsyncPolicy() instanceof FsyncPolicy.Interval i
        ? TimeUnit.MILLISECONDS.toNanos(i.millis())
        : Long.MAX_VALUE;
  }

  @Override
  public void run() {
    try {
      while (true) {
        List<PendingAppend> items = queue.takeAll(nanosUntilIntervalSync());
        if (items == null) {
          break;
        }
        if (!items.isEmpty()) {
          inFlight = items;
          writeCycle(items);
          inFlight = List.of();
        } else {
          syncIfDue();
        }
        List<java.util.concurrent.CompletableFuture<Void>> rolls = queue.takeRolls();
        if (!rolls.isEmpty()) {
          rollsInFlight = rolls;
          rollOnRequest();
          rollsInFlight = List.of();
          rolls.forEach(f -> f.complete(null));
        }
      }
      for (java.util.concurrent.CompletableFuture<Void> f : queue.takeRolls()) {
        f.completeExceptionally(new IllegalStateException("log " + config.directory() + " is closed"));
      }
      boolean trimmed = active.trimPreallocated(); // a cleanly closed log holds exactly its batches
      if (unsynced || trimmed) {
        active.force();
      }
      active.writeIndexFiles();
      active.closeQuietly();
    } catch (IOException | RuntimeException | InterruptedException | Error e) {
      failLog(e);
    } finally {
      spares.close();
      encoder.close();
      views.stop();
    }
  }

  private long nanosUntilIntervalSync() {
    if (!unsynced || intervalNanos == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    return Math.max(0, lastSyncNanos + intervalNanos - System.nanoTime());
  }

  private void syncIfDue() throws IOException {
    if (unsynced && System.nanoTime() - lastSyncNanos >= intervalNanos) {
      sync();
    }
  }

  private long sync() throws IOException {
    long start = System.nanoTime();
    config.syncFault().beforeSync();
    active.force();
    durableBytes = active.size();
    lastSyncNanos = System.nanoTime();
    unsynced = false;
    return lastSyncNanos - start;
  }

  private void writeCycle(List<PendingAppend> items) throws IOException {
    long writeStart = System.nanoTime();
    buffer.clear();
    List<EncodedBatch> batches = encode(items);
    for (EncodedBatch b : batches) {
      if (!active.accepts(b.size(), b.header().lastOffset(), config.segmentBytes())) {
        roll(b.header().baseOffset());
      }
      active.append(buffer.array(), List.of(b), config.segmentBytes());
    }
    if (active.size() >= config.segmentBytes() / 4) {
      spares.prepare(); // the next segment's zeros, filled while this one fills up
    }
    unsynced = true;
    long writeNanos = System.nanoTime() - writeStart;

    boolean synced = false;
    long fsyncNanos = 0;
    if (config.fsyncPolicy() instanceof FsyncPolicy.Group) {
      fsyncNanos = sync();
      synced = true;
    } else if (config.fsyncPolicy() instanceof FsyncPolicy.Interval
        && System.nanoTime() - lastSyncNanos >= intervalNanos) {
      fsyncNanos = sync();
      synced = true;
    }

    views.publishActive(active.view());
    // Newest first. A caller's continuation runs inside complete(), and the SQL engine's
    // continuation applies records in SEQ order once the oldest in flight is durable: completed
    // oldest first, the first record's apply ran before the second's answer could go out; now
    // every continuation of the group runs first and the oldest one's applies the whole group.
    for (int i = items.size() - 1; i >= 0; i--) {
      PendingAppend p = items.get(i);
      LogRecord r = p.record();
      p.future().complete(new Appended(r.seq(), r.timestampMs()));
    }
    notifyListener(new FlushStats(items.size(), batches.size(), buffer.size(), writeNanos, synced, fsyncNanos,
        active.nextOffset() - 1));
  }

  /** Encodes the records into {@link #buffer}, cutting a new batch before maxBatchBytes. */
  private List<EncodedBatch> encode(List<PendingAppend> items) {
    List<EncodedBatch> batches = new ArrayList<>(1);
    int from = 0;
    while (from < items.size()) {
      int to = from + 1;
      long bytes = items.get(from).encodedBytesBound();
      while (to < items.size() && bytes + items.get(to).encodedBytesBound() <= config.maxBatchBytes()) {
        bytes += items.get(to).encodedBytesBound();
        to++;
      }
      int start = buffer.size();
      BatchHeader h = encoder.write(records(items.subList(from, to)), buffer);
      batches.add(new EncodedBatch(h, start));
      from = to;
    }
    return batches;
  }

  private static List<LogRecord> records(List<PendingAppend> items) {
    return new AbstractList<>() {
      @Override
      public LogRecord get(int index) {
        return items.get(index).record();
      }

      @Override
      public int size() {
        return items.size();
      }
    };
  }

  /** A requested roll: seals the active segment if it holds anything, and publishes. */
  private void rollOnRequest() throws IOException {
    if (active.size() == 0) {
      return;
    }
    roll(active.nextOffset());
    unsynced = false; // roll fsynced the old segment; the new one is empty
    views.publishActive(active.view());
  }

  /**
   * Seals the active segment and starts a new one at {@code baseOffset}. The old segment is
   * fsynced first whatever the policy, so that only the last segment can ever have a torn tail.
   */
  private void roll(long baseOffset) throws IOException {
    active.trimPreallocated();
    active.force();
    durableBytes = active.size();
    SegmentView done = active.seal();
    views.addSealed(done);
    SegmentFiles next = new SegmentFiles(config.directory(), baseOffset);
    Optional<ActiveSegment> spare = spares.take(next);
    active = spare.isPresent() ? spare.get() : ActiveSegment.create(next); // if that fails, active stays the old one
    durableBytes = 0;
    LOG.debug("Rolled {} at offset {} ({} bytes)", done.files().log().getFileName(), baseOffset, done.sizeBytes());
  }

  /** The I/O error (or other throwable) that failed the log, or null. */
  Throwable failure() {
    return failure;
  }

  private void failLog(Throwable cause) {
    failure = cause;
    LOG.error("Log {} failed; refusing all further appends (no fsync is retried)", config.directory(), cause);
    LogFailedException failure = new LogFailedException(config.directory(), cause);
    List<PendingAppend> refused = new ArrayList<>(inFlight);
    refused.addAll(queue.fail(cause));
    if (config.fsyncPolicy() instanceof FsyncPolicy.Group) {
      cutBackToDurable();
    }
    active.closeQuietly();
    // Tell the listener (health, metrics) before any appender learns of the failure.
    try {
      config.listener().onFailure(cause);
    } catch (RuntimeException e) {
      LOG.warn("Log listener failed in onFailure", e);
    }
    for (PendingAppend p : refused) {
      p.future().completeExceptionally(failure);
    }
    for (java.util.concurrent.CompletableFuture<Void> r : rollsInFlight) {
      r.completeExceptionally(failure);
    }
  }

  /**
   * After a failed write or fsync: cuts the active segment back to what its last successful
   * fsync made durable. The kernel may have dropped the failed group's pages while still
   * showing them, so left in place they would read back as committed after a restart without a
   * reboot, and appends made then would follow a hole that a later reboot reveals. Nothing cut
   * here was acknowledged (fsync=group acknowledges after the fsync only).
   */
  private void cutBackToDurable() {
    long unsyncedBytes = active.size() - durableBytes;
    if (unsyncedBytes <= 0) {
      return;
    }
    try {
      active.cutBackTo(durableBytes);
      LOG.warn("Cut {} back to its last fsynced length, {} bytes ({} bytes whose fsync did not succeed)",
          active.files().log().getFileName(), durableBytes, unsyncedBytes);
    } catch (IOException | RuntimeException e) {
      LOG.error("Could not cut {} back to its last fsynced length {}: a restart may read back records whose commit"
          + " failed", active.files().log(), durableBytes, e);
    }
  }

  private void notifyListener(FlushStats stats) {
    try {
      config.listener().onFlush(stats);
    } catch (RuntimeException e) {
      LOG.warn("Log listener failed in onFlush", e);
    }
  }
}
