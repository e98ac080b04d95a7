package io.driftdb.schemas;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Entry point for building log events. Avro refuses to instantiate classes it does not trust
 * when it fills in defaults or resolves older schemas; DriftDB's generated classes are trusted
 * here once per JVM (Avro keeps that list globally), before any builder or codec is used.
 */
public final class Schemas {
  static {
    ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
        ClassSecurityValidator.getGlobal(),
        ClassSecurityValidator.builder()
            .add(TransactionRecord.class).add(RowEvent.class).add(DdlEvent.class)
            .add(ColumnDef.class).add(IndexDef.class).add(ConstraintDef.class)
            .add(CommitValidation.class).add(ReadKey.class)
            .add(RowOp.class).add(DdlKind.class).add(ConstraintKind.class)
            .build()));
  }

  private Schemas() {}

  /** Makes sure the generated classes are trusted; cheap after the first call. */
  public static void init() {
    // the static initializer does the work
  }

  public static DdlEvent.Builder ddl(DdlKind kind) {
    return DdlEvent.newBuilder().setKind(kind);
  }

  public static RowEvent.Builder row(RowOp op, long tableId) {
    return RowEvent.newBuilder().setOp(op).setTableId(tableId);
  }

  public static TransactionRecord.Builder transaction(String user) {
    return TransactionRecord.newBuilder().setUser(user);
  }

  public static ColumnDef.Builder column(int id, String name, String sqlType) {
    return ColumnDef.newBuilder().setId(id).setName(name).setSqlType(sqlType);
  }
}
