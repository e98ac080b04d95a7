package io.driftdb.sql.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SnapshotPolicyTest {
  private final SnapshotPolicy policy = new SnapshotPolicy(100, 1_000);

  @Test
  void theFirstSnapshotComesAfterEitherThreshold() {
    assertThat(policy.due(99, 999, 0)).isFalse();
    assertThat(policy.due(100, 5, 0)).isTrue();
    assertThat(policy.due(3, 1_000, 0)).isTrue();
  }

  @Test
  void aLargeStateWaitsUntilTheTailIsAQuarterOfIt() {
    // 10M versions in the last snapshot: 100 small transactions do not justify rewriting them.
    assertThat(policy.due(100, 100, 10_000_000)).isFalse();
    assertThat(policy.due(50_000, 2_499_999, 10_000_000)).isFalse();
    assertThat(policy.due(50_000, 2_500_000, 10_000_000)).isTrue();
    // A small state snapshots at the thresholds as before.
    assertThat(policy.due(100, 100, 400)).isTrue();
  }
}
