package io.driftdb.materializer;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdb.log.LogRecord;
import io.driftdb.schemas.DdlEvent;
import io.driftdb.schemas.DdlKind;
import io.driftdb.schemas.IndexDef;
import io.driftdb.schemas.RowEvent;
import io.driftdb.schemas.RowOp;
import io.driftdb.schemas.Schemas;
import io.driftdb.schemas.TransactionCodec;
import io.driftdb.schemas.TransactionRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * History deletion against a model: random writes to a keyed and a key-less table, random
 * DELETE HISTORY events; the chains keep exactly the versions still current at each table's
 * horizon, never a current row. Then the log is stripped the way VACUUM strips it (up to any
 * prefix, as only sealed segments are rewritten) and replayed from scratch: the same state,
 * counters included; so is a snapshot written after the deletions.
 */
class HistoryDeletionReplayTest {
  private static final TransactionCodec CODEC = new TransactionCodec();

  @TempDir
  Path dir;

  /** A committed record as the log would hold it. */
  record Entry(long seq, long ts, byte[] value) {}

  private static TransactionRecord tx(List<Object> events) {
    return Schemas.transaction("t").setEvents(events).build();
  }

  private static DdlEvent deleteHistory(long tableId, long before) {
    return Schemas.ddl(DdlKind.SET_OPTIONS).setTableId(tableId).setTableName("x")
        .setProperties(Map.of(TableOptions.DELETE_HISTORY_BEFORE, Long.toString(before))).build();
  }

  /** Builds a random log; applies it to {@code m}; returns the records. */
  private static List<Entry> randomLog(Random rnd, Materializer m, int transactions) {
    List<Entry> log = new ArrayList<>();
    long ts = 1_000_000;
    // SEQ 0: both tables in one transaction (ids from event positions), and some rows right away.
    List<Object> first = new ArrayList<>();
    first.add(Schemas.ddl(DdlKind.CREATE_TABLE).setTableName("k").setTableId(-1)
        .setColumns(List.of(Schemas.column(0, "id", "INTEGER").setNullable(false).build(),
            Schemas.column(1, "v", "TEXT").build()))
        .setPrimaryKey(List.of(0)).build());
    first.add(Schemas.ddl(DdlKind.CREATE_TABLE).setTableName("n").setTableId(-1)
        .setColumns(List.of(Schemas.column(0, "v", "BIGINT").build())).build());
    first.add(Schemas.ddl(DdlKind.CREATE_INDEX).setTableId(-1).setTableName("k")
        .setIndex(IndexDef.newBuilder().setName("k_v").setColumns(List.of(1)).build()).build());
    first.add(Schemas.row(RowOp.INSERT, -1).setRow(Arrays.asList(0, "first")).build());
    add(log, m, 0, ts, tx(first));
    long k = Materializer.assignedTableId(0, 0);
    long n = Materializer.assignedTableId(0, 1);
    Map<Integer, Boolean> live = new HashMap<>(Map.of(0, true));
    Map<Long, Boolean> liveN = new HashMap<>();
    for (long seq = 1; seq <= transactions; seq++) {
      ts += rnd.nextInt(3); // several SEQs may share a millisecond
      List<Object> events = new ArrayList<>();
      if (rnd.nextInt(12) == 0) {
        long table = rnd.nextBoolean() ? k : n;
        long before = rnd.nextInt(10) == 0 ? Long.MAX_VALUE : ts - rnd.nextInt((int) (ts - 1_000_000) + 1);
        events.add(deleteHistory(table, before));
      } else {
        java.util.Set<Integer> touched = new java.util.HashSet<>();
        for (int e = 0, count = 1 + rnd.nextInt(3); e < count; e++) {
          int key = rnd.nextInt(10);
          if (!touched.add(key)) {
            continue; // one event per key and transaction, as the engine writes them
          }
          boolean exists = live.getOrDefault(key, false);
          if (exists && rnd.nextInt(3) == 0) {
            events.add(Schemas.row(RowOp.DELETE, k).setKey(List.of(key)).build());
            live.put(key, false);
          } else {
            events.add(Schemas.row(exists ? RowOp.UPDATE : RowOp.INSERT, k)
                .setRow(Arrays.asList(key, "v" + seq + "-" + rnd.nextInt(4))).build());
            live.put(key, true);
          }
        }
        if (rnd.nextInt(3) == 0) {
          long rowId = rnd.nextInt(4);
          boolean exists = liveN.getOrDefault(rowId, false);
          if (exists && rnd.nextBoolean()) {
            events.add(Schemas.row(RowOp.DELETE, n).setKey(List.of(rowId)).build());
            liveN.put(rowId, false);
          } else {
            events.add(Schemas.row(exists ? RowOp.UPDATE : RowOp.INSERT, n).setKey(List.of(rowId))
                .setRow(Arrays.asList(seq)).build());
            liveN.put(rowId, true);
          }
        }
      }
      add(log, m, seq, ts, tx(events));
    }
    return log;
  }

  private static void add(List<Entry> log, Materializer m, long seq, long ts, TransactionRecord tx) {
    byte[] bytes = CODEC.encode(tx);
    log.add(new Entry(seq, ts, bytes));
    m.apply(seq, ts, CODEC.decode(bytes));
  }

  /** Every version of every table: table/key -> "seq op row" list. */
  private static Map<String, List<String>> versions(Materializer m) {
    Map<String, List<String>> out = new TreeMap<>();
    for (TableData t : m.catalog().tables()) {
      t.rows().forEach((key, c) -> {
        List<String> vs = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
          vs.add(c.seqAt(i) + " " + c.opAt(i) + " " + Arrays.deepToString(c.rowAtIndex(i)));
        }
        out.put(t.latestSchema().name() + "/" + key, vs);
      });
    }
    return out;
  }

  private static Materializer replay(List<Entry> log) {
    Materializer m = new Materializer();
    for (Entry e : log) {
      m.apply(e.seq(), e.ts(), CODEC.decode(e.value()));
    }
    return m;
  }

  /** The log as VACUUM leaves it when records up to {@code sealedUpTo} were in sealed segments. */
  private static List<Entry> stripped(List<Entry> log, Materializer m, long sealedUpTo) {
    DeletedHistoryRewriter rewriter = new DeletedHistoryRewriter(m, m.appliedSeq());
    List<Entry> out = new ArrayList<>();
    for (Entry e : log) {
      byte[] v = e.seq() <= sealedUpTo && rewriter.mayRewrite(e.seq(), e.seq())
          ? rewriter.rewrite(new LogRecord(e.seq(), e.ts(), null, e.value(), List.of()))
          : e.value();
      out.add(new Entry(e.seq(), e.ts(), v));
    }
    return out;
  }

  @RepeatedTest(8)
  void strippedLogsReplayToTheSameState(org.junit.jupiter.api.RepetitionInfo rep) throws Exception {
    long seed = 1000L + rep.getCurrentRepetition();
    Random rnd = new Random(seed);
    Materializer full = new Materializer();
    List<Entry> log = randomLog(rnd, full, 300);
    Materializer unstripped = replay(log);
    Map<String, List<String>> expected = versions(full);
    assertThat(versions(unstripped)).as("seed %d", seed).isEqualTo(expected);
    assertThat(unstripped.rowEventsApplied()).isEqualTo(full.rowEventsApplied());

    long totalVersions = expected.values().stream().mapToLong(List::size).sum();
    assertThat(full.rowEventsApplied()).isEqualTo(totalVersions);
    for (long sealed : new long[] {log.size() - 1, log.size() / 2, rnd.nextInt(log.size())}) {
      List<Entry> s = stripped(log, full, sealed);
      Materializer back = replay(s);
      assertThat(versions(back)).as("seed %d, stripped up to SEQ %d", seed, sealed).isEqualTo(expected);
      assertThat(back.rowEventsApplied()).isEqualTo(full.rowEventsApplied());
      assertThat(back.schemaVersion()).isEqualTo(full.schemaVersion());
      for (TableData t : full.catalog().tables()) {
        TableData b = back.catalog().table(t.tableId());
        assertThat(b.historyHorizon()).isEqualTo(t.historyHorizon());
        assertThat(b.schemaHistory()).isEqualTo(t.schemaHistory());
      }
      // Stripping again (a second VACUUM) changes nothing more, and no record vanished.
      assertThat(s).hasSize(log.size());
      assertThat(versions(replay(stripped(s, back, sealed)))).isEqualTo(expected);
    }
    // With everything stripped, the log holds exactly the kept versions' events.
    long events = 0;
    for (Entry e : stripped(log, full, log.size() - 1)) {
      events += CODEC.decode(e.value()).getEvents().stream().filter(o -> o instanceof RowEvent).count();
    }
    assertThat(events).isEqualTo(totalVersions);

    Materializer fromSnapshot = Materializer.readSnapshot(full.writeSnapshot(dir.resolve("s" + seed)).file());
    assertThat(versions(fromSnapshot)).isEqualTo(expected);
    assertThat(fromSnapshot.rowEventsApplied()).isEqualTo(full.rowEventsApplied());
  }

  /** Against a model: each chain keeps exactly the versions current at or after the horizon. */
  @Test
  void keepsExactlyWhatIsCurrentAtTheHorizonAndEveryCurrentRow() {
    Random rnd = new Random(7);
    Materializer m = new Materializer();
    List<Entry> log = randomLog(rnd, m, 0);
    long k = Materializer.assignedTableId(0, 0);
    long ts = 2_000_000;
    // seq -> key -> op, image; kept in a model of full chains
    Map<Integer, List<long[]>> model = new TreeMap<>(); // key -> [seq, op]
    model.put(0, new ArrayList<>(List.<long[]>of(new long[] {0, VersionChain.INSERT})));
    Map<Integer, Boolean> live = new HashMap<>(Map.of(0, true));
    long seq = 1;
    for (; seq <= 200; seq++) {
      int key = rnd.nextInt(6);
      boolean exists = live.getOrDefault(key, false);
      RowOp op = exists ? (rnd.nextInt(3) == 0 ? RowOp.DELETE : RowOp.UPDATE) : RowOp.INSERT;
      RowEvent ev = op == RowOp.DELETE ? Schemas.row(op, k).setKey(List.of(key)).build()
          : Schemas.row(op, k).setRow(Arrays.asList(key, "v" + seq)).build();
      live.put(key, op != RowOp.DELETE);
      model.computeIfAbsent(key, x -> new ArrayList<>()).add(new long[] {seq, op.ordinal()});
      add(log, m, seq, ts + seq * 10, tx(List.of(ev)));
    }
    // Cut between SEQ 120 and 121: the horizon is 120.
    add(log, m, seq, ts + seq * 10, tx(List.of(deleteHistory(k, ts + 121 * 10))));
    TableData t = m.catalog().table(k);
    assertThat(t.historyHorizon()).isEqualTo(120);
    for (var e : model.entrySet()) {
      List<long[]> all = e.getValue();
      List<Long> expected = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        long end = i + 1 < all.size() ? all.get(i + 1)[0] : Long.MAX_VALUE;
        boolean tombstone = all.get(i)[1] == RowOp.DELETE.ordinal();
        // a version goes when it stopped being current by the horizon; a deletion goes with it
        boolean gone = tombstone ? all.get(i)[0] <= 120 : end <= 120;
        if (!gone) {
          expected.add(all.get(i)[0]);
        }
      }
      VersionChain c = t.rows().get(RowKey.of(e.getKey()));
      List<Long> actual = new ArrayList<>();
      for (int i = 0; c != null && i < c.size(); i++) {
        actual.add(c.seqAt(i));
      }
      assertThat(actual).as("key %d", e.getKey()).isEqualTo(expected);
      if (live.get(e.getKey())) {
        assertThat(c.rowAt(seq)).as("current row %d", e.getKey()).isNotNull();
      }
      for (long s = 120; s <= seq; s += 13) {
        // states from the horizon on are intact: compare with a replay of the full history
        Object[] now = c == null ? null : c.rowAt(s);
        Object[] was = replayedRowAt(log, k, e.getKey(), s);
        assertThat(now == null ? null : Arrays.asList(now)).as("key %d at %d", e.getKey(), s)
            .isEqualTo(was == null ? null : Arrays.asList(was));
      }
    }
  }

  private static Object[] replayedRowAt(List<Entry> log, long table, int key, long seq) {
    Object[] row = null;
    for (Entry e : log) {
      if (e.seq() > seq) {
        break;
      }
      for (Object o : CODEC.decode(e.value()).getEvents()) {
        if (o instanceof RowEvent ev && ev.getTableId() == table) {
          Object k = ev.getRow() != null ? ev.getRow().get(0) : ev.getKey().get(0);
          if (Integer.valueOf(key).equals(k)) {
            row = ev.getOp() == RowOp.DELETE ? null : new Object[] {key, ev.getRow().get(1).toString()};
          }
        }
      }
    }
    return row;
  }
}
