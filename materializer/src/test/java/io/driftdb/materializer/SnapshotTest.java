package io.driftdb.materializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdb.schemas.DdlKind;
import io.driftdb.schemas.IndexDef;
import io.driftdb.schemas.RowOp;
import io.driftdb.schemas.Schemas;
import io.driftdb.schemas.TransactionRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotTest {
  @TempDir
  Path dir;

  private static TransactionRecord tx(Object... events) {
    return Schemas.transaction("t").setEvents(Arrays.asList(events)).build();
  }

  private static Materializer sample() {
    Materializer m = new Materializer();
    m.apply(0, 1000, tx(Schemas.ddl(DdlKind.CREATE_TABLE).setTableName("t").setTableId(-1)
        .setColumns(List.of(Schemas.column(0, "id", "INTEGER").setNullable(false).build(),
            Schemas.column(1, "v", "TEXT").build(), Schemas.column(2, "b", "BYTEA").build(),
            Schemas.column(3, "n", "NUMERIC(10,2)").build()))
        .setPrimaryKey(List.of(0)).build()));
    long id = Materializer.assignedTableId(0, 0);
    m.apply(1, 1001, tx(Schemas.ddl(DdlKind.CREATE_INDEX).setTableId(id).setTableName("t")
        .setIndex(IndexDef.newBuilder().setName("t_v_idx").setColumns(List.of(1)).build()).build()));
    for (int i = 0; i < 50; i++) {
      m.apply(2 + i, 1002 + i, tx(Schemas.row(RowOp.INSERT, id)
          .setRow(Arrays.asList(i, "v" + i, java.nio.ByteBuffer.wrap(new byte[] {(byte) i}), "1.50")).build()));
    }
    m.apply(52, 2000, tx(Schemas.row(RowOp.UPDATE, id).setRow(Arrays.asList(3, "changed", null, null)).build()));
    m.apply(53, 2001, tx(Schemas.row(RowOp.DELETE, id).setKey(List.of(4)).build()));
    return m;
  }

  private static List<String> dump(Materializer m, long seq) {
    List<String> out = new ArrayList<>();
    TableData t = m.catalog().resolve("t", seq).orElseThrow();
    t.rows().forEach((k, c) -> {
      Object[] r = c.rowAt(seq);
      out.add(k + "=" + (r == null ? "-" : Arrays.deepToString(r)) + "@" + c.lastSeq());
    });
    out.add("ts=" + m.timeline().timestampOf(seq));
    out.add("idx=" + t.index("t_v_idx").candidates(new Object[] {"changed"}, true, new Object[] {"changed"}, true));
    return out;
  }

  @Test
  void roundTripsTheWholeStateAtEverySeq() throws IOException {
    Materializer m = sample();
    SnapshotInfo info = m.writeSnapshot(dir);
    assertThat(info.seq()).isEqualTo(53);
    Materializer back = Materializer.readSnapshot(info.file());
    assertThat(back.appliedSeq()).isEqualTo(53);
    for (long s = 2; s <= 53; s += 7) {
      assertThat(dump(back, s)).isEqualTo(dump(m, s));
    }
    // the restored state keeps applying the log tail
    back.apply(54, 3000, tx(Schemas.row(RowOp.DELETE, Materializer.assignedTableId(0, 0)).setKey(List.of(5)).build()));
    assertThat(back.catalog().resolve("t", 54).orElseThrow().rowAt(RowKey.of(5), 54)).isNull();
  }

  @Test
  void damagedSnapshotIsRefusedAndSkipped() throws IOException {
    Materializer m = sample();
    SnapshotInfo info = m.writeSnapshot(dir.resolve("snaps"));
    byte[] bytes = Files.readAllBytes(info.file());
    bytes[bytes.length / 2] ^= 0x5A;
    Files.write(info.file(), bytes);
    assertThatThrownBy(() -> Materializer.readSnapshot(info.file())).isInstanceOf(SnapshotCorruptedException.class)
        .hasMessageContaining("checksum");
    assertThat(new SnapshotStore(dir.resolve("snaps")).loadNewest(Long.MAX_VALUE)).isEmpty();
  }

  @Test
  void readsTheFirstFormatVersion() throws IOException {
    // Written by the version-1 writer (fixed-width, every cell written out) from sample().
    Path v1 = dir.resolve("00000000000000000053.snap");
    try (var in = SnapshotTest.class.getResourceAsStream("/snapshot-v1/00000000000000000053.snap")) {
      Files.copy(in, v1);
    }
    assertThat(java.nio.ByteBuffer.wrap(Files.readAllBytes(v1)).getInt(8)).isEqualTo(1);
    Materializer m = sample();
    Materializer back = Materializer.readSnapshot(v1);
    for (long s = 2; s <= 53; s += 7) {
      assertThat(dump(back, s)).isEqualTo(dump(m, s));
    }
  }

  @Test
  void everyValueTypeAndEveryVersionRoundTrips() throws IOException {
    Materializer m = new Materializer();
    m.apply(0, 1000, tx(Schemas.ddl(DdlKind.CREATE_TABLE).setTableName("w").setTableId(-1)
        .setColumns(List.of(Schemas.column(0, "id", "BIGINT").setNullable(false).build(),
            Schemas.column(1, "s", "SMALLINT").build(), Schemas.column(2, "i", "INTEGER").build(),
            Schemas.column(3, "r", "REAL").build(), Schemas.column(4, "d", "DOUBLE PRECISION").build(),
            Schemas.column(5, "b", "BOOLEAN").build(), Schemas.column(6, "n", "NUMERIC").build(),
            Schemas.column(7, "t", "TEXT").build(), Schemas.column(8, "y", "BYTEA").build()))
        .setPrimaryKey(List.of(0)).build()));
    long id = Materializer.assignedTableId(0, 0);
    long[] keys = {Long.MIN_VALUE, -1, 0, 1, 300, Long.MAX_VALUE};
    long seq = 1;
    for (long k : keys) {
      m.apply(seq, 1000 + seq * 7, tx(Schemas.row(RowOp.INSERT, id).setRow(Arrays.asList(k, (int) Short.MIN_VALUE,
          Integer.MIN_VALUE, -1.5f, Double.MAX_VALUE, true, "-12345678901234567890.5", "é✓ " + k,
          java.nio.ByteBuffer.wrap(new byte[] {(byte) k, 0, -1}))).build()));
      seq++;
    }
    // Versions that share most cells with the one before, a delete, a re-insert, then NULLs.
    for (int round = 0; round < 3; round++) {
      for (long k : keys) {
        m.apply(seq, 1000 + seq * 7, tx(Schemas.row(RowOp.UPDATE, id).setRow(Arrays.asList(k, (int) Short.MAX_VALUE,
            Integer.MAX_VALUE, 2.25f, -0.0d, round % 2 == 0, "7", "é✓ " + k, java.nio.ByteBuffer.wrap(new byte[0])))
            .build()));
        seq++;
      }
    }
    m.apply(seq++, 9_000, tx(Schemas.row(RowOp.DELETE, id).setKey(List.of(300L)).build()));
    m.apply(seq++, 9_001, tx(Schemas.row(RowOp.INSERT, id).setRow(Arrays.asList(300L, null, null, null, null, null,
        null, null, null)).build()));
    long last = seq - 1;
    Materializer back = Materializer.readSnapshot(m.writeSnapshot(dir).file());
    assertThat(back.appliedSeq()).isEqualTo(last);
    TableData a = m.catalog().resolve("w", last).orElseThrow();
    TableData b = back.catalog().resolve("w", last).orElseThrow();
    assertThat(b.rows().keySet()).containsExactlyElementsOf(a.rows().keySet());
    for (var e : a.rows().entrySet()) {
      VersionChain x = e.getValue();
      VersionChain y = b.chain(e.getKey());
      assertThat(y.size()).isEqualTo(x.size());
      for (int v = 0; v < x.size(); v++) {
        assertThat(y.seqAt(v)).isEqualTo(x.seqAt(v));
        assertThat(y.opAt(v)).isEqualTo(x.opAt(v));
        assertThat(y.rowAtIndex(v)).isEqualTo(x.rowAtIndex(v));
      }
    }
    for (long s = 0; s <= last; s++) {
      assertThat(back.timeline().timestampOf(s)).isEqualTo(m.timeline().timestampOf(s));
    }
  }

  @Test
  void refusesAFormatVersionFromTheFuture() throws IOException {
    SnapshotInfo info = sample().writeSnapshot(dir);
    byte[] bytes = Files.readAllBytes(info.file());
    java.nio.ByteBuffer.wrap(bytes).putInt(8, SnapshotFormat.VERSION + 1);
    Files.write(info.file(), bytes);
    assertThatThrownBy(() -> Materializer.readSnapshot(info.file())).isInstanceOf(SnapshotCorruptedException.class)
        .hasMessageContaining("format version " + (SnapshotFormat.VERSION + 1));
  }
}
