package io.driftdb.log;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Publishes the current {@link LogView} and wakes readers tailing the log when the head moves
 * (or when the log stops, so nobody waits for records that will never come).
 */
final class LogViewHolder {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private volatile LogView view;
  private volatile boolean stopped;

  LogViewHolder(LogView initial) {
    this.view = initial;
  }

  LogView get() {
    return view;
  }

  void publish(LogView next) {
    view = next;
    signal();
  }

  /** No more records will be published (closed or failed). */
  void stop() {
    stopped = true;
    signal();
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until the head passes {@code seq}, the timeout ends, or the log stops; returns the head. */
  long awaitBeyond(long seq, long timeoutMs) throws InterruptedException {
    long head = view.headSeq();
    if (head > seq || stopped || timeoutMs <= 0) {
      return head;
    }
    long remaining = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    lock.lock();
    try {
      while ((head = view.headSeq()) <= seq && !stopped && remaining > 0) {
        remaining = changed.awaitNanos(remaining);
      }
      return head;
    } finally {
      lock.unlock();
    }
  }
}
