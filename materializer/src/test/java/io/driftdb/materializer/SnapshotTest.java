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
}
