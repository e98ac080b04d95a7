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
import org.apache.calcite.schema.SchemaPlus;

/**
 * The catalog as one statement sees it: the user tables that exist at the statement's SEQ with
 * the shape they had then, their indexes and constraints with stable OIDs, and the roles.
 * Built from the materializer for each catalog scan or function call, lazily (a function called
 * once per row builds only the table it asks about). Only the creation order of tables is kept
 * between statements (per catalog version), so DDL is visible at once and a transaction reads
 * the catalog of its snapshot.
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

  private final Materializer materializer;
  private final long seq;
  private final TableOrdinals ordinals;
  private List<Table> tables;
  private Map<Integer, Table> tablesByOid;
  private List<Role> roles;

  private CatalogSnapshot(Materializer materializer, long seq, TableOrdinals ordinals) {
    this.materializer = materializer;
    this.seq = seq;
    this.ordinals = ordinals;
  }

  /** The snapshot of the statement running with {@code root}. */
  static CatalogSnapshot of(DataContext root) {
    Object rc = root == null ? null : root.get(ReadContext.KEY);
    if (!(rc instanceof ReadContext read)) {
      // Also what keeps the planner from folding catalog functions into constants.
      throw new IllegalStateException("the catalog is read only while a statement runs");
    }
    Materializer m = read.materializer();
    SchemaPlus catalogSchema = root.getRootSchema() == null ? null : root.getRootSchema().getSubSchema("pg_catalog");
    PgCatalog.Schema schema = catalogSchema == null ? null : catalogSchema.unwrap(PgCatalog.Schema.class);
    TableOrdinals ordinals = schema == null ? TableOrdinals.compute(m.catalog()) : schema.ordinals().get(m);
    return new CatalogSnapshot(m, read.seq(), ordinals);
  }

  /** Every user table at the snapshot, in OID order (computed on first use). */
  List<Table> tables() {
    if (tables == null) {
      List<Table> out = new ArrayList<>();
      for (TableData d : materializer.catalog().tablesAt(seq).values()) {
        Table t = d == null ? null : build(d);
        if (t != null) {
          out.add(t);
        }
      }
      out.sort(Comparator.comparingInt(Table::oid));
      Map<Integer, Table> byOid = new HashMap<>();
      out.forEach(t -> byOid.put(t.oid(), t));
      tables = List.copyOf(out);
      tablesByOid = byOid;
    }
    return tables;
  }

  /** One table, without building the others (catalog functions call this once per row). */
  Optional<Table> table(int oid) {
    if (tablesByOid != null) {
      return Optional.ofNullable(tablesByOid.get(oid));
    }
    if (Oids.tableOf(oid) != oid) {
      return Optional.empty();
    }
    TableData d = ordinals.at(oid);
    if (d == null) {
      // Perhaps created after the cached ordinals were computed.
      d = TableOrdinals.compute(materializer.catalog()).at(oid);
    }
    return d == null ? Optional.empty() : Optional.ofNullable(build(d));
  }

  /** The schema of table {@code name} at the snapshot. */
  Optional<TableSchema> schema(String name) {
    return materializer.catalog().resolve(name, seq).filter(d -> d.existsAt(seq)).map(d -> d.schemaAt(seq));
  }

  Optional<Table> table(String name) {
    return materializer.catalog().resolve(name, seq).map(this::build);
  }

  /** The table as it was at the snapshot, or null if it did not exist then. */
  private Table build(TableData d) {
    if (!d.existsAt(seq)) {
      return null;
    }
    int oid = ordinals.oid(d);
    if (oid < 0) {
      // Created after the cached ordinals were computed.
      oid = TableOrdinals.compute(materializer.catalog()).oid(d);
    }
    TableSchema schema = d.schemaAt(seq);
    Table t = new Table(oid, schema.name(), d, schema, new ArrayList<>(), new ArrayList<>());
    addIndexes(t);
    addConstraints(t);
    return t;
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

  private void addConstraints(Table t) {
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
          Table ref = c.getRefTable() == null ? null : shallow(c.getRefTable());
          List<Short> refCols = new ArrayList<>();
          if (ref != null) {
            for (String rc : c.getRefColumns()) {
              ref.schema().column(rc).ifPresent(ci -> refCols.add(Table.attnum(ci.id())));
            }
          }
          int refIndex = ref == null ? 0 : referencedIndex(ref, refCols);
          t.constraints().add(new Constraint(oid, c.getName(), 'f', t.oid(), cols, refIndex, null,
              ref == null ? 0 : ref.oid(), List.copyOf(refCols),
              c.getOnUpdate(), c.getOnDelete()));
        }
        default -> { }
      }
    }
  }

  /** A referenced table: its OID and columns, without its own constraints (they may refer back). */
  private Table shallow(String name) {
    Optional<TableData> d = materializer.catalog().resolve(name, seq);
    if (d.isEmpty()) {
      return null;
    }
    TableSchema schema = d.get().schemaAt(seq);
    int oid = ordinals.oid(d.get());
    return new Table(oid < 0 ? TableOrdinals.compute(materializer.catalog()).oid(d.get()) : oid, schema.name(), d.get(),
        schema, List.of(), List.of());
  }

  /** The referenced table's unique index on exactly {@code attnums} (PostgreSQL's conindid of a foreign key), or 0. */
  private static int referencedIndex(Table ref, List<Short> attnums) {
    TableSchema s = ref.schema();
    if (s.hasPrimaryKey() && attnums(s.primaryKey()).equals(attnums)) {
      return Oids.index(ref.oid(), 0);
    }
    Map<String, Integer> ordinals = firstSeen(ref.data(), sc -> sc.indexes().stream().map(IndexInfo::name).toList());
    for (IndexInfo i : s.indexes()) {
      if (i.unique() && attnums(i.columnIds()).equals(attnums)) {
        return Oids.index(ref.oid(), ordinals.get(i.name()));
      }
    }
    return 0;
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

  List<Role> roles() {
    if (roles == null) {
      roles = roles(materializer.catalog());
    }
    return roles;
  }

  Optional<Index> index(int oid) {
    int base = Oids.tableOf(oid);
    return base < 0 ? Optional.empty()
        : table(base).flatMap(t -> t.indexes().stream().filter(i -> i.oid() == oid).findFirst());
  }

  Optional<Constraint> constraint(int oid) {
    int base = Oids.tableOf(oid);
    return base < 0 ? Optional.empty()
        : table(base).flatMap(t -> t.constraints().stream().filter(c -> c.oid() == oid).findFirst());
  }

  Optional<Role> role(int oid) {
    return roles().stream().filter(r -> r.oid() == oid).findFirst();
  }

  List<Index> indexes() {
    List<Index> out = new ArrayList<>();
    tables().forEach(t -> out.addAll(t.indexes()));
    return out;
  }

  List<Constraint> constraints() {
    List<Constraint> out = new ArrayList<>();
    tables().forEach(t -> out.addAll(t.constraints()));
    return out;
  }
}
