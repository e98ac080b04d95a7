package io.driftdb.sql.catalog;

import io.driftdb.materializer.Catalog;
import io.driftdb.materializer.ColumnInfo;
import io.driftdb.materializer.IndexInfo;
import io.driftdb.materializer.Materializer;
import io.driftdb.materializer.TableData;
import io.driftdb.materializer.TableSchema;
import io.driftdb.schemas.ConstraintDef;
import io.driftdb.sql.plan.ReadContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.calcite.DataContext;

/**
 * The catalog as one statement sees it: the user tables that exist at the statement's SEQ with
 * the shape they had then, their indexes and constraints with stable OIDs, and the roles.
 * Built from the materializer on each catalog scan; nothing is cached between statements, so
 * DDL is visible at once and time travel reads the catalog of the past too.
 */
final class CatalogSnapshot {
  /** A user table at this snapshot. */
  record Table(int oid, String name, TableData data, TableSchema schema, List<Index> indexes,
               List<Constraint> constraints) {
    /** PostgreSQL attribute number of a column id (ids are never reused, like attnums). */
    static short attnum(int columnId) {
      return (short) (columnId + 1);
    }

    ColumnInfo columnByAttnum(int attnum) {
      return schema.columnById(attnum - 1);
    }
  }

  /** An index: the primary key's or a secondary one. */
  record Index(int oid, String name, int tableOid, List<Short> attnums, boolean unique, boolean primary) {}

  /**
   * A constraint, with its PostgreSQL type letter: p primary key, u unique, c check, f foreign
   * key.
   */
  record Constraint(int oid, String name, char type, int tableOid, List<Short> attnums, int indexOid,
                    String checkExpr, int refTableOid, List<Short> refAttnums, String onUpdate, String onDelete) {}

  /** A role: the bootstrap superuser or a user created with SQL. */
  record Role(int oid, String name, boolean superuser, boolean canLogin) {}

  private final long seq;
  private final List<Table> tables;
  private final Map<Integer, Table> tablesByOid = new HashMap<>();
  private final Map<Integer, Index> indexesByOid = new HashMap<>();
  private final Map<Integer, Constraint> constraintsByOid = new HashMap<>();
  private final List<Role> roles;

  private CatalogSnapshot(long seq, List<Table> tables, List<Role> roles) {
    this.seq = seq;
    this.tables = tables;
    this.roles = roles;
    for (Table t : tables) {
      tablesByOid.put(t.oid(), t);
      t.indexes().forEach(i -> indexesByOid.put(i.oid(), i));
      t.constraints().forEach(c -> constraintsByOid.put(c.oid(), c));
    }
  }

  /** The snapshot of the statement running with {@code root}. */
  static CatalogSnapshot of(DataContext root) {
    Object rc = root == null ? null : root.get(ReadContext.KEY);
    if (!(rc instanceof ReadContext read)) {
      // Also what keeps the planner from folding catalog functions into constants.
      throw new IllegalStateException("the catalog is read only while a statement runs");
    }
    return of(read.materializer(), read.seq());
  }

  static CatalogSnapshot of(Materializer m, long seq) {
    Catalog catalog = m.catalog();
    Map<Long, Integer> ordinals = tableOrdinals(catalog);
    List<Table> tables = new ArrayList<>();
    Map<String, TableData> live = catalog.tablesAt(seq);
    Map<String, Table> byName = new HashMap<>();
    List<Map.Entry<String, TableData>> entries = new ArrayList<>(live.entrySet());
    entries.removeIf(e -> e.getValue() == null || !e.getValue().existsAt(seq));
    for (Map.Entry<String, TableData> e : entries) {
      TableData d = e.getValue();
      int oid = Oids.table(ordinals.get(d.tableId()));
      Table shell = new Table(oid, e.getKey(), d, d.schemaAt(seq), new ArrayList<>(), new ArrayList<>());
      byName.put(shell.name(), shell);
      tables.add(shell);
    }
    for (Table t : tables) {
      addIndexes(t);
    }
    for (Table t : tables) {
      addConstraints(t, byName);
    }
    tables.sort(Comparator.comparingInt(Table::oid));
    return new CatalogSnapshot(seq, List.copyOf(tables), roles(catalog));
  }

  /** Creation order of every table incarnation the log ever created: fixed once written. */
  private static Map<Long, Integer> tableOrdinals(Catalog catalog) {
    Map<Long, TableData> all = new LinkedHashMap<>();
    for (String name : catalog.allNames()) {
      for (Catalog.Binding b : catalog.history(name)) {
        TableData d = catalog.table(b.tableId());
        if (d != null) {
          all.putIfAbsent(d.tableId(), d);
        }
      }
    }
    List<TableData> ordered = new ArrayList<>(all.values());
    ordered.sort(Comparator.comparingLong(TableData::createdSeq).thenComparingLong(TableData::tableId));
    Map<Long, Integer> out = new HashMap<>();
    for (int i = 0; i < ordered.size(); i++) {
      out.put(ordered.get(i).tableId(), i);
    }
    return out;
  }

  private static void addIndexes(Table t) {
    TableSchema s = t.schema();
    if (s.hasPrimaryKey()) {
      t.indexes().add(new Index(Oids.index(t.oid(), 0), t.name() + "_pkey", t.oid(), attnums(s.primaryKey()), true,
          true));
    }
    Map<String, Integer> ordinals = firstSeen(t.data(), sc -> sc.indexes().stream().map(IndexInfo::name).toList());
    for (IndexInfo i : s.indexes()) {
      t.indexes().add(new Index(Oids.index(t.oid(), ordinals.get(i.name())), i.name(), t.oid(), attnums(i.columnIds()),
          i.unique(), false));
    }
  }

  private static void addConstraints(Table t, Map<String, Table> byName) {
    TableSchema s = t.schema();
    if (s.hasPrimaryKey()) {
      Index pk = t.indexes().get(0);
      t.constraints().add(new Constraint(Oids.constraint(t.oid(), 0), pk.name(), 'p', t.oid(), pk.attnums(), pk.oid(),
          null, 0, List.of(), null, null));
    }
    Map<String, Integer> ordinals = firstSeen(t.data(),
        sc -> sc.constraints().stream().map(ConstraintDef::getName).toList());
    for (ConstraintDef c : s.constraints()) {
      int oid = Oids.constraint(t.oid(), ordinals.get(c.getName()));
      List<Short> cols = attnums(c.getColumns());
      switch (c.getKind()) {
        case UNIQUE -> {
          int indexOid = t.indexes().stream().filter(i -> i.name().equals(c.getName())).mapToInt(Index::oid)
              .findFirst().orElse(0);
          t.constraints().add(new Constraint(oid, c.getName(), 'u', t.oid(), cols, indexOid, null, 0, List.of(), null,
              null));
        }
        case CHECK -> t.constraints().add(new Constraint(oid, c.getName(), 'c', t.oid(), cols, 0, c.getExpression(), 0,
            List.of(), null, null));
        case FOREIGN_KEY -> {
          Table ref = c.getRefTable() == null ? null : byName.get(c.getRefTable().toLowerCase());
          List<Short> refCols = new ArrayList<>();
          if (ref != null) {
            for (String rc : c.getRefColumns()) {
              ref.schema().column(rc).ifPresent(ci -> refCols.add(Table.attnum(ci.id())));
            }
          }
          t.constraints().add(new Constraint(oid, c.getName(), 'f', t.oid(), cols, 0, null, ref == null ? 0 : ref.oid(),
              List.copyOf(refCols),
              c.getOnUpdate(), c.getOnDelete()));
        }
        default -> { }
      }
    }
  }

  /** Ordinal (from 1) of each name in order of first appearance over the schema history. */
  private static Map<String, Integer> firstSeen(TableData d,
                                                java.util.function.Function<TableSchema, List<String>> names) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (TableData.SchemaVersion v : d.schemaHistory()) {
      for (String n : names.apply(v.schema())) {
        out.putIfAbsent(n, out.size() + 1);
      }
    }
    return out;
  }

  private static List<Short> attnums(List<Integer> columnIds) {
    List<Short> out = new ArrayList<>();
    for (int id : columnIds) {
      out.add(Table.attnum(id));
    }
    return List.copyOf(out);
  }

  private static List<Role> roles(Catalog catalog) {
    Map<String, Map<String, String>> users = catalog.users();
    Map<String, Integer> oids = Oids.roles(users.keySet());
    List<Role> out = new ArrayList<>();
    out.add(new Role(Oids.BOOTSTRAP_ROLE, CatalogNames.BOOTSTRAP_ROLE, true, true));
    for (String name : new java.util.TreeSet<>(users.keySet())) {
      if (name.equals(CatalogNames.BOOTSTRAP_ROLE)) {
        continue;
      }
      boolean su = Boolean.parseBoolean(users.get(name).getOrDefault("superuser", "false"));
      out.add(new Role(oids.get(name), name, su, true));
    }
    return List.copyOf(out);
  }

  long seq() {
    return seq;
  }

  List<Table> tables() {
    return tables;
  }

  List<Role> roles() {
    return roles;
  }

  Optional<Table> table(int oid) {
    return Optional.ofNullable(tablesByOid.get(oid));
  }

  Optional<Table> table(String name) {
    return tables.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  Optional<Index> index(int oid) {
    return Optional.ofNullable(indexesByOid.get(oid));
  }

  Optional<Constraint> constraint(int oid) {
    return Optional.ofNullable(constraintsByOid.get(oid));
  }

  Optional<Role> role(int oid) {
    return roles.stream().filter(r -> r.oid() == oid).findFirst();
  }

  List<Index> indexes() {
    List<Index> out = new ArrayList<>();
    tables.forEach(t -> out.addAll(t.indexes()));
    return out;
  }

  List<Constraint> constraints() {
    List<Constraint> out = new ArrayList<>();
    tables.forEach(t -> out.addAll(t.constraints()));
    return out;
  }
}
