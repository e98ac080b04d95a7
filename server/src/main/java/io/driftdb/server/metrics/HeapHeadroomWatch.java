package io.driftdb.server.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns when what survives garbage collection (for DriftDB: mostly its state, every row
 * version) passes a share of the heap. Past G1's marking threshold (70 % with the launchers'
 * flags, about half with G1's adaptive default), G1 starts its next concurrent marking as soon
 * as the last one ends, and a state that only grows keeps it there: in the producer benchmark
 * that took half of the server's CPU (bench/README.md, Run T). Uses the JVM's own
 * collection-usage threshold on the old generation, which notifies after every collection that
 * leaves the pool above it; the watch passes on the first and then at most one per
 * {@link #DEFAULT_REPEAT}, so a full heap does not flood the log.
 */
public final class HeapHeadroomWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HeapHeadroomWatch.class);
  /** The share of the heap that triggers the warning: below the launchers' 70 % marking threshold. */
  public static final double DEFAULT_SHARE = 0.6;
  public static final java.time.Duration DEFAULT_REPEAT = java.time.Duration.ofMinutes(10);

  private final NotificationEmitter emitter;
  private final NotificationListener listener;

  private HeapHeadroomWatch(NotificationEmitter emitter, NotificationListener listener) {
    this.emitter = emitter;
    this.listener = listener;
  }

  /** Starts watching with the default share, warning in the server log. */
  public static Optional<HeapHeadroomWatch> start() {
    return start(DEFAULT_SHARE, DEFAULT_REPEAT, LOG::warn);
  }

  /**
   * Watches the heap's old generation (empty when this JVM's collector has no such pool with a
   * collection-usage threshold, or no maximum heap size) and passes the warning to {@code sink}.
   */
  public static Optional<HeapHeadroomWatch> start(double share, java.time.Duration repeat, Consumer<String> sink) {
    Optional<MemoryPoolMXBean> old = oldGeneration();
    if (old.isEmpty()) {
      return Optional.empty();
    }
    MemoryPoolMXBean pool = old.get();
    long max = pool.getUsage().getMax();
    if (max <= 0) {
      return Optional.empty();
    }
    pool.setCollectionUsageThreshold(Math.max(1, (long) (max * share)));
    NotificationEmitter emitter = (NotificationEmitter) ManagementFactory.getMemoryMXBean();
    String poolName = pool.getName();
    // As if the last warning were one interval ago, so the first notification always passes.
    AtomicLong lastWarning = new AtomicLong(System.nanoTime() - repeat.toNanos());
    NotificationListener listener = (Notification n, Object handback) -> {
      if (!MemoryNotificationInfo.MEMORY_COLLECTION_THRESHOLD_EXCEEDED.equals(n.getType())) {
        return;
      }
      MemoryNotificationInfo info = MemoryNotificationInfo.from((CompositeData) n.getUserData());
      if (!poolName.equals(info.getPoolName())) {
        return;
      }
      long now = System.nanoTime();
      long last = lastWarning.get();
      if (now - last < repeat.toNanos() || !lastWarning.compareAndSet(last, now)) {
        return;
      }
      long used = info.getUsage().getUsed();
      sink.accept(String.format(java.util.Locale.ROOT, "After a garbage collection %d MiB of the %d MiB heap "
          + "(%s) are still in use (%.0f %%): the state kept in memory is near the heap's size, and the "
          + "collector will spend much of the CPU marking it. Give the server a larger heap "
          + "(DRIFTDB_JAVA_OPTS=\"-Xms<size> -Xmx<size>\"); keep the state under about 60 %% of it "
          + "(server/README.md).", used >> 20, max >> 20, poolName, 100.0 * used / max));
    };
    emitter.addNotificationListener(listener, null, null);
    return Optional.of(new HeapHeadroomWatch(emitter, listener));
  }

  /** The heap pool that holds what lives long ("G1 Old Gen", "PS Old Gen", "Tenured Gen"). */
  static Optional<MemoryPoolMXBean> oldGeneration() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported())
        .filter(p -> p.getName().contains("Old") || p.getName().contains("Tenured"))
        .findFirst();
  }

  @Override
  public void close() {
    try {
      emitter.removeNotificationListener(listener);
    } catch (ListenerNotFoundException e) {
      // already removed
    }
  }
}
