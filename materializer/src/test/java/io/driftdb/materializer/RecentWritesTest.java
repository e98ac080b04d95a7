package io.driftdb.materializer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentWritesTest {
  /** The keys of the writes in (since, through], one per write, in SEQ order; null when unknown. */
  private static List<RowKey> keys(RecentWrites w, long since, long through) {
    RecentWrites.Writes v = w.writtenBetween(since, through);
    return v == null ? null : Arrays.asList(v.keys()).subList(v.from(), v.to());
  }

  @Test
  void givesTheWritesOfARangeOfSeqsInSeqOrder() {
    RecentWrites w = new RecentWrites();
    w.add(5, RowKey.of(1));
    w.add(5, RowKey.of(2));
    w.add(7, RowKey.of(1));
    w.add(9, RowKey.of(3));
    assertThat(keys(w, 4, 9)).containsExactly(RowKey.of(1), RowKey.of(2), RowKey.of(1), RowKey.of(3));
    assertThat(keys(w, 5, 8)).containsExactly(RowKey.of(1));
    assertThat(keys(w, 9, 20)).isEmpty();
  }

  @Test
  void forgetsWhatASnapshotHoldsAndThenCannotAnswerForOlderBases() {
    RecentWrites w = new RecentWrites();
    for (int i = 0; i < 100; i++) {
      w.add(i, RowKey.of(i));
    }
    w.forgetThrough(89);
    assertThat(w.size()).isEqualTo(10);
    assertThat(keys(w, 89, 99)).hasSize(10).contains(RowKey.of(90), RowKey.of(99));
    assertThat(keys(w, 50, 99)).isNull();
    w.add(100, RowKey.of(7));
    assertThat(keys(w, 95, 100)).containsExactly(RowKey.of(96), RowKey.of(97), RowKey.of(98),
        RowKey.of(99), RowKey.of(7));
  }

  @Test
  void pastItsLimitItKeepsNothingKnownBeforeTheWriteThatDidNotFit() {
    RecentWrites w = new RecentWrites(4);
    for (int i = 0; i < 4; i++) {
      w.add(i, RowKey.of(i));
    }
    w.add(4, RowKey.of(4)); // does not fit: writes up to SEQ 4 are no longer known
    w.add(5, RowKey.of(5));
    assertThat(keys(w, 3, 5)).isNull();
    assertThat(keys(w, 4, 5)).containsExactly(RowKey.of(5));
  }

  @Test
  void aWriteOutOfSeqOrderMakesEarlierBasesUnknownInsteadOfGivingWrongAnswers() {
    RecentWrites w = new RecentWrites();
    w.add(10, RowKey.of(1));
    w.add(8, RowKey.of(2));
    assertThat(keys(w, 9, 20)).isNull();
    w.add(11, RowKey.of(3));
    assertThat(keys(w, 10, 20)).containsExactly(RowKey.of(3));
  }

  @Test
  void aReaderKeepsAConsistentViewWhileTheWriterAppendsAndForgets() {
    RecentWrites w = new RecentWrites();
    for (int i = 0; i < 1_000; i++) {
      w.add(i, RowKey.of(i));
    }
    var before = w.writtenBetween(499, 999);
    w.forgetThrough(700);
    for (int i = 1_000; i < 3_000; i++) {
      w.add(i, RowKey.of(i));
    }
    assertThat(before.size()).isEqualTo(500);
    assertThat(before.keys()[before.from()]).isEqualTo(RowKey.of(500));
    assertThat(before.seqs()[before.to() - 1]).isEqualTo(999);
    assertThat(keys(w, 700, 2_999)).hasSize(2_299);
  }
}
