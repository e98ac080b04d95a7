package io.driftdb.materializer;

import io.driftdb.schemas.DdlEvent;
import io.driftdb.schemas.RowEvent;
import io.driftdb.schemas.RowOp;
import java.util.List;

/** Row images and keys of log events, decoded with the table's schema. */
public final class LogRows {
  private LogRows() {}

  /** The row image of an INSERT or UPDATE, indexed by column id. */
  public static Object[] row(TableSchema schema, List<Object> image) {
    Object[] row = new Object[Math.max(schema.rowWidth(), image.size())];
    // By the live columns, not by id with a columnById search each: that was quadratic in the width.
    for (ColumnInfo c : schema.columns()) {
      int id = c.id();
      if (id < image.size()) {
        Object v = image.get(id);
        row[id] = v == null ? null : c.type().fromLog(v);
      }
    }
    return row;
  }

  /** The key an event writes: from its image's primary-key columns, or its explicit key. */
  static RowKey key(TableSchema schema, RowEvent ev, Object[] row) {
    if (ev.getOp() != RowOp.DELETE && schema.hasPrimaryKey()) {
      Object[] k = new Object[schema.primaryKey().size()];
      for (int i = 0; i < k.length; i++) {
        k[i] = row[schema.primaryKey().get(i)];
      }
      return new RowKey(k);
    }
    return key(schema, ev.getKey());
  }

  /** The key an event writes, decoding only the key columns (readers of the raw log use it). */
  public static RowKey key(TableSchema schema, RowEvent ev) {
    if (ev.getOp() != RowOp.DELETE && schema.hasPrimaryKey()) {
      List<Object> image = ev.getRow();
      Object[] k = new Object[schema.primaryKey().size()];
      for (int i = 0; i < k.length; i++) {
        int id = schema.primaryKey().get(i);
        k[i] = id < image.size() ? schema.columnById(id).type().fromLog(image.get(id)) : null;
      }
      return new RowKey(k);
    }
    return key(schema, ev.getKey());
  }

  /** Key values in the log encoding: primary-key column values, or the hidden row id of a key-less table. */
  public static RowKey key(TableSchema schema, List<Object> key) {
    if (key == null) {
      throw new IllegalStateException("row event without key for table " + schema.name());
    }
    Object[] k = new Object[key.size()];
    for (int i = 0; i < k.length; i++) {
      if (schema.hasPrimaryKey()) {
        ColumnInfo c = schema.columnById(schema.primaryKey().get(i));
        k[i] = c.type().fromLog(key.get(i));
      } else {
        k[i] = ((Number) key.get(i)).longValue();
      }
    }
    return new RowKey(k);
  }

  /**
   * The table a row event of the record at {@code seq} writes: negative ids name a table created
   * earlier in the same transaction, by the index of its CREATE TABLE event.
   */
  public static long tableId(long seq, List<Object> events, long id) {
    if (id >= 0) {
      return id;
    }
    int index = (int) (-id - 1);
    if (index < events.size() && events.get(index) instanceof DdlEvent ddl && ddl.getTableId() >= 0) {
      return ddl.getTableId();
    }
    return Materializer.assignedTableId(seq, index);
  }
}
