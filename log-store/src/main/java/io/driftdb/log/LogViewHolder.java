package io.driftdb.log;

import io.driftdb.log.segment.SegmentView;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Publishes the current {@link LogView} and wakes readers tailing the log when the head moves
 * (or when the log stops, so nobody waits for records that will never come). It owns the list
 * of sealed segments, which two threads change: the writer appends at a roll, a merge replaces
 * a run of old ones; each builds its view from the other's latest list.
 */
final class LogViewHolder {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private volatile LogView view;
  private volatile boolean stopped;
  /** Sealed segments including those rolled since the last publish (guarded by {@code this}). */
  private List<SegmentView> sealed;
  /**
   * True while a merge renames its {@code .log.swap} into place: the published view still names
   * the swap file for a moment after it is gone, so a reader that misses it waits for the view
   * that names the renamed file instead of failing.
   */
  private volatile boolean installing;

  LogViewHolder(List<SegmentView> sealed, SegmentView active) {
    this.sealed = List.copyOf(sealed);
    this.view = new LogView(this.sealed, active, 0);
  }

  LogView get() {
    return view;
  }

  /** Writer: a roll sealed {@code done}; readers see it with the next {@link #publishActive}. */
  synchronized void addSealed(SegmentView done) {
    List<SegmentView> next = new ArrayList<>(sealed.size() + 1);
    next.addAll(sealed);
    next.add(done);
    sealed = List.copyOf(next);
  }

  /** Writer: publishes the active segment's new durable state after a group commit. */
  void publishActive(SegmentView active) {
    synchronized (this) {
      view = new LogView(sealed, active, view.epoch());
    }
    signal();
  }

  /**
   * Merge: replaces the adjacent sealed segments {@code old} (as found in the published view)
   * by {@code merged}, which holds the same records, and publishes at once with a new epoch.
   * Segments the writer sealed meanwhile stay unpublished until its next publish.
   */
  void replaceSealed(List<SegmentView> old, SegmentView merged) {
    synchronized (this) {
      sealed = replace(sealed, old, merged);
      LogView v = view;
      view = new LogView(replace(v.sealed(), old, merged), v.active(), v.epoch() + 1);
      installing = false;
    }
    signal();
  }

  /** Merge: the swap file is about to be renamed; {@link #replaceSealed} or {@link #endInstall} ends it. */
  void beginInstall() {
    installing = true;
  }

  void endInstall() {
    installing = false;
    signal();
  }

  /**
   * A reader found a file of the view with {@code epoch} missing: if a merge is renaming files,
   * waits (up to {@code timeoutMs}) for the view that follows; false if there is nothing to
   * wait for, i.e. the file is really gone.
   */
  boolean awaitSwapAfter(long epoch, long timeoutMs) throws InterruptedException {
    if (!installing || view.epoch() != epoch) {
      return view.epoch() != epoch;
    }
    long remaining = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    lock.lock();
    try {
      while (view.epoch() == epoch && installing && remaining > 0) {
        remaining = changed.awaitNanos(remaining);
      }
      return view.epoch() != epoch;
    } finally {
      lock.unlock();
    }
  }

  private static List<SegmentView> replace(List<SegmentView> list, List<SegmentView> old, SegmentView merged) {
    int at = list.indexOf(old.get(0));
    if (at < 0 || at + old.size() > list.size() || !list.subList(at, at + old.size()).equals(old)) {
      throw new IllegalStateException("segments to replace are not in the log view: " + old);
    }
    List<SegmentView> next = new ArrayList<>(list.size() - old.size() + 1);
    next.addAll(list.subList(0, at));
    next.add(merged);
    next.addAll(list.subList(at + old.size(), list.size()));
    return List.copyOf(next);
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
