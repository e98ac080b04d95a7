package io.driftdb.log.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdb.log.kafka.GroupCoordinator.Committed;
import io.driftdb.log.kafka.GroupCoordinator.OffsetKey;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Committed offsets that were acknowledged are on disk, whatever other groups commit meanwhile. */
class GroupOffsetDurabilityTest {
  @TempDir
  Path dir;

  /**
   * The offsets of one commit, which stall the second time they are read (when the
   * coordinator copies them into its memory, after saving them) until another group's commit
   * has been saved, or 2 s have passed: the interleaving that lost a commit.
   */
  private static final class StallingOffsets extends AbstractMap<OffsetKey, Committed> {
    private final Map<OffsetKey, Committed> offsets;
    private final CountDownLatch otherSaved;
    private final CountDownLatch stalled = new CountDownLatch(1);
    private final AtomicInteger reads = new AtomicInteger();

    StallingOffsets(Map<OffsetKey, Committed> offsets, CountDownLatch otherSaved) {
      this.offsets = offsets;
      this.otherSaved = otherSaved;
    }

    @Override
    public int size() {
      return offsets.size();
    }

    @Override
    public Set<Entry<OffsetKey, Committed>> entrySet() {
      if (reads.incrementAndGet() == 2) {
        stalled.countDown();
        try {
          otherSaved.await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return offsets.entrySet();
    }
  }

  @Test
  void aCommitSavedWhileAnotherGroupCommitsIsNotLostOnDisk() throws Exception {
    Path file = dir.resolve("kafka").resolve("group-offsets");
    GroupCoordinator coordinator = new GroupCoordinator(new OffsetStore(file));
    OffsetKey items = new OffsetKey(7, 0);
    try {
      assertThat(coordinator.commit("a", -1, "", Map.of(items, new Committed(1, -1, "")))).isEqualTo(Errors.NONE);
      CountDownLatch bSaved = new CountDownLatch(1);
      StallingOffsets aOffsets = new StallingOffsets(Map.of(items, new Committed(2, -1, "")), bSaved);
      CompletableFuture<Errors> a = CompletableFuture.supplyAsync(() -> coordinator.commit("a", -1, "", aOffsets));
      assertThat(aOffsets.stalled.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Errors> b = CompletableFuture.supplyAsync(() -> {
        Errors e = coordinator.commit("b", -1, "", Map.of(items, new Committed(5, -1, "")));
        bSaved.countDown();
        return e;
      });
      assertThat(a.get(10, TimeUnit.SECONDS)).as("group a's commit is acknowledged").isEqualTo(Errors.NONE);
      assertThat(b.get(10, TimeUnit.SECONDS)).isEqualTo(Errors.NONE);
    } finally {
      coordinator.close();
    }
    // What a restarted gateway loads: both groups' acknowledged commits.
    Map<String, Map<OffsetKey, Committed>> onDisk = new OffsetStore(file).load();
    assertThat(onDisk.get("b").get(items).offset()).isEqualTo(5);
    assertThat(onDisk.get("a").get(items).offset()).as("group a's acknowledged commit on disk").isEqualTo(2);
    GroupCoordinator restarted = new GroupCoordinator(new OffsetStore(file));
    try {
      assertThat(restarted.committed("a", null).get(items).offset()).isEqualTo(2);
    } finally {
      restarted.close();
    }
  }
}
