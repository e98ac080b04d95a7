package io.driftdb.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.MemoryPoolMXBean;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HeapHeadroomWatchTest {
  /**
   * A real collection: with the threshold at a sliver of the heap, what survives System.gc()
   * (this JVM's classes and test state) passes it, and the watch says so, naming the sizes and
   * what to do; the collections after it, still above, are not repeated within the interval.
   */
  @Test
  void warnsOnceWhenWhatSurvivesACollectionPassesTheShare() throws Exception {
    MemoryPoolMXBean pool = HeapHeadroomWatch.oldGeneration().orElseThrow();
    long before = pool.getCollectionUsageThreshold();
    List<String> warnings = new CopyOnWriteArrayList<>();
    HeapHeadroomWatch watch = HeapHeadroomWatch.start(1e-6, java.time.Duration.ofHours(1), warnings::add).orElseThrow();
    try {
      byte[][] kept = new byte[64][];
      for (int i = 0; i < kept.length; i++) {
        kept[i] = new byte[16 * 1024];
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (warnings.isEmpty() && System.nanoTime() < deadline) {
        System.gc();
        Thread.sleep(50);
      }
      assertThat(kept[63]).hasSize(16 * 1024);
      assertThat(warnings).hasSize(1);
      assertThat(warnings.get(0)).contains("MiB heap (" + pool.getName() + ") are still in use")
          .contains("-Xmx<size>").contains("server/README.md");
      for (int i = 0; i < 3; i++) { // still above: the JVM notifies after each, the watch stays quiet
        System.gc();
        Thread.sleep(100);
      }
      assertThat(warnings).hasSize(1);
    } finally {
      watch.close();
      pool.setCollectionUsageThreshold(before);
    }
  }

  @Test
  void theDefaultWatchStartsOnThisJvm() {
    try (HeapHeadroomWatch w = HeapHeadroomWatch.start().orElseThrow()) {
      assertThat(HeapHeadroomWatch.oldGeneration().orElseThrow().getCollectionUsageThreshold()).isPositive();
    }
  }
}
