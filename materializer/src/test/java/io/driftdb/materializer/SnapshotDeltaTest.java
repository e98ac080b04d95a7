package io.driftdb.materializer;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshot deltas: a full snapshot plus the deltas after it load as the state they were written from. */
class SnapshotDeltaTest {
  @TempDir
  Path dir;
  private SnapshotStore store;
  private final Materializer live = new Materializer();
  private long seq = -1;
  private long t;
  private long u;

  private void apply(Object... events) {
    seq++;
    live.apply(seq, 1_000 + 10 * seq, Schemas.transaction("test").setEvents(Arrays.asList(events)).build());
  }

  private Object insert(long table, Object... row) {
    return Schemas.row(RowOp.INSERT, table).setRow(Arrays.asList(row)).build();
  }

  @BeforeEach
  void history() throws IOException {
    store = new SnapshotStore(dir);
    apply(Schemas.ddl(DdlKind.CREATE_TABLE).setTableName("t").setTableId(-1)
        .setColumns(List.of(Schemas.column(0, "id", "INTEGER").setNullable(false).build(),
            Schemas.column(1, "v", "TEXT").build()))
        .setPrimaryKey(List.of(0)).build());
    t = Materializer.assignedTableId(0, 0);
    apply(Schemas.ddl(DdlKind.CREATE_INDEX).setTableId(t).setTableName("t")
        .setIndex(IndexDef.newBuilder().setName("t_v_idx").setColumns(List.of(1)).build()).build());
    for (int i = 0; i < 20; i++) {
      apply(insert(t, i, "v" + i));
    }
    store.write(live); // the full snapshot, at SEQ 21
    apply(Schemas.row(RowOp.UPDATE, t).setRow(Arrays.asList(3, "changed")).build());
    apply(Schemas.row(RowOp.DELETE, t).setKey(List.of(4)).build());
    apply(Schemas.ddl(DdlKind.CREATE_TABLE).setTableName("u").setTableId(-1)
        .setColumns(List.of(Schemas.column(0, "id", "BIGINT").setNullable(false).build(),
            Schemas.column(1, "x", "INTEGER").build()))
        .setPrimaryKey(List.of(0)).build());
    u = Materializer.assignedTableId(seq, 0);
    for (int i = 0; i < 5; i++) {
      apply(insert(u, (long) i, i * 10), insert(t, 100 + i, "w" + i));
    }
    apply(Schemas.ddl(DdlKind.ADD_COLUMN).setTableId(t).setTableName("t")
        .setColumns(List.of(Schemas.column(2, "w", "TEXT").build())).build());
    apply(Schemas.row(RowOp.UPDATE, t).setRow(Arrays.asList(5, "v5", "new column")).build());
    apply(Schemas.ddl(DdlKind.CREATE_USER).setTableName("alice").setProperties(Map.of("password", "x")).build());
    // Two schema changes in one transaction: both at the same SEQ.
    apply(Schemas.ddl(DdlKind.ADD_COLUMN).setTableId(t).setTableName("t")
            .setColumns(List.of(Schemas.column(3, "z", "TEXT").build())).build(),
        Schemas.ddl(DdlKind.CREATE_INDEX).setTableId(t).setTableName("t")
            .setIndex(IndexDef.newBuilder().setName("t_z_idx").setColumns(List.of(3)).build()).build());
    store.writeDelta(live, 21); // SEQ 21 .. 33
    apply(Schemas.ddl(DdlKind.DROP_TABLE).setTableId(u).setTableName("u").build());
    apply(Schemas.row(RowOp.DELETE, t).setKey(List.of(3)).build());
    apply(insert(t, 4, "back"));
    apply(Schemas.ddl(DdlKind.CREATE_INDEX).setTableId(t).setTableName("t")
        .setIndex(IndexDef.newBuilder().setName("t_w_idx").setColumns(List.of(2)).build()).build());
    // An index dropped and created again under its name, on another column.
    apply(Schemas.ddl(DdlKind.DROP_INDEX).setTableId(t).setTableName("t").setNewName("t_v_idx").build(),
        Schemas.ddl(DdlKind.CREATE_INDEX).setTableId(t).setTableName("t")
            .setIndex(IndexDef.newBuilder().setName("t_v_idx").setColumns(List.of(2)).build()).build());
    store.writeDelta(live, 33); // SEQ 33 .. 38
  }

  /** Everything the state holds, as text: tables, versions, schemas, indexes, bindings, users, commit times. */
  private static List<String> dump(Materializer m) {
    List<String> out = new ArrayList<>();
    out.add("seq=" + m.appliedSeq() + " schemaVersion=" + m.schemaVersion() + " rowEvents=" + m.rowEventsApplied());
    out.add("bindings=" + m.catalog().bindings() + " users=" + new java.util.TreeMap<>(m.catalog().users()));
    for (long s = m.timeline().firstSeq(); s <= m.appliedSeq(); s++) {
      out.add("ts " + s + "=" + m.timeline().timestampOf(s));
    }
    m.catalog().tables().stream().sorted(Comparator.comparingLong(TableData::tableId)).forEach(td -> {
      out.add("table " + td.tableId() + " created " + td.createdSeq() + " dropped " + td.droppedSeq());
      td.schemaHistory().forEach(v -> out.add("  schema@" + v.seq() + " " + v.schema()));
      td.indexes().stream().map(i -> i.info().name()).sorted().forEach(i -> {
        SecondaryIndex idx = td.index(i);
        out.add("  index " + idx.info() + ": " + idx.candidates(new Object[] {"changed"}, true, new Object[] {"w4"}, true));
      });
      td.rows().forEach((k, c) -> {
        StringBuilder b = new StringBuilder("  " + k + ":");
        for (int i = 0; i < c.size(); i++) {
          b.append(' ').append(c.seqAt(i)).append('/').append(c.opAt(i)).append('/')
              .append(Arrays.deepToString(c.rowAtIndex(i)));
        }
        out.add(b.toString());
      });
    });
    return out;
  }

  @Test
  void aSnapshotAndItsDeltasLoadAsTheStateTheyWereWrittenFrom() throws IOException {
    assertThat(store.deltas()).hasSize(2);
    SnapshotStore.Loaded loaded = store.load(Long.MAX_VALUE).orElseThrow();
    assertThat(loaded.snapshotSeq()).isEqualTo(21);
    assertThat(loaded.deltas()).isEqualTo(2);
    assertThat(loaded.materializer().appliedSeq()).isEqualTo(seq);
    assertThat(dump(loaded.materializer())).isEqualTo(dump(live));
    // Reads in between are answered as before, and the loaded state keeps applying the log.
    TableData lt = loaded.materializer().catalog().table(t);
    assertThat(lt.rowAt(RowKey.of(3), 25)).containsExactly(3, "changed");
    assertThat(lt.latestSchema().indexes()).extracting(IndexInfo::name).contains("t_z_idx");
    assertThat(lt.rowAt(RowKey.of(3), seq)).isNull();
    Materializer m = loaded.materializer();
    m.apply(seq + 1, 5_000, Schemas.transaction("test").setEvents(List.of(insert(t, 7_000, "after", null))).build());
    assertThat(m.catalog().table(t).rowAt(RowKey.of(7_000), seq + 1)).containsExactly(7_000, "after", null, null);
  }

  @Test
  void aDeltaOnlyHoldsWhatChangedAfterItsBase() throws IOException {
    List<Path> deltas = store.deltas();
    SnapshotDelta.Verified second = SnapshotDelta.verify(deltas.get(1));
    assertThat(second.baseSeq()).isEqualTo(33);
    assertThat(second.seq()).isEqualTo(38);
    // Applied on the state at 33 it adds exactly the two row versions written after 33.
    SnapshotStore.Loaded upTo33 = new SnapshotStore(dir).load(33).orElseThrow();
    assertThat(upTo33.deltas()).isEqualTo(1);
    assertThat(SnapshotDelta.apply(upTo33.materializer(), second)).isEqualTo(2);
  }

  @Test
  void aDamagedDeltaIsSkippedAndALaterOneThatExtendsTheStateIsApplied() throws IOException {
    Path first = store.deltas().get(0);
    apply(insert(t, 9_000, "after a restart", null));
    // As after a restart that could not use the first delta: a delta extending the snapshot.
    store.writeDelta(live, 21);
    byte[] bytes = Files.readAllBytes(first);
    bytes[bytes.length / 2] ^= 0x5A;
    Files.write(first, bytes);
    SnapshotStore.Loaded loaded = store.load(Long.MAX_VALUE).orElseThrow();
    assertThat(loaded.deltas()).isEqualTo(1);
    assertThat(dump(loaded.materializer())).isEqualTo(dump(live));
    // Without it, the damaged one ends at the snapshot: the log replays the rest.
    Files.delete(store.deltas().get(2));
    assertThat(store.load(Long.MAX_VALUE).orElseThrow().materializer().appliedSeq()).isEqualTo(21);
  }

  @Test
  void noDeltaAfterAHistoryDeletion() throws IOException {
    apply(Schemas.ddl(DdlKind.SET_OPTIONS).setTableId(t).setTableName("t")
        .setProperties(Map.of(TableOptions.DELETE_HISTORY_BEFORE, Long.toString(Long.MAX_VALUE))).build());
    assertThat(store.writeDelta(live, 38)).isEmpty();
    assertThat(store.deltas()).hasSize(2);
  }

  @Test
  void aDeltaThatDoesNotExtendTheStateIsNotApplied() throws IOException {
    Files.delete(store.deltas().get(0));
    SnapshotStore.Loaded loaded = store.load(Long.MAX_VALUE).orElseThrow();
    assertThat(loaded.deltas()).isZero();
    assertThat(loaded.materializer().appliedSeq()).isEqualTo(21);
  }

  @Test
  void deltasPastTheEndOfTheLogAreIgnored() throws IOException {
    assertThat(store.load(37).orElseThrow().materializer().appliedSeq()).isEqualTo(33);
  }

  @Test
  void pruningKeepsTheDeltasOfTheSnapshotsItKeeps() throws IOException {
    apply(insert(t, 8_000, "x", null));
    store.write(live); // a second full snapshot, at 39
    apply(insert(t, 8_001, "y", null));
    store.writeDelta(live, 39);
    assertThat(store.prune(2)).isEmpty(); // the deltas after 21 still extend a kept snapshot
    assertThat(store.prune(1)).extracting(p -> p.getFileName().toString())
        .containsExactlyInAnyOrder(String.format("%020d.snap", 21), String.format("%020d.delta", 33),
            String.format("%020d.delta", 38));
    SnapshotStore.Loaded loaded = store.load(Long.MAX_VALUE).orElseThrow();
    assertThat(loaded.snapshotSeq()).isEqualTo(39);
    assertThat(dump(loaded.materializer())).isEqualTo(dump(live));
  }
  @Test
  void aDeltaHoldsTheRowsWrittenSinceItsBaseAlsoAfterALoad() throws IOException {
    // The loaded state knows no writes before 38 (a delta's versions are not kept as writes)...
    Materializer m = store.load(Long.MAX_VALUE).orElseThrow().materializer();
    assertThat(writtenKeys(m, 37, 38)).isEmpty();
    // ... and every write applied after it.
    for (Materializer x : List.of(live, m)) {
      long at = seq + 1;
      x.apply(at, 9_000, Schemas.transaction("test").setEvents(List.of(
          Schemas.row(RowOp.UPDATE, t).setRow(Arrays.asList(0, "again", null, null)).build(),
          insert(t, 6_000, "new", null, "z"))).build());
      x.apply(at + 1, 9_010, Schemas.transaction("test").setEvents(List.<Object>of(
          Schemas.row(RowOp.DELETE, t).setKey(List.of(0)).build())).build());
    }
    seq += 2;
    assertThat(writtenKeys(m, 38, seq)).containsExactlyInAnyOrder(RowKey.of(0),
        RowKey.of(6_000));
    assertThat(writtenKeys(m, seq - 1, seq)).containsExactly(RowKey.of(0));
    SnapshotInfo d = store.writeDelta(m, 38).orElseThrow();
    assertThat(d.versions()).isEqualTo(3);
    // Written into the delta: forgotten, and a delta from an older base visits every row.
    assertThat(writtenKeys(m, 38, seq)).isNull();
    assertThat(dump(store.load(Long.MAX_VALUE).orElseThrow().materializer())).isEqualTo(dump(live));
  }

  /** The keys of the rows a delta after {@code since} up to {@code through} visits, in its order. */
  private List<RowKey> writtenKeys(Materializer m, long since, long through) {
    var rows = m.catalog().table(t).rowsWrittenBetween(since, through);
    return rows == null ? null : rows.stream().map(Map.Entry::getKey).toList();
  }

  @Test
  void aKeyWrittenSeveralTimesIsInTheDeltaOnceWithAllItsVersions() throws IOException {
    long base = seq;
    apply(insert(t, 500, "a", null, null), Schemas.row(RowOp.UPDATE, t).setRow(Arrays.asList(500, "b", null, null))
        .build()); // one transaction writes the key twice: two versions at one SEQ
    apply(insert(t, 501, "c", null, null));
    apply(Schemas.row(RowOp.UPDATE, t).setRow(Arrays.asList(501, "d", null, null)).build(),
        Schemas.row(RowOp.UPDATE, t).setRow(Arrays.asList(500, "e", null, null)).build());
    apply(Schemas.row(RowOp.DELETE, t).setKey(List.of(501)).build(),
        Schemas.row(RowOp.UPDATE, t).setRow(Arrays.asList(500, "f", null, null)).build(),
        Schemas.row(RowOp.UPDATE, t).setRow(Arrays.asList(500, "g", null, null)).build());
    assertThat(writtenKeys(live, base, seq)).containsExactlyInAnyOrder(RowKey.of(500), RowKey.of(501));
    assertThat(writtenKeys(live, base, seq - 1)).containsExactlyInAnyOrder(RowKey.of(500), RowKey.of(501));
    assertThat(writtenKeys(live, base + 1, base + 2)).containsExactly(RowKey.of(501));
    assertThat(live.catalog().table(t).chain(RowKey.of(500)).size()).isEqualTo(5);
    SnapshotInfo d = store.writeDelta(live, base).orElseThrow();
    assertThat(d.versions()).as("5 versions of 500, 3 of 501").isEqualTo(8);
    assertThat(dump(store.load(Long.MAX_VALUE).orElseThrow().materializer())).isEqualTo(dump(live));
  }

  @Test
  void randomWritesWithDeltasInBetweenLoadAsTheLiveState() throws IOException {
    Path other = dir.resolve("random");
    Files.createDirectories(other);
    SnapshotStore s2 = new SnapshotStore(other);
    java.util.Random r = new java.util.Random(42);
    s2.write(live);
    long base = seq;
    java.util.Set<Integer> present = new java.util.HashSet<>();
    live.catalog().table(t).rows().forEach((k, c) -> {
      if (c.rowAt(seq) != null) {
        present.add((Integer) k.values()[0]);
      }
    });
    for (int i = 0; i < 400; i++) {
      List<Object> events = new ArrayList<>();
      java.util.Set<Integer> touched = new java.util.HashSet<>();
      for (int j = 0, n = 1 + r.nextInt(4); j < n; j++) {
        int k = r.nextInt(60);
        if (!touched.add(k)) {
          continue;
        }
        if (present.contains(k) && r.nextInt(3) == 0) {
          events.add(Schemas.row(RowOp.DELETE, t).setKey(List.of(k)).build());
          present.remove(k);
        } else {
          events.add(Schemas.row(present.contains(k) ? RowOp.UPDATE : RowOp.INSERT, t)
              .setRow(Arrays.asList(k, "v" + i, r.nextBoolean() ? null : "w" + j, null)).build());
          present.add(k);
        }
      }
      apply(events.toArray());
      if (r.nextInt(25) == 0) {
        s2.writeDelta(live, base);
        base = seq;
      }
    }
    s2.writeDelta(live, base);
    assertThat(s2.deltas().size()).isGreaterThan(5);
    assertThat(dump(s2.load(Long.MAX_VALUE).orElseThrow().materializer())).isEqualTo(dump(live));
  }
}
