package io.driftdb.materializer;

/** A live column: stable id (index into row images), current name, type, constraints. */
public record ColumnInfo(int id, String name, ColumnType type, boolean nullable, String defaultExpr) {

  public ColumnInfo withName(String newName) {
    return new ColumnInfo(id, newName, type, nullable, defaultExpr);
  }
}
