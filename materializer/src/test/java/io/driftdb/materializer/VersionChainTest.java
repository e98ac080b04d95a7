package io.driftdb.materializer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class VersionChainTest {
  private static Object[] row(Object... values) {
    return values;
  }

  @Test
  void anEmptyChainHasNoVersions() {
    VersionChain c = new VersionChain();
    assertThat(c.size()).isZero();
    assertThat(c.lastSeq()).isEqualTo(-1);
    assertThat(c.versionIndexAt(Long.MAX_VALUE)).isEqualTo(-1);
    assertThat(c.rowAt(Long.MAX_VALUE)).isNull();
  }

  @Test
  void aSingleVersionIsVisibleFromItsSeqOn() {
    VersionChain c = new VersionChain();
    Object[] r = row(1L, "a");
    c.append(10, r, VersionChain.INSERT);
    assertThat(c.size()).isEqualTo(1);
    assertThat(c.rowAt(9)).isNull();
    assertThat(c.rowAt(10)).isSameAs(r);
    assertThat(c.rowAt(Long.MAX_VALUE)).isSameAs(r);
    assertThat(c.lastSeq()).isEqualTo(10);
    assertThat(c.hasVersionAt(10)).isTrue();
    assertThat(c.hasVersionAt(11)).isFalse();
    assertThat(c.seqAt(0)).isEqualTo(10);
    assertThat(c.opAt(0)).isEqualTo(VersionChain.INSERT);
  }

  @Test
  void laterVersionsKeepTheEarlierOnesReadable() {
    VersionChain c = new VersionChain();
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 9; i++) { // past several growths of the arrays
      Object[] r = row((long) i);
      rows.add(r);
      c.append(100 + 10L * i, r, i == 0 ? VersionChain.INSERT : VersionChain.UPDATE);
    }
    c.append(200, rows.get(8), VersionChain.DELETE);
    assertThat(c.size()).isEqualTo(10);
    assertThat(c.rowAt(99)).isNull();
    for (int i = 0; i < 9; i++) {
      assertThat(c.rowAt(100 + 10L * i)).isSameAs(rows.get(i));
      assertThat(c.rowAt(105 + 10L * i)).isSameAs(rows.get(i));
      assertThat(c.seqAt(i)).isEqualTo(100 + 10L * i);
      assertThat(c.rowAtIndex(i)).isSameAs(rows.get(i));
    }
    assertThat(c.opAt(0)).isEqualTo(VersionChain.INSERT);
    assertThat(c.opAt(1)).isEqualTo(VersionChain.UPDATE);
    assertThat(c.rowAt(200)).isNull(); // deleted
    assertThat(c.versionIndexAt(200)).isEqualTo(9);
    assertThat(c.rowAtIndex(9)).isSameAs(rows.get(8)); // the tombstone keeps the deleted image
    assertThat(c.lastSeq()).isEqualTo(200);
  }

  @Test
  void aSuffixHoldsTheVersionsFromAnIndexOn() {
    VersionChain c = new VersionChain();
    for (int i = 0; i < 5; i++) {
      c.append(i, row((long) i), VersionChain.UPDATE);
    }
    VersionChain last = c.suffix(4);
    assertThat(last.size()).isEqualTo(1);
    assertThat(last.seqAt(0)).isEqualTo(4);
    assertThat(last.rowAt(3)).isNull();
    VersionChain tail = c.suffix(2);
    assertThat(tail.size()).isEqualTo(3);
    assertThat(tail.rowAt(3)).containsExactly(3L);
    assertThat(c.size()).isEqualTo(5); // the original is untouched
  }

  @Test
  void aConcurrentReaderSeesOnlyCompleteVersions() throws Exception {
    VersionChain c = new VersionChain();
    int versions = 200_000;
    AtomicReference<String> problem = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      while (problem.get() == null) {
        int n = c.size();
        if (n == versions) {
          return;
        }
        for (int i = Math.max(0, n - 3); i < n; i++) {
          // Version i was written at SEQ i with the row [i].
          Object[] r = c.rowAtIndex(i);
          if (c.seqAt(i) != i || r == null || (Long) r[0] != i || c.versionIndexAt(i) != i) {
            problem.set("version " + i + " of " + n + " read as seq " + c.seqAt(i));
          }
        }
      }
    });
    reader.start();
    for (int i = 0; i < versions; i++) {
      c.append(i, row((long) i), i == 0 ? VersionChain.INSERT : VersionChain.UPDATE);
    }
    reader.join();
    assertThat(problem.get()).isNull();
    assertThat(c.size()).isEqualTo(versions);
  }
}
