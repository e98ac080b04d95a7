package io.driftdb.sql.engine;

import io.driftdb.materializer.ColumnInfo;
import io.driftdb.materializer.ColumnType;
import io.driftdb.materializer.IndexInfo;
import io.driftdb.materializer.Materializer;
import io.driftdb.materializer.TableData;
import io.driftdb.materializer.TableOptions;
import io.driftdb.materializer.TableSchema;
import io.driftdb.schemas.ColumnDef;
import io.driftdb.schemas.DdlEvent;
import io.driftdb.schemas.DdlKind;
import io.driftdb.schemas.IndexDef;
import io.driftdb.schemas.Schemas;
import io.driftdb.sql.Column;
import io.driftdb.sql.PgType;
import io.driftdb.sql.QueryResult;
import io.driftdb.sql.SqlError;
import io.driftdb.sql.ddl.Command;
import io.driftdb.sql.exec.IntervalText;
import io.driftdb.sql.exec.Values;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Executes the statements the engine parses itself: DDL (as log records), transaction
 * control, SET/SHOW, users. DDL runs as its own transaction; inside a transaction block it is
 * refused (transactional DDL is not built yet).
 */
final class CommandExecutor {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CommandExecutor.class);
  private final DriftEngine engine;
  private final DriftSession session;

  CommandExecutor(DriftEngine engine, DriftSession session) {
    this.engine = engine;
    this.session = session;
  }

  private Materializer mat() {
    return engine.materializer();
  }

  QueryResult run(Command c) {
      if (c instanceof Command.Begin b) {
        return begin(b);
      }
      if (c instanceof Command.Commit x) {
        return commit();
      }
      if (c instanceof Command.Rollback x) {
        return rollback();
      }
      if (c instanceof Command.Savepoint s) {
        return savepoint(s.name());
      }
      if (c instanceof Command.RollbackTo r) {
        return rollbackTo(r.name());
      }
      if (c instanceof Command.Release r) {
        return release(r.name());
      }
      if (c instanceof Command.SetVar s) {
        return set(s.name(), s.value());
      }
      if (c instanceof Command.ShowVar s) {
        return show(s.name());
      }
      if (c instanceof Command.ResetVar r) {
        return new QueryResult("RESET", null, List.of(), session.settings().reset(r.name()));
      }
      if (c instanceof Command.NoOp n) {
        return QueryResult.command(n.tag());
      }
      if (c instanceof Command.DocumentInsert d) {
        return session.write((seq, out) -> newDml().documentInsert(d.table().toLowerCase(), d.json(), seq, out));
      }
      if (c instanceof Command.Checkpoint x) {
        return checkpoint(x.table());
      }
      if (c instanceof Command.Vacuum x) {
        return vacuum(x.table());
      }
      return ddl(c);

  }

  private DmlExecutor newDml() {
    return new DmlExecutor(engine, session);
  }

  /**
   * CHECKPOINT [TABLE t] writes a snapshot of the database (all tables, so that a restart can
   * skip the log before it).
   */
  private QueryResult checkpoint(String table) {
    if (session.tx() != null) {
      throw new SqlError(SqlError.ACTIVE_TRANSACTION, "CHECKPOINT cannot run inside a transaction block");
    }
    if (table != null) {
      table(table, mat().appliedSeq());
    }
    try {
      engine.checkpoint();
    } catch (java.io.IOException e) {
      throw new SqlError(SqlError.IO_ERROR, "could not write the snapshot: " + e.getMessage(), e);
    }
    return QueryResult.command("CHECKPOINT");
  }

  /**
   * VACUUM [t]: applies the history retention of t (of every table without a name) by logging
   * a history deletion where the retention lets one go, then compacts storage without losing
   * anything else (see {@link DriftEngine#vacuum}).
   */
  private QueryResult vacuum(String table) {
    if (session.tx() != null) {
      throw new SqlError(SqlError.ACTIVE_TRANSACTION, "VACUUM cannot run inside a transaction block");
    }
    if (table != null) {
      table(table, mat().appliedSeq());
    }
    long now = System.currentTimeMillis();
    try {
      applyRetention(table, now);
    } catch (SqlError e) {
      if (!SqlError.SERIALIZATION_FAILURE.equals(e.sqlState())) {
        throw e;
      }
      // A concurrent schema change or history deletion of the same table kept winning: the
      // retention is applied by the next VACUUM; compacting storage does not depend on it.
      LOG.warn("VACUUM: history retention not applied this time: {}", e.getMessage());
    }
    try {
      engine.vacuum();
    } catch (java.io.IOException e) {
      throw new SqlError(SqlError.IO_ERROR, "VACUUM could not compact storage: " + e.getMessage(), e);
    }
    return QueryResult.command("VACUUM");
  }

  /** Logs a history deletion for each table whose history_retention lets history go by {@code now}. */
  private void applyRetention(String table, long now) {
    session.write((seq, out) -> {
      java.util.Collection<TableData> tables = table != null ? List.of(table(table, seq))
          : mat().catalog().tablesAt(seq).values();
      for (TableData t : tables) {
        String retention = t.latestSchema().options().get(TableOptions.HISTORY_RETENTION);
        if (retention == null || retention.isEmpty()) {
          continue;
        }
        long cutoff = Math.max(0, now - IntervalText.parse(retention).toMillis());
        if (mat().timeline().seqBefore(cutoff) > t.historyHorizon()) {
          out.addDdl(Schemas.ddl(DdlKind.SET_OPTIONS).setTableId(t.tableId()).setTableName(t.latestSchema().name())
              .setProperties(Map.of(TableOptions.DELETE_HISTORY_BEFORE, Long.toString(cutoff))).build());
        }
      }
      return QueryResult.command("VACUUM");
    });
  }

  // ---- transactions ----

  private QueryResult begin(Command.Begin b) {
    if (session.tx() == null) {
      session.beginBlock(b.isolation(), b.readOnly());
    }
    return QueryResult.command("BEGIN");
  }

  private QueryResult commit() {
    DriftSession.Transaction tx = session.tx();
    if (tx == null) {
      return QueryResult.command("COMMIT");
    }
    if (session.isFailed()) {
      session.endBlock();
      session.listener().aborted();
      return QueryResult.command("ROLLBACK");
    }
    try {
      session.commitWrites(tx.startSeq, tx.writes, tx.reads);
    } catch (SqlError e) {
      session.endBlock();
      session.listener().aborted();
      throw e;
    }
    session.endBlock();
    return QueryResult.command("COMMIT");
  }

  private QueryResult rollback() {
    if (session.tx() != null) {
      session.listener().aborted();
    }
    session.endBlock();
    return QueryResult.command("ROLLBACK");
  }

  private DriftSession.Transaction requireBlock(String what) {
    DriftSession.Transaction tx = session.tx();
    if (tx == null) {
      throw new SqlError(SqlError.NO_ACTIVE_TRANSACTION, what + " can only be used in transaction blocks");
    }
    return tx;
  }

  private QueryResult savepoint(String name) {
    DriftSession.Transaction tx = requireBlock("SAVEPOINT");
    tx.savepoints.remove(name);
    tx.savepoints.put(name, tx.writes.copy());
    return QueryResult.command("SAVEPOINT");
  }

  private QueryResult rollbackTo(String name) {
    DriftSession.Transaction tx = requireBlock("ROLLBACK TO SAVEPOINT");
    WriteSet saved = tx.savepoints.get(name);
    if (saved == null) {
      throw new SqlError("3B001", "savepoint \"" + name + "\" does not exist");
    }
    dropAfter(tx, name);
    tx.writes = saved.copy();
    clearFailed();
    return QueryResult.command("ROLLBACK");
  }

  private void clearFailed() {
    session.clearFailed();
  }

  private static void dropAfter(DriftSession.Transaction tx, String name) {
    boolean after = false;
    for (var it = tx.savepoints.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (after) {
        it.remove();
      }
      if (e.getKey().equals(name)) {
        after = true;
      }
    }
  }

  private QueryResult release(String name) {
    DriftSession.Transaction tx = requireBlock("RELEASE SAVEPOINT");
    if (!tx.savepoints.containsKey(name)) {
      throw new SqlError("3B001", "savepoint \"" + name + "\" does not exist");
    }
    dropAfter(tx, name);
    tx.savepoints.remove(name);
    return QueryResult.command("RELEASE");
  }

  // ---- settings ----

  private QueryResult set(String name, String value) {
    String key = name.toLowerCase(Locale.ROOT);
    if (key.equals("transaction_isolation") && session.tx() != null) {
      return QueryResult.command("SET");
    }
    if (key.equals("driftdb.read_after")) {
      long seq;
      try {
        seq = Long.parseLong(value.replace("'", "").trim());
      } catch (NumberFormatException e) {
        throw new SqlError(SqlError.INVALID_PARAMETER_VALUE, "driftdb.read_after needs a SEQ, got " + value);
      }
      try {
        if (!mat().awaitApplied(seq, 30_000)) {
          throw new SqlError("57014", "timed out waiting for SEQ " + seq + " (applied: " + mat().appliedSeq() + ")");
        }
        session.readAfter(seq);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SqlError(SqlError.QUERY_CANCELED, "interrupted");
      }
    }
    return new QueryResult("SET", null, List.of(), session.settings().set(key, value));
  }

  private QueryResult show(String name) {
    if (name.equalsIgnoreCase("all")) {
      List<Object[]> rows = new ArrayList<>();
      session.settings().all().forEach((k, v) -> rows.add(new Object[] {k, v, ""}));
      return QueryResult.rows("SHOW", List.of(new Column("name", PgType.TEXT), new Column("setting", PgType.TEXT),
          new Column("description", PgType.TEXT)), rows);
    }
    String v = session.settings().get(name);
    if (v == null) {
      throw new SqlError(SqlError.UNDEFINED_OBJECT, "unrecognized configuration parameter \"" + name + "\"");
    }
    return new QueryResult("SHOW", List.of(new Column(name.toLowerCase(Locale.ROOT), PgType.TEXT)),
        List.<Object[]>of(new Object[] {v}), Map.of());
  }

  // ---- DDL ----

  private QueryResult ddl(Command c) {
    if (session.tx() != null) {
      throw new SqlError(SqlError.ACTIVE_TRANSACTION, "DDL cannot run inside a transaction block yet; run it on its own");
    }
    return session.write((seq, out) -> ddlBody(c, seq, out));
  }

  private TableData table(String name, long seq) {
    return mat().catalog().resolve(name.toLowerCase(), seq)
        .orElseThrow(() -> new SqlError(SqlError.UNDEFINED_TABLE, "relation \"" + name.toLowerCase() + "\" does not exist"));
  }

  private QueryResult ddlBody(Command c, long seq, WriteSet out) {
      if (c instanceof Command.CreateTable ct) {
        return createTable(ct, seq, out);
      }
      if (c instanceof Command.DropTable dt) {
        for (String n : dt.names()) {
          var t = mat().catalog().resolve(n.toLowerCase(), seq);
          if (t.isEmpty()) {
            if (dt.ifExists()) {
              continue;
            }
            throw new SqlError(SqlError.UNDEFINED_TABLE, "table \"" + n.toLowerCase() + "\" does not exist");
          }
          out.addDdl(Schemas.ddl(DdlKind.DROP_TABLE).setTableId(t.get().tableId()).setTableName(n.toLowerCase()).build());
        }
        return QueryResult.command("DROP TABLE");
      }
      if (c instanceof Command.AddColumn ac) {
        return addColumn(ac, seq, out);
      }
      if (c instanceof Command.DropColumn dc) {
        TableData t = table(dc.table(), seq);
        TableSchema s = t.latestSchema();
        var col = s.column(dc.column());
        if (col.isEmpty()) {
          if (dc.ifExists()) {
            return QueryResult.command("ALTER TABLE");
          }
          throw new SqlError(SqlError.UNDEFINED_COLUMN, "column \"" + dc.column() + "\" of relation \"" + s.name()
              + "\" does not exist");
        }
        if (s.primaryKey().contains(col.get().id())) {
          throw new SqlError("2BP01", "cannot drop column \"" + col.get().name() + "\": it is part of the primary key");
        }
        for (IndexInfo idx : s.indexes()) {
          if (idx.columnIds().contains(col.get().id())) {
            out.addDdl(Schemas.ddl(DdlKind.DROP_INDEX).setTableId(t.tableId()).setTableName(s.name()).setNewName(idx.name()).build());
          }
        }
        out.addDdl(Schemas.ddl(DdlKind.DROP_COLUMN).setTableId(t.tableId()).setTableName(s.name())
            .setColumnId(col.get().id()).build());
        return QueryResult.command("ALTER TABLE");
      }
      if (c instanceof Command.RenameColumn rc) {
        TableData t = table(rc.table(), seq);
        TableSchema s = t.latestSchema();
        ColumnInfo col = s.column(rc.from()).orElseThrow(() -> new SqlError(SqlError.UNDEFINED_COLUMN,
            "column \"" + rc.from() + "\" does not exist"));
        if (s.column(rc.to()).isPresent()) {
          throw new SqlError(SqlError.DUPLICATE_COLUMN, "column \"" + rc.to() + "\" of relation \"" + s.name() + "\" already exists");
        }
        out.addDdl(Schemas.ddl(DdlKind.RENAME_COLUMN).setTableId(t.tableId()).setTableName(s.name())
            .setColumnId(col.id()).setNewName(rc.to().toLowerCase()).build());
        return QueryResult.command("ALTER TABLE");
      }
      if (c instanceof Command.RenameTable rt) {
        TableData t = table(rt.table(), seq);
        if (mat().catalog().resolve(rt.to(), seq).isPresent()) {
          throw new SqlError(SqlError.DUPLICATE_TABLE, "relation \"" + rt.to() + "\" already exists");
        }
        out.addDdl(Schemas.ddl(DdlKind.RENAME_TABLE).setTableId(t.tableId()).setTableName(rt.table().toLowerCase())
            .setNewName(rt.to().toLowerCase()).build());
        return QueryResult.command("ALTER TABLE");
      }
      if (c instanceof Command.SetTableOptions so) {
        return setTableOptions(so, seq, out);
      }
      if (c instanceof Command.DeleteHistory dh) {
        return deleteHistory(dh, seq, out);
      }
      if (c instanceof Command.CreateIndex ci) {
        return createIndex(ci, seq, out);
      }
      if (c instanceof Command.DropIndex di) {
        for (TableData t : mat().catalog().tablesAt(seq).values()) {
          for (IndexInfo idx : t.latestSchema().indexes()) {
            if (idx.name().equalsIgnoreCase(di.name())) {
              out.addDdl(Schemas.ddl(DdlKind.DROP_INDEX).setTableId(t.tableId()).setTableName(t.latestSchema().name())
                  .setNewName(idx.name()).build());
              return QueryResult.command("DROP INDEX");
            }
          }
        }
        if (di.ifExists()) {
          return QueryResult.command("DROP INDEX");
        }
        throw new SqlError(SqlError.UNDEFINED_OBJECT, "index \"" + di.name() + "\" does not exist");
      }
      if (c instanceof Command.CreateUser cu) {
        if (mat().catalog().user(cu.name()) != null) {
          throw new SqlError("42710", "role \"" + cu.name() + "\" already exists");
        }
        Map<String, String> props = cu.password() == null ? Map.of(UserCredentials.SUPERUSER, Boolean.toString(cu.superuser()))
            : UserCredentials.derive(cu.name(), cu.password(), cu.superuser());
        out.addDdl(Schemas.ddl(DdlKind.CREATE_USER).setTableName(cu.name()).setProperties(props).build());
        return QueryResult.command("CREATE ROLE");
      }
      if (c instanceof Command.AlterUser au) {
        Map<String, String> old = mat().catalog().user(au.name());
        if (old == null) {
          throw new SqlError(SqlError.UNDEFINED_OBJECT, "role \"" + au.name() + "\" does not exist");
        }
        if (au.password() != null) {
          boolean su = Boolean.parseBoolean(old.getOrDefault(UserCredentials.SUPERUSER, "false"));
          out.addDdl(Schemas.ddl(DdlKind.ALTER_USER).setTableName(au.name())
              .setProperties(UserCredentials.derive(au.name(), au.password(), su)).build());
        }
        return QueryResult.command("ALTER ROLE");
      }
      if (c instanceof Command.DropUser du) {
        if (mat().catalog().user(du.name()) == null) {
          if (du.ifExists()) {
            return QueryResult.command("DROP ROLE");
          }
          throw new SqlError(SqlError.UNDEFINED_OBJECT, "role \"" + du.name() + "\" does not exist");
        }
        out.addDdl(Schemas.ddl(DdlKind.DROP_USER).setTableName(du.name()).build());
        return QueryResult.command("DROP ROLE");
      }
      throw new SqlError(SqlError.FEATURE_NOT_SUPPORTED, "unsupported statement");

  }

  /**
   * ALTER TABLE t SET (history_retention = '90 days') / RESET (history_retention); the value
   * 'forever' resets too. The only table option there is; anything else is refused (22023).
   */
  private QueryResult setTableOptions(Command.SetTableOptions so, long seq, WriteSet out) {
    TableData t = table(so.table(), seq);
    Map<String, String> props = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, String> e : so.options().entrySet()) {
      String key = e.getKey().toLowerCase(Locale.ROOT);
      if (!key.equals(TableOptions.HISTORY_RETENTION)) {
        throw new SqlError(SqlError.INVALID_PARAMETER_VALUE, "unrecognized parameter \"" + key
            + "\" (the only table option is " + TableOptions.HISTORY_RETENTION + ")");
      }
      String v = e.getValue() == null ? "" : e.getValue().trim().toLowerCase(Locale.ROOT);
      if (v.equals("forever") || v.equals("infinity")) {
        v = "";
      }
      if (!v.isEmpty() && IntervalText.parse(v).isNegative()) {
        throw new SqlError(SqlError.INVALID_PARAMETER_VALUE, "history_retention must not be negative, got '"
            + e.getValue() + "'");
      }
      props.put(key, v);
    }
    out.addDdl(Schemas.ddl(DdlKind.SET_OPTIONS).setTableId(t.tableId()).setTableName(t.latestSchema().name())
        .setProperties(props).build());
    return QueryResult.command("ALTER TABLE");
  }

  /**
   * DELETE HISTORY FROM t [BEFORE SYSTEM_TIME ts]: logs the deletion; when it applies, the
   * versions of t that stopped being current before ts (all non-current ones without BEFORE)
   * are gone from memory, and VACUUM removes them from snapshots and the log. Current rows stay.
   */
  private QueryResult deleteHistory(Command.DeleteHistory dh, long seq, WriteSet out) {
    TableData t = table(dh.table(), seq);
    long before = Long.MAX_VALUE;
    if (dh.before() != null) {
      Object v = newDml().evalDefault(dh.before(), seq);
      if (v == null) {
        throw new SqlError(SqlError.INVALID_PARAMETER_VALUE, "DELETE HISTORY ... BEFORE SYSTEM_TIME needs a timestamp, "
            + "got NULL");
      }
      before = (Long) Values.toColumn(v, new ColumnInfo(0, "system_time", ColumnType.parse("TIMESTAMP"), false, null));
    }
    out.addDdl(Schemas.ddl(DdlKind.SET_OPTIONS).setTableId(t.tableId()).setTableName(t.latestSchema().name())
        .setProperties(Map.of(TableOptions.DELETE_HISTORY_BEFORE, Long.toString(before))).build());
    return QueryResult.command("DELETE HISTORY");
  }

  private ColumnDef columnDef(int id, Command.ColumnSpec spec, boolean forceNotNull) {
    ColumnType type;
    try {
      type = ColumnType.parse(spec.type());
    } catch (IllegalArgumentException e) {
      throw new SqlError(SqlError.UNDEFINED_OBJECT, e.getMessage());
    }
    if (spec.defaultExpr() != null) {
      // Validate now so that a bad default fails at CREATE time, not at the first INSERT.
      Object v = newDml().evalDefault(spec.defaultExpr(), mat().appliedSeq());
      Values.toColumn(v, new ColumnInfo(id, spec.name(), type, true, null));
    }
    return Schemas.column(id, spec.name().toLowerCase(), type.sqlName())
        .setNullable(!(spec.notNull() || forceNotNull)).setDefaultExpr(spec.defaultExpr()).build();
  }

  private QueryResult createTable(Command.CreateTable ct, long seq, WriteSet out) {
    String name = ct.name().toLowerCase();
    if (mat().catalog().resolve(name, seq).isPresent()) {
      if (ct.ifNotExists()) {
        return QueryResult.command("CREATE TABLE");
      }
      throw new SqlError(SqlError.DUPLICATE_TABLE, "relation \"" + name + "\" already exists");
    }
    List<ColumnDef> cols = new ArrayList<>();
    Set<String> names = new HashSet<>();
    List<String> pkNames = ct.primaryKey().stream().map(s -> s.toLowerCase()).toList();
    if (ct.documentTable()) {
      for (String pk : pkNames) {
        names.add(pk);
        cols.add(Schemas.column(cols.size(), pk, "TEXT").setNullable(false).build());
      }
      for (List<String> idx : ct.indexes()) {
        for (String c : idx) {
          if (names.add(c.toLowerCase())) {
            cols.add(Schemas.column(cols.size(), c.toLowerCase(), "TEXT").setNullable(true).build());
          }
        }
      }
    } else {
      for (Command.ColumnSpec spec : ct.columns()) {
        if (!names.add(spec.name().toLowerCase())) {
          throw new SqlError(SqlError.DUPLICATE_COLUMN, "column \"" + spec.name() + "\" specified more than once");
        }
        cols.add(columnDef(cols.size(), spec, pkNames.contains(spec.name().toLowerCase())));
      }
    }
    List<Integer> pk = new ArrayList<>();
    for (String p : pkNames) {
      int id = -1;
      for (ColumnDef d : cols) {
        if (d.getName().equals(p)) {
          id = d.getId();
        }
      }
      if (id < 0) {
        throw new SqlError(SqlError.UNDEFINED_COLUMN, "column \"" + p + "\" named in key does not exist");
      }
      pk.add(id);
    }
    List<io.driftdb.schemas.ConstraintDef> constraints = constraints(ct, name, cols, seq);
    List<List<Integer>> uniqueIndexes = new ArrayList<>();
    for (var c : constraints) {
      if (c.getKind() == io.driftdb.schemas.ConstraintKind.UNIQUE) {
        uniqueIndexes.add(c.getColumns());
      }
    }
    DdlEvent create = Schemas.ddl(DdlKind.CREATE_TABLE).setTableId(-1).setTableName(name).setColumns(cols)
        .setPrimaryKey(pk).setDocumentTable(ct.documentTable()).setConstraints(constraints).build();
    int createIndex = out.ddl().size();
    out.addDdl(create);
    for (var c : constraints) {
      if (c.getKind() == io.driftdb.schemas.ConstraintKind.UNIQUE) {
        out.addDdl(Schemas.ddl(DdlKind.CREATE_INDEX).setTableId(-(createIndex + 1)).setTableName(name)
            .setIndex(IndexDef.newBuilder().setName(c.getName()).setColumns(c.getColumns()).setUnique(true).build()).build());
      }
    }
    for (List<String> idx : ct.indexes()) {
      List<Integer> ids = new ArrayList<>();
      for (String c : idx) {
        for (ColumnDef d : cols) {
          if (d.getName().equals(c.toLowerCase())) {
            ids.add(d.getId());
          }
        }
      }
      out.addDdl(Schemas.ddl(DdlKind.CREATE_INDEX).setTableId(-(createIndex + 1)).setTableName(name)
          .setIndex(IndexDef.newBuilder().setName(name + "_" + String.join("_", idx).toLowerCase() + "_idx")
              .setColumns(ids).setUnique(false).build()).build());
    }
    return QueryResult.command("CREATE TABLE");
  }

  /** UNIQUE, CHECK and FOREIGN KEY clauses of CREATE TABLE, named as PostgreSQL names them. */
  private List<io.driftdb.schemas.ConstraintDef> constraints(Command.CreateTable ct, String table, List<ColumnDef> cols,
                                                             long seq) {
    List<io.driftdb.schemas.ConstraintDef> out = new ArrayList<>();
    java.util.function.Function<String, Integer> idOf = n -> cols.stream().filter(c -> c.getName().equals(n.toLowerCase()))
        .findFirst().map(ColumnDef::getId).orElseThrow(() -> new SqlError(SqlError.UNDEFINED_COLUMN,
            "column \"" + n + "\" named in a constraint does not exist"));
    List<List<String>> uniques = new ArrayList<>(ct.uniques());
    List<String[]> checks = new ArrayList<>();
    List<Command.ForeignKeySpec> fks = new ArrayList<>(ct.foreignKeys());
    for (Command.ColumnSpec c : ct.columns()) {
      if (c.unique()) {
        uniques.add(List.of(c.name()));
      }
      if (c.checkExpr() != null) {
        checks.add(new String[] {table + "_" + c.name().toLowerCase() + "_check", c.checkExpr()});
      }
      if (c.references() != null) {
        fks.add(c.references());
      }
    }
    for (int i = 0; i < ct.checks().size(); i++) {
      checks.add(new String[] {table + "_check" + (i == 0 ? "" : String.valueOf(i)), ct.checks().get(i)});
    }
    for (List<String> u : uniques) {
      out.add(io.driftdb.schemas.ConstraintDef.newBuilder()
          .setName(table + "_" + String.join("_", u).toLowerCase() + "_key")
          .setKind(io.driftdb.schemas.ConstraintKind.UNIQUE).setColumns(u.stream().map(idOf).toList()).build());
    }
    List<ColumnInfo> infos = new ArrayList<>();
    for (ColumnDef d : cols) {
      infos.add(ColumnInfo.of(d));
    }
    TableSchema shape = new TableSchema(-1, table, infos, List.of(), false, List.of(), List.of(), Map.of(), infos.size());
    for (String[] c : checks) {
      // compile now so a bad expression fails the CREATE, not the first INSERT
      engine.planner().compile(engine.planner().parse(RowExpressions.sql(shape, "(" + c[1] + ")")), engine.schema());
      out.add(io.driftdb.schemas.ConstraintDef.newBuilder().setName(c[0]).setKind(io.driftdb.schemas.ConstraintKind.CHECK)
          .setExpression(c[1]).build());
    }
    for (Command.ForeignKeySpec fk : fks) {
      TableData parent = table(fk.refTable(), seq);
      TableSchema ps = parent.latestSchema();
      List<String> pkNames = ps.primaryKey().stream().map(id -> ps.columnById(id).name()).toList();
      List<String> refs = fk.refColumns().isEmpty() ? pkNames : fk.refColumns().stream().map(String::toLowerCase).toList();
      if (!refs.equals(pkNames)) {
        throw new SqlError(SqlError.FEATURE_NOT_SUPPORTED, "a foreign key must reference the primary key of \""
            + ps.name() + "\" (" + String.join(", ", pkNames) + ")");
      }
      if (fk.columns().size() != refs.size()) {
        throw new SqlError("42830", "number of referencing and referenced columns for foreign key disagree");
      }
      out.add(io.driftdb.schemas.ConstraintDef.newBuilder()
          .setName(table + "_" + String.join("_", fk.columns()).toLowerCase() + "_fkey")
          .setKind(io.driftdb.schemas.ConstraintKind.FOREIGN_KEY).setColumns(fk.columns().stream().map(idOf).toList())
          .setRefTable(ps.name()).setRefColumns(refs).setOnDelete(fk.onDelete()).setOnUpdate(fk.onUpdate()).build());
    }
    return out;
  }

  private QueryResult addColumn(Command.AddColumn ac, long seq, WriteSet out) {
    TableData t = table(ac.table(), seq);
    TableSchema s = t.latestSchema();
    if (s.column(ac.column().name()).isPresent()) {
      if (ac.ifNotExists()) {
        return QueryResult.command("ALTER TABLE");
      }
      throw new SqlError(SqlError.DUPLICATE_COLUMN, "column \"" + ac.column().name() + "\" of relation \"" + s.name()
          + "\" already exists");
    }
    if (ac.column().primaryKey()) {
      throw new SqlError(SqlError.FEATURE_NOT_SUPPORTED, "cannot add a primary key column to an existing table");
    }
    int id = s.nextColumnId();
    ColumnDef def = columnDef(id, ac.column(), false);
    ColumnInfo info = ColumnInfo.of(def);
    out.addDdl(Schemas.ddl(DdlKind.ADD_COLUMN).setTableId(t.tableId()).setTableName(s.name()).setColumns(List.of(def)).build());
    // The default and NOT NULL are applied to the rows of this snapshot only: a row written since
    // (in cluster mode, also one another node wrote that this node has not applied yet) would keep
    // no value for the column, so any write to the table since the snapshot is a conflict.
    out.dependsOn(t.tableId());
    // Existing rows get the default (PostgreSQL semantics), written as new versions in this same transaction.
    Object fill = def.getDefaultExpr() == null ? null : Values.toColumn(newDml().evalDefault(def.getDefaultExpr(), seq), info);
    boolean any = false;
    for (var e : t.rows().entrySet()) {
      Object[] row = e.getValue().rowAt(seq);
      if (row == null) {
        continue;
      }
      any = true;
      if (fill != null) {
        Object[] next = java.util.Arrays.copyOf(row, Math.max(row.length, id + 1));
        next[id] = fill;
        out.put(t.tableId(), e.getKey(), next, false);
      }
    }
    if (!def.getNullable() && fill == null && any) {
      throw new SqlError(SqlError.NOT_NULL_VIOLATION, "column \"" + def.getName() + "\" of relation \"" + s.name()
          + "\" contains null values");
    }
    return QueryResult.command("ALTER TABLE");
  }

  private QueryResult createIndex(Command.CreateIndex ci, long seq, WriteSet out) {
    TableData t = table(ci.table(), seq);
    TableSchema s = t.latestSchema();
    List<Integer> ids = new ArrayList<>();
    for (String c : ci.columns()) {
      ids.add(s.column(c).orElseThrow(() -> new SqlError(SqlError.UNDEFINED_COLUMN, "column \"" + c + "\" does not exist"))
          .id());
    }
    String name = ci.name() != null ? ci.name().toLowerCase()
        : s.name() + "_" + String.join("_", ci.columns()).toLowerCase() + "_idx";
    for (TableData other : mat().catalog().tablesAt(seq).values()) {
      for (IndexInfo idx : other.latestSchema().indexes()) {
        if (idx.name().equals(name)) {
          if (ci.ifNotExists()) {
            return QueryResult.command("CREATE INDEX");
          }
          throw new SqlError(SqlError.DUPLICATE_TABLE, "relation \"" + name + "\" already exists");
        }
      }
    }
    if (ci.unique()) {
      java.util.Set<List<Object>> seen = new java.util.HashSet<>();
      for (var e : t.rows().entrySet()) {
        Object[] r = e.getValue().rowAt(seq);
        if (r == null) {
          continue;
        }
        List<Object> v = new ArrayList<>();
        for (int id : ids) {
          v.add(id < r.length ? r[id] : null);
        }
        if (!v.contains(null) && !seen.add(v)) {
          throw new SqlError(SqlError.UNIQUE_VIOLATION, "could not create unique index \"" + name
              + "\": key (" + v + ") is duplicated");
        }
      }
      out.dependsOn(t.tableId());
    }
    out.addDdl(Schemas.ddl(DdlKind.CREATE_INDEX).setTableId(t.tableId()).setTableName(s.name())
        .setIndex(IndexDef.newBuilder().setName(name).setColumns(ids).setUnique(ci.unique()).build()).build());
    return QueryResult.command("CREATE INDEX");
  }
}
