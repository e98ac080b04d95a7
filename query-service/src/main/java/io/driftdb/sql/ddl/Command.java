package io.driftdb.sql.ddl;

import java.util.List;
import java.util.Map;

/** Statements the engine executes itself (DDL, transaction control, settings, maintenance). */
public sealed interface Command {

  /** A column as written in CREATE TABLE or ALTER TABLE ADD COLUMN. */
  record ColumnSpec(String name, String type, boolean notNull, boolean primaryKey, boolean unique,
                    String defaultExpr, String checkExpr, ForeignKeySpec references) {}

  record ForeignKeySpec(List<String> columns, String refTable, List<String> refColumns, String onDelete, String onUpdate) {}

  record CreateTable(String name, boolean ifNotExists, List<ColumnSpec> columns, List<String> primaryKey,
                     List<List<String>> uniques, List<String> checks, List<ForeignKeySpec> foreignKeys,
                     boolean documentTable, List<List<String>> indexes) implements Command {}

  record DropTable(List<String> names, boolean ifExists) implements Command {}

  record AddColumn(String table, ColumnSpec column, boolean ifNotExists) implements Command {}

  record DropColumn(String table, String column, boolean ifExists) implements Command {}

  record RenameColumn(String table, String from, String to) implements Command {}

  record RenameTable(String table, String to) implements Command {}

  /** ALTER TABLE t SET (k = v, ...) / RESET (k, ...): a null value resets the option. */
  record SetTableOptions(String table, Map<String, String> options) implements Command {}

  /** {@code DELETE HISTORY FROM t [BEFORE SYSTEM_TIME expr]}; {@code before} is the expression text or null (all). */
  record DeleteHistory(String table, String before) implements Command {}

  record CreateIndex(String name, String table, List<String> columns, boolean unique, boolean ifNotExists) implements Command {}

  record DropIndex(String name, boolean ifExists) implements Command {}

  record Checkpoint(String table) implements Command {}

  record Vacuum(String table) implements Command {}

  record Begin(String isolation, boolean readOnly) implements Command {}

  record Commit() implements Command {}

  record Rollback() implements Command {}

  record Savepoint(String name) implements Command {}

  record RollbackTo(String name) implements Command {}

  record Release(String name) implements Command {}

  record SetVar(String name, String value) implements Command {}

  record ShowVar(String name) implements Command {}

  record ResetVar(String name) implements Command {}

  record CreateUser(String name, String password, boolean superuser) implements Command {}

  record AlterUser(String name, String password) implements Command {}

  record DropUser(String name, boolean ifExists) implements Command {}

  /** {@code INSERT INTO t {json}}: DriftDB's document insert. */
  record DocumentInsert(String table, String json) implements Command {}

  /** Statements clients send that have no effect here (DISCARD ALL, DEALLOCATE ...). */
  record NoOp(String tag) implements Command {}
}
