package io.driftdb.sql.catalog;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * How DriftDB numbers catalog objects. OIDs must be stable: psql looks a table up, then sends
 * its OID back as a literal in the next queries, and clients cache them.
 *
 * <ul>
 *   <li>Built-in objects (namespaces, types, catalog relations, the bootstrap role) use the
 *       numbers PostgreSQL uses, so clients' hard-coded OIDs ({@code 'pg_class'::regclass},
 *       type OIDs) stay right.</li>
 *   <li>Each table incarnation k (0, 1, 2... in creation order, an order the log fixes
 *       forever) owns the block {@code 16384 + 4096*k}: the table itself at the base, its
 *       indexes at base+1 (primary key) and base+2.. (secondary, in order of first creation),
 *       its constraints at base+1024 (primary key) and base+1025.., the defaults of its columns
 *       at base+2048+column id. That leaves room for half a million tables below 2^31.</li>
 *   <li>Roles created with SQL get a number derived from their name, so that creating or
 *       dropping another role does not renumber them.</li>
 * </ul>
 */
final class Oids {
  static final int PG_CATALOG = 11;
  static final int PUBLIC = 2200;
  static final int INFORMATION_SCHEMA = 13207;
  static final int BOOTSTRAP_ROLE = 10;
  static final int DATABASE = 1;
  static final int TABLESPACE_DEFAULT = 1663;
  static final int AM_TABLE = 2;
  static final int AM_BTREE = 403;
  static final int COLLATION_DEFAULT = 100;
  static final int COLLATION_C = 950;
  static final int COLLATION_POSIX = 951;
  static final int FIRST_USER_OID = 16384;
  static final int BLOCK = 4096;
  static final int CONSTRAINT_OFFSET = 1024;
  static final int ATTRDEF_OFFSET = 2048;

  private static final int ROLE_BASE = 1_000_000_000;

  private Oids() {}

  static int table(int ordinal) {
    return FIRST_USER_OID + BLOCK * ordinal;
  }

  /** The table whose block holds {@code oid}, or -1 for a built-in object. */
  static int tableOf(int oid) {
    if (oid < FIRST_USER_OID || oid >= ROLE_BASE) {
      return -1;
    }
    return oid - (oid - FIRST_USER_OID) % BLOCK;
  }

  /** Index {@code ordinal} of a table: 0 is the primary key. */
  static int index(int tableOid, int ordinal) {
    if (ordinal >= CONSTRAINT_OFFSET - 1) {
      throw new IllegalStateException("more than " + (CONSTRAINT_OFFSET - 2) + " indexes created on one table");
    }
    return tableOid + 1 + ordinal;
  }

  /** Constraint {@code ordinal} of a table: 0 is the primary key. */
  static int constraint(int tableOid, int ordinal) {
    if (ordinal >= ATTRDEF_OFFSET - CONSTRAINT_OFFSET) {
      throw new IllegalStateException("more than " + (ATTRDEF_OFFSET - CONSTRAINT_OFFSET - 1)
          + " constraints created on one table");
    }
    return tableOid + CONSTRAINT_OFFSET + ordinal;
  }

  /** The pg_attrdef entry of a column's default; 0 past the block (a table with 2048+ column ids). */
  static int attrdef(int tableOid, int columnId) {
    return columnId < BLOCK - ATTRDEF_OFFSET ? tableOid + ATTRDEF_OFFSET + columnId : 0;
  }

  /** Role OIDs by name: a hash of the name, probing upward on the (rare) collision. */
  static Map<String, Integer> roles(Collection<String> names) {
    Map<String, Integer> out = new HashMap<>();
    java.util.Set<Integer> used = new java.util.HashSet<>(List.of(BOOTSTRAP_ROLE));
    for (String n : new TreeSet<>(names)) {
      int oid = ROLE_BASE + Math.floorMod(n.hashCode(), ROLE_BASE);
      while (!used.add(oid)) {
        oid = oid == Integer.MAX_VALUE ? ROLE_BASE : oid + 1;
      }
      out.put(n, oid);
    }
    return out;
  }
}
