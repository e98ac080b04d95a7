package io.driftdb.sql.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SnapshotPolicyTest {
  private final SnapshotPolicy policy = new SnapshotPolicy(100, 1_000);

  @Test
  void oneIsDueAfterEitherThreshold() {
    assertThat(policy.due(99, 999)).isFalse();
    assertThat(policy.due(100, 5)).isTrue();
    assertThat(policy.due(3, 1_000)).isTrue();
  }

  @Test
  void itIsADeltaUntilTheDeltasWouldOutweighTheirSnapshot() {
    assertThat(policy.full(false, false, 0, 0)).as("nothing to extend").isTrue();
    assertThat(policy.full(true, true, 10_000_000, 1)).as("history deleted since").isTrue();
    // 10M versions in the snapshot: deltas until they hold as many.
    assertThat(policy.full(true, false, 10_000_000, 2_000_000)).isFalse();
    assertThat(policy.full(true, false, 10_000_000, 9_999_999)).isFalse();
    assertThat(policy.full(true, false, 10_000_000, 10_000_000)).isTrue();
  }
}
