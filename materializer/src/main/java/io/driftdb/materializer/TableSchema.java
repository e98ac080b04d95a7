package io.driftdb.materializer;

import io.driftdb.schemas.ConstraintDef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shape of one table at one point of the log. Immutable: every DDL produces a new schema,
 * and the table keeps the history of its schemas so that reads in the past use the past shape.
 *
 * @param nextColumnId the id the next added column gets (ids are never reused)
 */
public record TableSchema(long tableId, String name, List<ColumnInfo> columns, List<Integer> primaryKey,
                          boolean documentTable, List<IndexInfo> indexes, List<ConstraintDef> constraints,
                          Map<String, String> options, int nextColumnId) {

  public Optional<ColumnInfo> column(String columnName) {
    for (ColumnInfo c : columns) {
      if (c.name().equalsIgnoreCase(columnName)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  public ColumnInfo columnById(int id) {
    for (ColumnInfo c : columns) {
      if (c.id() == id) {
        return c;
      }
    }
    return null;
  }

  /** Position of a column id among the live columns, or -1. */
  public int position(int columnId) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).id() == columnId) {
        return i;
      }
    }
    return -1;
  }

  public boolean hasPrimaryKey() {
    return !primaryKey.isEmpty();
  }

  public TableSchema withColumns(List<ColumnInfo> cols, int nextId) {
    return new TableSchema(tableId, name, List.copyOf(cols), primaryKey, documentTable, indexes, constraints, options, nextId);
  }

  public TableSchema withName(String newName) {
    return new TableSchema(tableId, newName, columns, primaryKey, documentTable, indexes, constraints, options, nextColumnId);
  }

  public TableSchema withIndexes(List<IndexInfo> idx) {
    return new TableSchema(tableId, name, columns, primaryKey, documentTable, List.copyOf(idx), constraints, options, nextColumnId);
  }

  public TableSchema withConstraints(List<ConstraintDef> cons) {
    return new TableSchema(tableId, name, columns, primaryKey, documentTable, indexes, List.copyOf(cons), options, nextColumnId);
  }

  public TableSchema withOptions(Map<String, String> opts) {
    return new TableSchema(tableId, name, columns, primaryKey, documentTable, indexes, constraints, Map.copyOf(opts), nextColumnId);
  }

  /** Row width in column ids: row images are arrays this long (shorter ones pad with nulls). */
  public int rowWidth() {
    return nextColumnId;
  }

  public List<String> columnNames() {
    List<String> out = new ArrayList<>();
    for (ColumnInfo c : columns) {
      out.add(c.name());
    }
    return out;
  }
}
