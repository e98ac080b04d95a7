package io.driftdb.log.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdb.log.kafka.GroupCoordinator.Committed;
import io.driftdb.log.kafka.GroupCoordinator.OffsetKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffsetStoreTest {
  @TempDir
  Path dir;

  @Test
  void savedOffsetsLoadBackExactlyAndReplaceThePreviousVersion() throws Exception {
    OffsetStore store = new OffsetStore(dir.resolve("kafka").resolve("group-offsets"));
    assertThat(store.load()).isEmpty();
    store.save(Map.of("reporting\tgroup", Map.of(new OffsetKey(42, 0), new Committed(7, 3, "meta\ndata")),
        "other", Map.of(new OffsetKey(1, 0), new Committed(0, -1, null))));
    store.save(Map.of("reporting\tgroup", Map.of(new OffsetKey(42, 0), new Committed(9, 3, "meta\ndata"))));
    assertThat(store.load()).containsExactly(
        Map.entry("reporting\tgroup", Map.of(new OffsetKey(42, 0), new Committed(9, 3, "meta\ndata"))));
    assertThat(dir.resolve("kafka").resolve("group-offsets.tmp")).doesNotExist();
  }

  @Test
  void aDamagedFileIsReportedWithItsLine() throws Exception {
    Path file = dir.resolve("group-offsets");
    Files.writeString(file, "Zw==\t1\t0\t5\t-1\t-\ngarbage\n");
    assertThatThrownBy(() -> new OffsetStore(file).load()).hasMessageContaining("line 2");
  }
}
