package io.driftdb.log;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Where appends wait for the writer thread. Assigning the SEQ and the commit timestamp happens
 * under the same lock as enqueueing, so queue order, SEQ order and timestamp order agree.
 */
final class AppendQueue {
  private enum State { OPEN, CLOSING, FAILED }

  private final Path directory;
  private final LongSupplier clock;
  private final long waitSpinNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private ArrayList<PendingAppend> pending = new ArrayList<>();
  /** Callers waiting for the writer to seal the active segment (see {@link LocalLog#rollActiveSegment}). */
  private ArrayList<CompletableFuture<Void>> rolls = new ArrayList<>();
  private long nextSeq;
  private long lastTimestamp;
  private volatile State state = State.OPEN;
  private Throwable failure;

  AppendQueue(Path directory, LongSupplier clock, long waitSpinNanos, long nextSeq, long lastTimestamp) {
    this.directory = directory;
    this.clock = clock;
    this.waitSpinNanos = waitSpinNanos;
    this.nextSeq = nextSeq;
    this.lastTimestamp = lastTimestamp;
  }

  /** Sequences a record and queues it; a closed or failed log refuses it at once. */
  CompletableFuture<Appended> enqueue(byte[] key, byte[] value, List<RecordHeader> headers, long bytesBound) {
    CompletableFuture<Appended> future = new AppendFuture(waitSpinNanos);
    lock.lock();
    try {
      if (state == State.FAILED) {
        future.completeExceptionally(new LogFailedException(directory, failure));
        return future;
      }
      if (state == State.CLOSING) {
        future.completeExceptionally(new IllegalStateException("log " + directory + " is closed"));
        return future;
      }
      long ts = Math.max(clock.getAsLong(), lastTimestamp);
      lastTimestamp = ts;
      pending.add(new PendingAppend(new LogRecord(nextSeq++, ts, key, value, headers), bytesBound, future));
      if (pending.size() == 1) {
        notEmpty.signal();
      }
    } finally {
      lock.unlock();
    }
    return future;
  }

  /** Asks the writer to seal the active segment after what is queued now; completes when it did. */
  CompletableFuture<Void> requestRoll() {
    CompletableFuture<Void> future = new CompletableFuture<>();
    lock.lock();
    try {
      if (state != State.OPEN) {
        future.completeExceptionally(state == State.FAILED ? new LogFailedException(directory, failure)
            : new IllegalStateException("log " + directory + " is closed"));
        return future;
      }
      rolls.add(future);
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
    return future;
  }

  /** Roll requests waiting for the writer (it takes them after the appends queued before them). */
  List<CompletableFuture<Void>> takeRolls() {
    lock.lock();
    try {
      if (rolls.isEmpty()) {
        return List.of();
      }
      List<CompletableFuture<Void>> taken = rolls;
      rolls = new ArrayList<>();
      return taken;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes everything queued, waiting up to {@code maxWaitNanos} for something to arrive.
   * Returns an empty list on timeout or when only a roll was requested, and null once the
   * queue is closing and drained.
   */
  List<PendingAppend> takeAll(long maxWaitNanos) throws InterruptedException {
    lock.lock();
    try {
      long remaining = maxWaitNanos;
      while (pending.isEmpty()) {
        if (!rolls.isEmpty()) {
          return List.of();
        }
        if (state != State.OPEN) {
          return null;
        }
        if (remaining <= 0) {
          return List.of();
        }
        remaining = remaining == Long.MAX_VALUE ? awaitForever() : notEmpty.awaitNanos(remaining);
      }
      ArrayList<PendingAppend> taken = pending;
      pending = new ArrayList<>(Math.max(16, taken.size()));
      return taken;
    } finally {
      lock.unlock();
    }
  }

  private long awaitForever() throws InterruptedException {
    notEmpty.await();
    return Long.MAX_VALUE;
  }

  /** Stops accepting appends; what is queued is still written. */
  void close() {
    lock.lock();
    try {
      if (state == State.OPEN) {
        state = State.CLOSING;
      }
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Refuses every later append with {@code cause}; returns what was still queued. */
  List<PendingAppend> fail(Throwable cause) {
    lock.lock();
    try {
      state = State.FAILED;
      failure = cause;
      List<PendingAppend> left = pending;
      pending = new ArrayList<>();
      for (CompletableFuture<Void> r : rolls) {
        r.completeExceptionally(new LogFailedException(directory, cause));
      }
      rolls = new ArrayList<>();
      return left;
    } finally {
      lock.unlock();
    }
  }

  boolean isOpen() {
    return state == State.OPEN;
  }
}
