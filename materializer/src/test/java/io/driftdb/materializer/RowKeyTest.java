package io.driftdb.materializer;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class RowKeyTest {

  @Test
  void keysThatAreEqualHashAlike() {
    // Tables look keys up by hash and scan them in order: both must agree.
    RowKey[][] equal = {
        {RowKey.of(1L), RowKey.of(1), RowKey.of(new BigDecimal("1.00")), RowKey.of(1.0d)},
        {RowKey.of((Object) new byte[] {1, 2, 3}), RowKey.of((Object) new byte[] {1, 2, 3})},
        {RowKey.of("a", 7L), RowKey.of("a", 7)},
    };
    for (RowKey[] group : equal) {
      for (RowKey a : group) {
        for (RowKey b : group) {
          assertThat(a).isEqualTo(b);
          assertThat(a.hashCode()).as(a + " vs " + b).isEqualTo(b.hashCode());
        }
      }
    }
    assertThat(RowKey.of((Object) new byte[] {1, 2})).isNotEqualTo(RowKey.of((Object) new byte[] {1, 3}));
  }

  @Test
  void aTableFindsAKeyByAnyEqualSpelling() {
    TableData t = new TableData(0, new TableSchema(5, "t", java.util.List.of(), java.util.List.of(0), false,
        java.util.List.of(), java.util.List.of(), java.util.Map.of(), 1));
    t.write(1, RowKey.of(42L), new Object[] {42L}, VersionChain.INSERT);
    assertThat(t.chain(RowKey.of(42))).isSameAs(t.rows().get(RowKey.of(42L)));
    assertThat(t.rowAt(RowKey.of(new BigDecimal("42")), 1)).containsExactly(42L);
    assertThat(t.keyCount()).isEqualTo(1);
  }

  @Test
  void oneColumnAndWiderKeysOrderAsTheirValues() {
    // A one-column key keeps its value without an array; it must order like the general case.
    java.util.List<RowKey> sorted = new java.util.ArrayList<>(java.util.List.of(RowKey.of(2L, "b"), RowKey.of(2L),
        RowKey.of(1L, "z"), RowKey.of(3L), RowKey.of(1L), RowKey.of()));
    java.util.Collections.sort(sorted);
    assertThat(sorted).containsExactly(RowKey.of(), RowKey.of(1L), RowKey.of(1L, "z"), RowKey.of(2L), RowKey.of(2L, "b"),
        RowKey.of(3L));
    assertThat(RowKey.of(7L).values()).containsExactly(7L);
    assertThat(RowKey.of("a", 7L).values()).containsExactly("a", 7L);
    assertThat(RowKey.of(7L)).isNotEqualTo(RowKey.of(7L, null)).hasToString("7");
  }
}
