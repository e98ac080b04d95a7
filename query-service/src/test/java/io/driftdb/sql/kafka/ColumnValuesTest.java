package io.driftdb.sql.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ColumnValues behaves as the LinkedHashMap it replaces on the gateway's path. */
class ColumnValuesTest {
  @Test
  void keepsInsertionOrderAndNullsLikeALinkedHashMap() {
    Map<Integer, Object> cv = new ColumnValues(2);
    Map<Integer, Object> lhm = new LinkedHashMap<>();
    for (Map<Integer, Object> m : List.of(cv, lhm)) {
      assertThat(m.put(1, "b")).isNull();
      assertThat(m.put(0, null)).isNull();
      assertThat(m.put(5, 7L)).isNull(); // beyond the initial width: grows
      assertThat(m.put(1, "c")).isEqualTo("b");
    }
    assertThat(cv).isEqualTo(lhm).hasSize(3);
    assertThat(List.copyOf(cv.keySet())).containsExactly(1, 0, 5);
    assertThat(cv.containsKey(0)).isTrue();
    assertThat(cv.get(0)).isNull();
    assertThat(cv.containsKey(2)).isFalse();
    assertThat(cv.containsKey(99)).isFalse();
    assertThat(cv.keySet().contains(5)).isTrue();
    StringBuilder seen = new StringBuilder();
    cv.forEach((id, v) -> seen.append(id).append('=').append(v).append(' '));
    assertThat(seen).hasToString("1=c 0=null 5=7 ");
  }
}
