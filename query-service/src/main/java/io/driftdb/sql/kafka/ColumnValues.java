package io.driftdb.sql.kafka;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Column id → value for the columns one produced record gave, in the order it gave them: what a
 * LinkedHashMap holds, in two arrays indexed by column id, since a gateway row costs one of
 * these per record. Keys are column ids below the table's row width; entries are never removed.
 */
final class ColumnValues extends AbstractMap<Integer, Object> {
  private static final Object ABSENT = new Object();

  private Object[] byId;
  private int[] order;
  private int size;

  ColumnValues(int width) {
    byId = new Object[Math.max(width, 1)];
    Arrays.fill(byId, ABSENT);
    order = new int[byId.length];
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean containsKey(Object key) {
    return key instanceof Integer id && id >= 0 && id < byId.length && byId[id] != ABSENT;
  }

  @Override
  public Object get(Object key) {
    if (key instanceof Integer id && id >= 0 && id < byId.length) {
      Object v = byId[id];
      return v == ABSENT ? null : v;
    }
    return null;
  }

  @Override
  public Object put(Integer id, Object value) {
    if (id < 0) {
      throw new IllegalArgumentException("column id " + id);
    }
    if (id >= byId.length) {
      int old = byId.length;
      byId = Arrays.copyOf(byId, Math.max(id + 1, old * 2));
      Arrays.fill(byId, old, byId.length, ABSENT);
      order = Arrays.copyOf(order, byId.length);
    }
    Object prev = byId[id];
    byId[id] = value;
    if (prev == ABSENT) {
      order[size++] = id;
      return null;
    }
    return prev;
  }

  @Override
  public void forEach(BiConsumer<? super Integer, ? super Object> action) {
    for (int i = 0; i < size; i++) {
      action.accept(order[i], byId[order[i]]);
    }
  }

  @Override
  public Set<Entry<Integer, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Entry<Integer, Object>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < size;
          }

          @Override
          public Entry<Integer, Object> next() {
            if (next >= size) {
              throw new NoSuchElementException();
            }
            int id = order[next++];
            return new SimpleImmutableEntry<>(id, byId[id]);
          }
        };
      }
    };
  }
}
