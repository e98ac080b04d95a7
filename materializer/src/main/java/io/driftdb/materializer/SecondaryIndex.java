package io.driftdb.materializer;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * A B-tree-like index (skip list) from column values to primary keys. It holds an entry for
 * every value a key ever had, so lookups in the past work without scanning the table; callers
 * confirm each candidate against the version visible at their SEQ.
 */
public final class SecondaryIndex {
  private final IndexInfo info;
  private final ConcurrentSkipListSet<Entry> entries = new ConcurrentSkipListSet<>();

  /** An index entry; bounds of a range search carry tie -1 (below equal values) or +1 (above). */
  record Entry(Object[] values, RowKey key, int tie) implements Comparable<Entry> {
    @Override
    public int compareTo(Entry o) {
      for (int i = 0; i < values.length; i++) {
        int c = compareBound(values[i], o.values[i]);
        if (c != 0) {
          return c;
        }
      }
      if (tie != 0 || o.tie != 0) {
        return Integer.compare(tie, o.tie);
      }
      return key.compareTo(o.key);
    }
  }

  private static final Object MIN = new Object();
  private static final Object MAX = new Object();

  private static int compareBound(Object a, Object b) {
    if (a == b) {
      return 0;
    }
    if (a == MIN || b == MAX) {
      return -1;
    }
    if (a == MAX || b == MIN) {
      return 1;
    }
    return ValueComparator.compareValues(a, b);
  }

  public SecondaryIndex(IndexInfo info) {
    this.info = info;
  }

  public IndexInfo info() {
    return info;
  }

  /** Whether two row images agree on this index's columns (then one entry serves both). */
  public boolean sameIndexedValues(Object[] a, Object[] b) {
    for (int id : info.columnIds()) {
      Object x = id < a.length ? a[id] : null;
      Object y = id < b.length ? b[id] : null;
      if (ValueComparator.compareValues(x, y) != 0) {
        return false;
      }
    }
    return true;
  }

  /** Writer only: indexes {@code row} (a row image by column id) under {@code key}. */
  public void add(RowKey key, Object[] row) {
    Object[] values = new Object[info.columnIds().size()];
    for (int i = 0; i < values.length; i++) {
      int id = info.columnIds().get(i);
      values[i] = id < row.length ? row[id] : null;
    }
    entries.add(new Entry(values, key, 0));
  }

  /** An entry as readers see it: values the key's row had at some version. */
  public record Hit(Object[] values, RowKey key) {}

  /**
   * Candidate keys whose indexed columns ever fell in [lo, hi] on the leading columns given
   * ({@code lo}/{@code hi} may be shorter than the index; null bound = open end).
   */
  public List<RowKey> candidates(Object[] lo, boolean loInclusive, Object[] hi, boolean hiInclusive) {
    List<RowKey> out = new ArrayList<>();
    java.util.Set<RowKey> seen = new java.util.HashSet<>();
    for (Entry e : range(lo, loInclusive, hi, hiInclusive)) {
      if (seen.add(e.key)) {
        out.add(e.key);
      }
    }
    return out;
  }

  /**
   * The entries in [lo, hi] (bounds as for {@link #candidates}) in index order: by the indexed
   * values, nulls lowest, then by key; reversed when {@code descending}. Lazy, so an ORDER BY
   * ... LIMIT walk stops after its rows. A key appears once per distinct value it ever had:
   * callers keep an entry only when {@link #holds} says it matches the version they read.
   */
  public Iterator<Hit> walk(Object[] lo, boolean loInclusive, Object[] hi, boolean hiInclusive, boolean descending) {
    NavigableSet<Entry> range = range(lo, loInclusive, hi, hiInclusive);
    Iterator<Entry> it = descending ? range.descendingIterator() : range.iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Hit next() {
        Entry e = it.next();
        return new Hit(e.values, e.key);
      }
    };
  }

  /** Whether {@code row} (a row image by column id) has exactly the indexed values of {@code hit}. */
  public boolean holds(Hit hit, Object[] row) {
    for (int i = 0; i < hit.values().length; i++) {
      int id = info.columnIds().get(i);
      if (ValueComparator.compareValues(hit.values()[i], id < row.length ? row[id] : null) != 0) {
        return false;
      }
    }
    return true;
  }

  private NavigableSet<Entry> range(Object[] lo, boolean loInclusive, Object[] hi, boolean hiInclusive) {
    int width = info.columnIds().size();
    Entry from = new Entry(bound(lo, width, lo == null || loInclusive ? MIN : MAX), null, loInclusive ? -1 : 1);
    Entry to = new Entry(bound(hi, width, hi == null || hiInclusive ? MAX : MIN), null, hiInclusive ? 1 : -1);
    if (from.compareTo(to) > 0) {
      return java.util.Collections.emptyNavigableSet();
    }
    return entries.subSet(from, true, to, true);
  }

  /** Pads a (possibly partial or absent) bound to the index width with the sentinel {@code fill}. */
  private static Object[] bound(Object[] given, int width, Object fill) {
    Object[] out = new Object[width];
    for (int i = 0; i < width; i++) {
      out[i] = given != null && i < given.length ? given[i] : fill;
    }
    return out;
  }

  public int entryCount() {
    return entries.size();
  }
}
