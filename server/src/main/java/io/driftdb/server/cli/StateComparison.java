package io.driftdb.server.cli;

import io.driftdb.materializer.Catalog;
import io.driftdb.materializer.Materializer;
import io.driftdb.materializer.RowKey;
import io.driftdb.materializer.TableData;
import io.driftdb.materializer.VersionChain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares two materialized states at the same SEQ, field by field through the materializer's
 * public API: counters, the SEQ-to-time line, users, table bindings, and per table its schema
 * history and every row version. Used by {@code replay --verify} to check a snapshot against
 * the log; collects up to {@code limit} human-readable differences.
 */
final class StateComparison {
  private final Materializer expected;
  private final Materializer actual;
  private final String expectedName;
  private final String actualName;
  private final int limit;
  private final List<String> differences = new ArrayList<>();
  private long versionsCompared;

  private StateComparison(Materializer expected, String expectedName, Materializer actual, String actualName,
      int limit) {
    this.expected = expected;
    this.actual = actual;
    this.expectedName = expectedName;
    this.actualName = actualName;
    this.limit = limit;
  }

  /** The comparison of {@code a} and {@code b}, which must both be at the same applied SEQ. */
  static StateComparison of(Materializer a, String aName, Materializer b, String bName, int limit) {
    StateComparison c = new StateComparison(a, aName, b, bName, limit);
    c.compare();
    return c;
  }

  List<String> differences() {
    return differences;
  }

  long versionsCompared() {
    return versionsCompared;
  }

  private void differ(String what, Object a, Object b) {
    if (differences.size() < limit) {
      differences.add(what + ": " + expectedName + " has " + a + ", " + actualName + " has " + b);
    }
  }

  private boolean full() {
    return differences.size() >= limit;
  }

  private void compare() {
    check("applied SEQ", expected.appliedSeq(), actual.appliedSeq());
    check("schema version", expected.schemaVersion(), actual.schemaVersion());
    check("row events applied", expected.rowEventsApplied(), actual.rowEventsApplied());
    compareTimeline();
    check("users", expected.catalog().users(), actual.catalog().users());
    compareBindings();
    compareTables();
  }

  private void check(String what, Object a, Object b) {
    if (!Objects.equals(a, b)) {
      differ(what, a, b);
    }
  }

  private void compareTimeline() {
    long seq = expected.appliedSeq();
    long first = Math.max(expected.timeline().firstSeq(), actual.timeline().firstSeq());
    check("first SEQ of the time line", expected.timeline().firstSeq(), actual.timeline().firstSeq());
    for (long s = Math.max(0, first); s <= seq && !full(); s++) {
      check("commit time of SEQ " + s, expected.timeline().timestampOf(s), actual.timeline().timestampOf(s));
    }
  }

  private void compareBindings() {
    Comparator<Catalog.Binding> order = Comparator.comparingLong(Catalog.Binding::fromSeq)
        .thenComparing(Catalog.Binding::name).thenComparingLong(Catalog.Binding::tableId);
    List<Catalog.Binding> a = new ArrayList<>(expected.catalog().bindings());
    List<Catalog.Binding> b = new ArrayList<>(actual.catalog().bindings());
    a.sort(order);
    b.sort(order);
    check("table bindings", a, b);
  }

  private void compareTables() {
    List<TableData> a = sortedTables(expected);
    List<TableData> b = sortedTables(actual);
    check("table ids", a.stream().map(TableData::tableId).toList(), b.stream().map(TableData::tableId).toList());
    for (int i = 0; i < Math.min(a.size(), b.size()) && !full(); i++) {
      if (a.get(i).tableId() == b.get(i).tableId()) {
        compareTable(a.get(i), b.get(i));
      }
    }
  }

  private static List<TableData> sortedTables(Materializer m) {
    List<TableData> tables = new ArrayList<>(m.catalog().tables());
    tables.sort(Comparator.comparingLong(TableData::tableId));
    return tables;
  }

  private void compareTable(TableData a, TableData b) {
    String t = "table " + a.latestSchema().name() + " (id " + a.tableId() + ")";
    check(t + " created at SEQ", a.createdSeq(), b.createdSeq());
    check(t + " dropped at SEQ", a.droppedSeq(), b.droppedSeq());
    check(t + " schema history", a.schemaHistory(), b.schemaHistory());
    Iterator<Map.Entry<RowKey, VersionChain>> ia = a.rows().entrySet().iterator();
    Iterator<Map.Entry<RowKey, VersionChain>> ib = b.rows().entrySet().iterator();
    while ((ia.hasNext() || ib.hasNext()) && !full()) {
      Map.Entry<RowKey, VersionChain> ea = ia.hasNext() ? ia.next() : null;
      Map.Entry<RowKey, VersionChain> eb = ib.hasNext() ? ib.next() : null;
      if (ea == null || eb == null || !ea.getKey().equals(eb.getKey())) {
        differ(t + " row keys (in key order)", ea == null ? "no more rows" : ea.getKey(),
            eb == null ? "no more rows" : eb.getKey());
        return; // once the key sequences are out of step every later row would differ too
      }
      compareChain(t + " key " + ea.getKey(), ea.getValue(), eb.getValue());
    }
  }

  private void compareChain(String where, VersionChain a, VersionChain b) {
    check(where + " number of versions", a.size(), b.size());
    for (int i = 0; i < Math.min(a.size(), b.size()) && !full(); i++) {
      versionsCompared++;
      String v = describe(a, i);
      String w = describe(b, i);
      if (!v.equals(w) || !Arrays.deepEquals(a.rowAtIndex(i), b.rowAtIndex(i))) {
        differ(where + " version " + (i + 1), v, w);
      }
    }
  }

  private static String describe(VersionChain c, int i) {
    String op = c.opAt(i) == VersionChain.INSERT ? "INSERT" : c.opAt(i) == VersionChain.UPDATE ? "UPDATE" : "DELETE";
    Object[] row = c.rowAtIndex(i);
    return "(SEQ " + c.seqAt(i) + ", " + op + (row == null ? "" : ", " + Arrays.deepToString(row)) + ")";
  }
}
