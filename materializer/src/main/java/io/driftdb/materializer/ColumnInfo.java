package io.driftdb.materializer;

/** A live column: stable id (index into row images), current name, type, constraints. */
public record ColumnInfo(int id, String name, ColumnType type, boolean nullable, String defaultExpr) {

  /** The live column a log column definition describes (names are case-insensitive, kept lower-case). */
  public static ColumnInfo of(io.driftdb.schemas.ColumnDef c) {
    return new ColumnInfo(c.getId(), c.getName().toLowerCase(), ColumnType.parse(c.getSqlType()), c.getNullable(),
        c.getDefaultExpr());
  }

  public ColumnInfo withName(String newName) {
    return new ColumnInfo(id, newName, type, nullable, defaultExpr);
  }
}
