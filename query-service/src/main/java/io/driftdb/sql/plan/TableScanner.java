package io.driftdb.sql.plan;

import io.driftdb.materializer.Catalog;
import io.driftdb.materializer.ColumnInfo;
import io.driftdb.materializer.RowKey;
import io.driftdb.materializer.SecondaryIndex;
import io.driftdb.materializer.TableData;
import io.driftdb.materializer.TableSchema;
import io.driftdb.materializer.Timeline;
import io.driftdb.materializer.VersionChain;
import io.driftdb.sql.SqlError;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.calcite.DataContext;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;

/**
 * One execution of a table scan: picks the access path from the pushed-down filters (a SEQ
 * point for AS OF, a primary-key point or range, a secondary-index lookup, else a full scan)
 * and produces rows in Calcite's representation. Filters are left in place, so Calcite
 * re-checks them and the access path only has to be a superset.
 */
final class TableScanner {
  private static final String[] OP_NAMES = {"INSERT", "UPDATE", "DELETE"};

  private final DriftTable table;
  private final ReadContext rc;
  private final DataContext root;
  private final List<RexNode> filters;
  private final int[] projects;
  private final int userCount;
  private final Timeline timeline;
  private final Catalog catalog;
  private final List<RowPredicate> predicates;
  /** ORDER BY ... LIMIT the scan answers itself by an ordered walk, or null. */
  private final ScanOrder order;

  TableScanner(DriftTable table, ReadContext rc, DataContext root, List<RexNode> filters, int[] projects,
               ScanOrder order) {
    this.table = table;
    this.rc = rc;
    this.root = root;
    // Calcite hands over one AND per pushed filter; access paths look at the conjuncts.
    List<RexNode> conjuncts = new ArrayList<>();
    for (RexNode f : filters) {
      conjuncts.addAll(org.apache.calcite.plan.RelOptUtil.conjunctions(f));
    }
    this.filters = conjuncts;
    // Filters simple enough are applied here; the rest stay in the list for Calcite.
    List<RowPredicate> own = new ArrayList<>();
    var fieldList = table.getRowType(root.getTypeFactory()).getFieldList();
    for (var it = filters.iterator(); it.hasNext(); ) {
      RowPredicate p = RowPredicate.compile(it.next(), root, fieldList);
      if (p != null) {
        own.add(p);
        it.remove();
      }
    }
    this.predicates = own;
    this.projects = projects;
    this.order = order;
    this.userCount = table.shape().columns().size();
    this.timeline = rc.materializer().timeline();
    this.catalog = rc.materializer().catalog();
  }

  Enumerable<Object[]> scan() {
    long snap = rc.seq();
    List<Object[]> out = new ArrayList<>();
    if (!table.isHistory()) {
      TableData t = catalog.resolve(table.name(), snap).orElseThrow(() -> new SqlError(SqlError.UNDEFINED_TABLE,
          "relation \"" + table.name() + "\" does not exist"));
      requireSnapshotState(t, snap);
      emitAt(t, snap, snap, rc.overlayFor(t.tableId()), out);
      requireSnapshotState(t, snap); // history deleted while the scan ran
      return Linq4j.asEnumerable(out);
    }
    Long asOf = asOfSeq();
    if (asOf != null) {
      if (asOf > snap) {
        throw new SqlError(SqlError.INVALID_PARAMETER_VALUE,
            "SEQ " + asOf + " is beyond the head of the log (head SEQ is " + snap + ")");
      }
      if (asOf >= 0) {
        catalog.resolve(table.name(), asOf).ifPresent(t -> {
          requireHistory(t, asOf);
          emitAt(t, asOf, snap, null, out);
          requireHistory(t, asOf);
        });
      }
      return Linq4j.asEnumerable(out);
    }
    long needed = oldestStateNeeded();
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (Catalog.Binding b : catalog.history(table.name())) {
      TableData t = catalog.table(b.tableId());
      if (t != null && b.fromSeq() <= snap && seen.add(t.tableId())) {
        requireHistory(t, needed);
        emitAll(t, snap, out);
        requireHistory(t, needed);
      }
    }
    if (order != null) {
      // Planned for an AS OF point that turned out not to be one (a NULL parameter): sort here.
      out.sort(order.rowComparator(outputPositions()));
      out.subList((int) Math.min(out.size(), order.limit(root)), out.size()).clear();
    }
    return Linq4j.asEnumerable(out);
  }

  // ---- deleted history (DELETE HISTORY, history_retention) ----

  /**
   * Refuses a read that needs the state at {@code seq} of a table whose history before a
   * later SEQ was deleted: it would silently miss versions. Long.MIN_VALUE needs nothing.
   */
  private void requireHistory(TableData t, long seq) {
    long horizon = t.historyHorizon();
    if (seq != Long.MIN_VALUE && seq < horizon) {
      throw new SqlError(SqlError.INVALID_PARAMETER_VALUE, "the history of table \"" + table.name()
          + "\" before SEQ " + horizon + " (" + timeOf(horizon) + ") was deleted by DELETE HISTORY or its"
          + " history_retention; FOR SYSTEM_TIME reads states from SEQ " + horizon + " on, this query needs SEQ "
          + Math.max(seq, -1));
    }
  }

  /** A transaction whose snapshot is older than a history deletion cannot read that table any more. */
  private void requireSnapshotState(TableData t, long snap) {
    long horizon = t.historyHorizon();
    if (snap < horizon) {
      throw new SqlError(SqlError.SNAPSHOT_TOO_OLD, "snapshot too old: the history of table \"" + table.name() + "\" before SEQ "
          + horizon + " was deleted after this transaction's snapshot (SEQ " + snap + ") was taken");
    }
  }

  private String timeOf(long seq) {
    try {
      return java.time.Instant.ofEpochMilli(timeline.timestampOf(seq)).toString().replace('T', ' ')
          .replace("Z", " UTC");
    } catch (IllegalArgumentException e) {
      return "time unknown";
    }
  }

  /**
   * The oldest state a range query's answer depends on: the largest SEQ below which its lower
   * bounds exclude every version ({@code _seq_to > a}, {@code _seq_from >= a} and their
   * {@code _system_*} twins, as FOR SYSTEM_TIME BETWEEN / FROM / CONTAINED IN produce them).
   * Long.MIN_VALUE when there is none (FOR SYSTEM_TIME ALL reads whatever history is kept).
   */
  private long oldestStateNeeded() {
    long needed = Long.MIN_VALUE;
    needed = Math.max(needed, seqBound(SqlKind.GREATER_THAN, sys(1), 0));
    needed = Math.max(needed, seqBound(SqlKind.GREATER_THAN_OR_EQUAL, sys(1), -1));
    needed = Math.max(needed, seqBound(SqlKind.GREATER_THAN_OR_EQUAL, sys(0), -1));
    needed = Math.max(needed, seqBound(SqlKind.GREATER_THAN, sys(0), 0));
    if (bound(SqlKind.GREATER_THAN, sys(3)) instanceof Number n) {
      needed = Math.max(needed, timeline.seqAtOrBefore(n.longValue()));
    }
    if (bound(SqlKind.GREATER_THAN_OR_EQUAL, sys(3)) instanceof Number n) {
      needed = Math.max(needed, timeline.seqBefore(n.longValue()));
    }
    if (bound(SqlKind.GREATER_THAN_OR_EQUAL, sys(2)) instanceof Number n) {
      needed = Math.max(needed, timeline.seqBefore(n.longValue()));
    }
    if (bound(SqlKind.GREATER_THAN, sys(2)) instanceof Number n) {
      needed = Math.max(needed, timeline.seqAtOrBefore(n.longValue()));
    }
    return needed;
  }

  private long seqBound(SqlKind kind, int field, long shift) {
    return bound(kind, field) instanceof Number n ? n.longValue() + shift : Long.MIN_VALUE;
  }

  /** Rows visible at {@code seq}; periods end at versions no later than {@code snap}. */
  private void emitAt(TableData t, long seq, long snap, Map<RowKey, Object[]> overlay, List<Object[]> out) {
    if (!t.existsAt(seq)) {
      return;
    }
    int[] ids = columnIds(t);
    if (order != null) {
      emitOrdered(t, seq, snap, ids, overlay, out);
      return;
    }
    Collection<RowKey> candidates = candidateKeys(t);
    ReadSet reads = overlay == null && seq != snap ? null : rc.readSet();
    if (reads != null) {
      if (candidates != null && candidatesAreKeys) {
        candidates.forEach(k -> reads.key(t.tableId(), k));
      } else {
        reads.table(t.tableId());
      }
    }
    if (candidates != null) {
      for (RowKey k : candidates) {
        if (overlay != null && overlay.containsKey(k)) {
          continue;
        }
        VersionChain c = t.chain(k);
        if (c != null) {
          emitVisible(t, c, seq, snap, ids, out);
        }
      }
    } else {
      for (Map.Entry<RowKey, VersionChain> e : keyRange(t).entrySet()) {
        if (overlay != null && overlay.containsKey(e.getKey())) {
          continue;
        }
        emitVisible(t, e.getValue(), seq, snap, ids, out);
      }
    }
    if (overlay != null) {
      for (Object[] row : overlay.values()) {
        if (row != null) {
          add(out, build(row, ids, -1, -1, (byte) -1));
        }
      }
    }
  }

  /**
   * The first OFFSET + FETCH rows visible at {@code seq} in the order's sort order: a walk of
   * the primary key or the index the plan chose, stopping once it has them. The transaction's
   * own writes (overlay) and tables without that key order (an older incarnation of the name)
   * are merged or sorted here, so the rows are right whatever the walk could use.
   */
  private void emitOrdered(TableData t, long seq, long snap, int[] ids, Map<RowKey, Object[]> overlay,
                           List<Object[]> out) {
    ReadSet reads = overlay == null && seq != snap ? null : rc.readSet();
    if (reads != null) {
      reads.table(t.tableId());
    }
    long limit = order.limit(root);
    Iterator<RowKey> walk = orderedKeys(t, ids, seq);
    boolean sorted = walk != null;
    if (walk == null) {
      walk = t.rows().keySet().iterator();
    }
    while (walk.hasNext() && (!sorted || out.size() < limit)) {
      RowKey k = walk.next();
      if (overlay != null && overlay.containsKey(k)) {
        continue;
      }
      VersionChain c = t.chain(k);
      if (c != null) {
        emitVisible(t, c, seq, snap, ids, out);
      }
    }
    if (overlay != null) {
      for (Object[] row : overlay.values()) {
        if (row != null) {
          add(out, build(row, ids, -1, -1, (byte) -1));
          sorted = false;
        }
      }
    }
    if (!sorted) {
      out.sort(order.rowComparator(outputPositions()));
    }
    out.subList((int) Math.min(out.size(), limit), out.size()).clear();
  }

  /**
   * Keys in the order's sort order, bounded by the conditions on the leading key: the primary
   * key map, or the chosen index's entries (NULL entries first or last as the order wants) whose
   * values are those of the version visible at {@code seq}. Null when this table incarnation
   * lacks that order (the caller then sorts).
   */
  private Iterator<RowKey> orderedKeys(TableData t, int[] ids, long seq) {
    TableSchema own = t.latestSchema();
    List<Integer> source = new ArrayList<>();
    if (order.index() == null) {
      source.addAll(own.primaryKey());
    } else {
      SecondaryIndex idx = t.index(order.index());
      if (idx == null) {
        return null;
      }
      source.addAll(idx.info().columnIds());
      source.addAll(own.primaryKey());
    }
    List<ScanOrder.Key> keys = order.keys();
    if (keys.size() > source.size()) {
      return null;
    }
    for (int j = 0; j < keys.size(); j++) {
      if (ids[keys.get(j).field()] != source.get(j)) {
        return null;
      }
    }
    boolean desc = order.descending();
    if (order.index() == null) {
      java.util.NavigableMap<RowKey, VersionChain> rows = keyRange(t);
      return (desc ? rows.descendingMap() : rows).keySet().iterator();
    }
    ScanOrder.Key lead = keys.get(0);
    ColumnInfo col = table.shape().columns().get(lead.field());
    Bounds b = boundsOn(lead.field(), col);
    Optional<Object> eq = equalityOn(col.id(), table.shape());
    if (eq.isPresent()) {
      b = new Bounds(eq.get(), true, eq.get(), true);
    }
    SecondaryIndex idx = t.index(order.index());
    List<Iterator<SecondaryIndex.Hit>> parts = new ArrayList<>();
    if (b.lo() != null || b.hi() != null) {
      // A range or equality never holds for NULL: only the non-NULL entries.
      parts.add(idx.walk(b.lo() == null ? new Object[] {null} : new Object[] {b.lo()}, b.lo() != null && b.loInc(),
          b.hi() == null ? null : new Object[] {b.hi()}, b.hiInc(), desc));
    } else {
      Iterator<SecondaryIndex.Hit> nulls = idx.walk(new Object[] {null}, true, new Object[] {null}, true, desc);
      Iterator<SecondaryIndex.Hit> values = idx.walk(new Object[] {null}, false, null, true, desc);
      // Entries keep NULLs lowest; the order may want them at the other end.
      boolean nullsComeFirst = lead.nullsFirst();
      parts.add(nullsComeFirst ? nulls : values);
      parts.add(nullsComeFirst ? values : nulls);
    }
    return new IndexWalk(t, idx, parts.iterator(), seq);
  }

  /**
   * Keys from index entries, walk after walk. The index holds every value a key ever had: an
   * entry counts only when the version visible at the SEQ read has its values, so each row
   * comes once, at its place in the order.
   */
  private static final class IndexWalk implements Iterator<RowKey> {
    private final TableData t;
    private final SecondaryIndex idx;
    private final Iterator<Iterator<SecondaryIndex.Hit>> parts;
    private final long seq;
    private Iterator<SecondaryIndex.Hit> current = java.util.Collections.emptyIterator();
    private RowKey next;

    IndexWalk(TableData t, SecondaryIndex idx, Iterator<Iterator<SecondaryIndex.Hit>> parts, long seq) {
      this.t = t;
      this.idx = idx;
      this.parts = parts;
      this.seq = seq;
    }

    @Override
    public boolean hasNext() {
      while (next == null) {
        while (!current.hasNext()) {
          if (!parts.hasNext()) {
            return false;
          }
          current = parts.next();
        }
        SecondaryIndex.Hit h = current.next();
        VersionChain c = t.chain(h.key());
        int i = c == null ? -1 : c.versionIndexAt(seq);
        if (i >= 0 && c.opAt(i) != VersionChain.DELETE && idx.holds(h, c.rowAtIndex(i))) {
          next = h.key();
        }
      }
      return true;
    }

    @Override
    public RowKey next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      RowKey k = next;
      next = null;
      return k;
    }
  }

  /** Output position of each sort key (the rule keeps sort keys among the projected fields). */
  private int[] outputPositions() {
    int[] pos = new int[order.keys().size()];
    for (int k = 0; k < pos.length; k++) {
      int f = order.keys().get(k).field();
      pos[k] = f;
      if (projects != null) {
        for (int j = 0; j < projects.length; j++) {
          if (projects[j] == f) {
            pos[k] = j;
          }
        }
      }
    }
    return pos;
  }

  private void emitVisible(TableData t, VersionChain c, long seq, long snap, int[] ids, List<Object[]> out) {
    int i = c.versionIndexAt(seq);
    if (i < 0 || c.opAt(i) == VersionChain.DELETE) {
      return;
    }
    add(out, build(c.rowAtIndex(i), ids, c.seqAt(i), periodEnd(t, c, i, snap), c.opAt(i)));
  }

  /** Every version committed at or before {@code snap}; deletions are zero-length periods. */
  private void emitAll(TableData t, long snap, List<Object[]> out) {
    int[] ids = columnIds(t);
    for (Map.Entry<RowKey, VersionChain> e : t.rows().entrySet()) {
      VersionChain c = e.getValue();
      int n = c.versionIndexAt(snap) + 1; // the versions at or before snap
      for (int i = 0; i < n; i++) {
        long from = c.seqAt(i);
        byte op = c.opAt(i);
        long to = op == VersionChain.DELETE ? from : periodEnd(t, c, i, snap);
        Object[] image = c.rowAtIndex(i);
        add(out, build(image == null ? new Object[0] : image, ids, from, to, op));
      }
    }
  }

  private static long periodEnd(TableData t, VersionChain c, int i, long snap) {
    long end = SystemColumns.OPEN_SEQ;
    if (i + 1 < c.size() && c.seqAt(i + 1) <= snap) {
      end = c.seqAt(i + 1);
    }
    if (t.droppedSeq() <= snap) {
      end = Math.min(end, t.droppedSeq());
    }
    return end;
  }

  /** Column id in {@code t} for each user column position of the table's shape (-1 = absent). */
  private int[] columnIds(TableData t) {
    TableSchema shape = table.shape();
    int[] ids = new int[userCount];
    TableSchema own = t.latestSchema();
    for (int p = 0; p < userCount; p++) {
      ColumnInfo c = shape.columns().get(p);
      if (t.tableId() == shape.tableId()) {
        ids[p] = c.id();
      } else {
        ids[p] = own.column(c.name()).map(ColumnInfo::id).orElse(-1);
      }
    }
    return ids;
  }

  private Object[] build(Object[] image, int[] ids, long seqFrom, long seqTo, byte op) {
    if (!predicates.isEmpty()) {
      RowPredicate.FieldSource src = f -> fieldValue(f, image, ids, seqFrom, seqTo, op);
      for (RowPredicate p : predicates) {
        if (!Boolean.TRUE.equals(p.test(src))) {
          return null;
        }
      }
    }
    int width = projects == null ? userCount + SystemColumns.NAMES.size() : projects.length;
    Object[] r = new Object[width];
    for (int j = 0; j < width; j++) {
      int f = projects == null ? j : projects[j];
      Object v = fieldValue(f, image, ids, seqFrom, seqTo, op);
      r[j] = v instanceof byte[] b ? new ByteString(b) : v;
    }
    return r;
  }

  /** One field of a row in Calcite's form (by table field index), for predicates. */
  private Object fieldValue(int f, Object[] image, int[] ids, long seqFrom, long seqTo, byte op) {
    if (f < userCount) {
      int id = ids[f];
      return id >= 0 && id < image.length ? image[id] : null;
    }
    if (seqFrom < 0) {
      return null;
    }
    return switch (f - userCount) {
      case 0 -> seqFrom;
      case 1 -> seqTo;
      case 2 -> timeline.timestampOf(seqFrom);
      case 3 -> seqTo == SystemColumns.OPEN_SEQ ? SystemColumns.OPEN_TIME : timeline.timestampOf(seqTo);
      default -> OP_NAMES[op];
    };
  }

  private static void add(List<Object[]> out, Object[] row) {
    if (row != null) {
      out.add(row);
    }
  }

  // ---- access paths from filters ----

  private int sys(int k) {
    return userCount + k;
  }

  /** AS OF point from {@code _seq_from <= N AND _seq_to > N} or the {@code _system_*} pair. */
  private Long asOfSeq() {
    Object seqLe = bound(SqlKind.LESS_THAN_OR_EQUAL, sys(0));
    Object seqGt = bound(SqlKind.GREATER_THAN, sys(1));
    if (seqLe instanceof Number a && seqGt instanceof Number b && a.longValue() == b.longValue()) {
      return a.longValue();
    }
    Object tsLe = bound(SqlKind.LESS_THAN_OR_EQUAL, sys(2));
    Object tsGt = bound(SqlKind.GREATER_THAN, sys(3));
    if (tsLe instanceof Number a && tsGt instanceof Number b && a.longValue() == b.longValue()) {
      return timeline.seqAtOrBefore(a.longValue());
    }
    return null;
  }

  /** Constant X of a conjunct {@code $field <kind> X}, or null. */
  private Object bound(SqlKind kind, int field) {
    for (RexNode f : filters) {
      if (f instanceof RexCall call && call.getKind() == kind && call.getOperands().size() == 2
          && call.getOperands().get(0) instanceof RexInputRef ref && ref.getIndex() == field) {
        Object v = ConstantEvaluator.eval(call.getOperands().get(1), root);
        if (v != ConstantEvaluator.UNKNOWN && v != null) {
          return v instanceof BigDecimal d ? d.longValue() : v;
        }
      }
    }
    return null;
  }

  /**
   * The part of the key space a range condition on a single-column primary key allows
   * ({@code >, >=, <, <=}, BETWEEN, IN lists as a span); the whole table otherwise.
   */
  private java.util.NavigableMap<RowKey, VersionChain> keyRange(TableData t) {
    java.util.NavigableMap<RowKey, VersionChain> rows = t.rows();
    TableSchema s = t.latestSchema();
    if (s.primaryKey().size() != 1) {
      return rows;
    }
    ColumnInfo col = s.columnById(s.primaryKey().get(0));
    int pos = positionOf(col);
    if (pos < 0) {
      return rows;
    }
    Bounds b = boundsOn(pos, col);
    Object lo = b.lo();
    boolean loInc = b.loInc();
    Object hi = b.hi();
    boolean hiInc = b.hiInc();
    if (lo == null && hi == null) {
      return rows;
    }
    if (lo != null && hi != null) {
      int c = io.driftdb.materializer.ValueComparator.compareValues(lo, hi);
      if (c > 0 || (c == 0 && !(loInc && hiInc))) {
        return java.util.Collections.emptyNavigableMap();
      }
      return rows.subMap(RowKey.of(lo), loInc, RowKey.of(hi), hiInc);
    }
    return lo != null ? rows.tailMap(RowKey.of(lo), loInc) : rows.headMap(RowKey.of(hi), hiInc);
  }

  /** Lower and upper bounds a set of conjuncts puts on the field at {@code pos} (null = open). */
  private record Bounds(Object lo, boolean loInc, Object hi, boolean hiInc) {}

  private Bounds boundsOn(int pos, ColumnInfo col) {
    Object lo = null;
    boolean loInc = true;
    Object hi = null;
    boolean hiInc = true;
    for (RexNode f : filters) {
      if (!(f instanceof RexCall call)) {
        continue;
      }
      SqlKind kind = call.getKind();
      if (kind == SqlKind.SEARCH && call.getOperands().get(0) instanceof RexInputRef r && r.getIndex() == pos
          && call.getOperands().get(1) instanceof org.apache.calcite.rex.RexLiteral lit) {
        org.apache.calcite.util.Sarg<?> sarg = lit.getValueAs(org.apache.calcite.util.Sarg.class);
        if (sarg != null && !sarg.nullAs.equals(org.apache.calcite.rex.RexUnknownAs.TRUE) && !sarg.rangeSet.isEmpty()) {
          var span = sarg.rangeSet.span();
          if (span.hasLowerBound()) {
            lo = normalize(ConstantEvaluator.endpoint(span.lowerEndpoint()), col);
            loInc = span.lowerBoundType() == com.google.common.collect.BoundType.CLOSED;
          }
          if (span.hasUpperBound()) {
            hi = normalize(ConstantEvaluator.endpoint(span.upperEndpoint()), col);
            hiInc = span.upperBoundType() == com.google.common.collect.BoundType.CLOSED;
          }
        }
        continue;
      }
      if (kind != SqlKind.GREATER_THAN && kind != SqlKind.GREATER_THAN_OR_EQUAL && kind != SqlKind.LESS_THAN
          && kind != SqlKind.LESS_THAN_OR_EQUAL) {
        continue;
      }
      RexNode a = call.getOperands().get(0);
      RexNode b = call.getOperands().get(1);
      boolean flipped;
      RexNode other;
      if (a instanceof RexInputRef r && r.getIndex() == pos) {
        flipped = false;
        other = b;
      } else if (b instanceof RexInputRef r2 && r2.getIndex() == pos) {
        flipped = true;
        other = a;
      } else {
        continue;
      }
      Object v = ConstantEvaluator.eval(other, root);
      if (v == ConstantEvaluator.UNKNOWN || v == null) {
        continue;
      }
      v = normalize(v, col);
      SqlKind k = flipped ? kind.reverse() : kind;
      if (k == SqlKind.GREATER_THAN || k == SqlKind.GREATER_THAN_OR_EQUAL) {
        lo = v;
        loInc = k == SqlKind.GREATER_THAN_OR_EQUAL;
      } else {
        hi = v;
        hiInc = k == SqlKind.LESS_THAN_OR_EQUAL;
      }
    }
    return new Bounds(lo, loInc, hi, hiInc);
  }

  private int positionOf(ColumnInfo col) {
    for (int p = 0; p < userCount; p++) {
      if (table.shape().columns().get(p).name().equals(col.name())) {
        return p;
      }
    }
    return -1;
  }

  /** Whether the last candidateKeys() answer came from the primary key (exact) rather than an index. */
  private boolean candidatesAreKeys;

  /** Keys to look at instead of the whole table, or null for a full scan. */
  private Collection<RowKey> candidateKeys(TableData t) {
    candidatesAreKeys = false;
    TableSchema s = t.latestSchema();
    if (s.hasPrimaryKey()) {
      Object[] key = new Object[s.primaryKey().size()];
      boolean all = true;
      for (int i = 0; i < key.length; i++) {
        Optional<Object> v = equalityOn(s.primaryKey().get(i), s);
        if (v.isEmpty()) {
          all = false;
          break;
        }
        key[i] = v.get();
      }
      if (all) {
        candidatesAreKeys = true;
        return List.of(new RowKey(key));
      }
    }
    for (SecondaryIndex idx : t.indexes()) {
      Optional<Object> v = equalityOn(idx.info().columnIds().get(0), s);
      if (v.isPresent()) {
        return idx.candidates(new Object[] {v.get()}, true, new Object[] {v.get()}, true);
      }
    }
    for (SecondaryIndex idx : t.indexes()) {
      ColumnInfo col = s.columnById(idx.info().columnIds().get(0));
      int pos = col == null ? -1 : positionOf(col);
      if (pos < 0 || (s.primaryKey().size() == 1 && s.primaryKey().get(0) == col.id())) {
        continue;
      }
      Bounds b = boundsOn(pos, col);
      if (b.lo() != null || b.hi() != null) {
        return idx.candidates(b.lo() == null ? null : new Object[] {b.lo()}, b.loInc(),
            b.hi() == null ? null : new Object[] {b.hi()}, b.hiInc());
      }
    }
    return null;
  }

  /** Value X of a conjunct {@code column = X} on the column with id {@code columnId}. */
  private Optional<Object> equalityOn(int columnId, TableSchema s) {
    ColumnInfo col = s.columnById(columnId);
    if (col == null) {
      return Optional.empty();
    }
    int pos = -1;
    for (int p = 0; p < userCount; p++) {
      if (table.shape().columns().get(p).name().equals(col.name())) {
        pos = p;
      }
    }
    if (pos < 0) {
      return Optional.empty();
    }
    for (RexNode f : filters) {
      if (f instanceof RexCall call && call.getKind() == SqlKind.EQUALS) {
        RexNode a = call.getOperands().get(0);
        RexNode b = call.getOperands().get(1);
        RexNode other = a instanceof RexInputRef r && r.getIndex() == pos ? b
            : b instanceof RexInputRef r2 && r2.getIndex() == pos ? a : null;
        if (other != null) {
          Object v = ConstantEvaluator.eval(other, root);
          if (v != ConstantEvaluator.UNKNOWN && v != null) {
            return Optional.of(normalize(v, col));
          }
        }
      }
    }
    return Optional.empty();
  }

  /** Brings a constant to the column's in-memory type so key lookups match. */
  private static Object normalize(Object v, ColumnInfo col) {
    if (v instanceof Number n) {
      return switch (col.type().kind()) {
        case SMALLINT -> n.shortValue();
        case INTEGER -> n.intValue();
        case BIGINT -> n.longValue();
        case REAL -> n.floatValue();
        case DOUBLE -> n.doubleValue();
        case NUMERIC -> n instanceof BigDecimal d ? d : new BigDecimal(n.toString());
        default -> v;
      };
    }
    if (v instanceof ByteString b) {
      return b.getBytes();
    }
    return v;
  }
}
