package io.driftdb.sql.catalog;

import io.driftdb.materializer.ColumnType;
import io.driftdb.sql.PgType;
import java.util.Map;
import java.util.Optional;

/**
 * What pg_type says about each type DriftDB sends to clients ({@link PgType}): PostgreSQL's
 * storage facts (alignment, by-value, I/O function names) so that clients that inspect them
 * see familiar values, plus the SQL spelling {@code format_type} prints.
 */
final class PgTypes {
  /**
   * @param byVal passed by value
   * @param category typcategory letter
   * @param preferred typispreferred
   * @param io prefix of the in/out/recv/send function names
   * @param modIo prefix of typmodin/typmodout, or null
   * @param align typalign
   * @param storage typstorage
   * @param collation typcollation
   * @param sqlName format_type's name without modifiers
   */
  record Facts(boolean byVal, char category, boolean preferred, String io, String modIo, char align, char storage,
               int collation, String sqlName) {}

  private static final Map<PgType, Facts> FACTS = Map.ofEntries(
      Map.entry(PgType.BOOL, new Facts(true, 'B', true, "bool", null, 'c', 'p', 0, "boolean")),
      Map.entry(PgType.BYTEA, new Facts(false, 'U', false, "bytea", null, 'i', 'x', 0, "bytea")),
      Map.entry(PgType.CHAR, new Facts(true, 'Z', false, "char", null, 'c', 'p', 0, "\"char\"")),
      Map.entry(PgType.NAME, new Facts(false, 'S', false, "name", null, 'c', 'p', Oids.COLLATION_C, "name")),
      Map.entry(PgType.INT8, new Facts(true, 'N', false, "int8", null, 'd', 'p', 0, "bigint")),
      Map.entry(PgType.INT2, new Facts(true, 'N', false, "int2", null, 's', 'p', 0, "smallint")),
      Map.entry(PgType.INT4, new Facts(true, 'N', false, "int4", null, 'i', 'p', 0, "integer")),
      Map.entry(PgType.TEXT, new Facts(false, 'S', true, "text", null, 'i', 'x', Oids.COLLATION_DEFAULT, "text")),
      Map.entry(PgType.OID, new Facts(true, 'N', true, "oid", null, 'i', 'p', 0, "oid")),
      Map.entry(PgType.JSON, new Facts(false, 'U', false, "json_", null, 'i', 'x', 0, "json")),
      Map.entry(PgType.FLOAT4, new Facts(true, 'N', false, "float4", null, 'i', 'p', 0, "real")),
      Map.entry(PgType.FLOAT8, new Facts(true, 'N', true, "float8", null, 'd', 'p', 0, "double precision")),
      Map.entry(PgType.UNKNOWN, new Facts(false, 'X', false, "unknown", null, 'c', 'p', 0, "unknown")),
      Map.entry(PgType.BPCHAR, new Facts(false, 'S', false, "bpchar", "bpchar", 'i', 'x', Oids.COLLATION_DEFAULT,
          "character")),
      Map.entry(PgType.VARCHAR, new Facts(false, 'S', false, "varchar", "varchar", 'i', 'x', Oids.COLLATION_DEFAULT,
          "character varying")),
      Map.entry(PgType.DATE, new Facts(true, 'D', false, "date_", null, 'i', 'p', 0, "date")),
      Map.entry(PgType.TIMESTAMP, new Facts(true, 'D', false, "timestamp_", "timestamp", 'd', 'p', 0,
          "timestamp without time zone")),
      Map.entry(PgType.TIMESTAMPTZ, new Facts(true, 'D', true, "timestamptz_", "timestamptz", 'd', 'p', 0,
          "timestamp with time zone")),
      Map.entry(PgType.NUMERIC, new Facts(false, 'N', false, "numeric_", "numeric", 'i', 'm', 0, "numeric")),
      Map.entry(PgType.UUID, new Facts(false, 'U', false, "uuid_", null, 'c', 'p', 0, "uuid")),
      Map.entry(PgType.JSONB, new Facts(false, 'U', false, "jsonb_", null, 'i', 'x', 0, "jsonb")),
      Map.entry(PgType.INT2_ARRAY, arrayFacts(0)),
      Map.entry(PgType.INT4_ARRAY, arrayFacts(0)),
      Map.entry(PgType.TEXT_ARRAY, arrayFacts(Oids.COLLATION_DEFAULT)),
      Map.entry(PgType.OID_ARRAY, arrayFacts(0)));

  private PgTypes() {}

  private static Facts arrayFacts(int collation) {
    return new Facts(false, 'A', false, "array_", null, 'i', 'x', collation, null);
  }

  static Facts facts(PgType t) {
    return FACTS.get(t);
  }

  static boolean isArray(PgType t) {
    return t.typname().startsWith("_");
  }

  /** Element type of an array type. */
  static Optional<PgType> element(PgType array) {
    if (!isArray(array)) {
      return Optional.empty();
    }
    return byName(array.typname().substring(1));
  }

  /** The array type of {@code t} DriftDB can send, if any. */
  static Optional<PgType> arrayOf(PgType t) {
    return byName("_" + t.typname());
  }

  static Optional<PgType> byName(String typname) {
    for (PgType t : PgType.values()) {
      if (t.typname().equals(typname)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  static Optional<PgType> byOid(int oid) {
    for (PgType t : PgType.values()) {
      if (t.oid() == oid) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** I/O function name, e.g. {@code int4in} or {@code date_recv}. */
  static String ioFunction(PgType t, String suffix) {
    return facts(t).io() + suffix;
  }

  /** The typmod PostgreSQL stores for a column type: declared length or precision, else -1. */
  static int typmod(ColumnType t) {
    return switch (t.kind()) {
      case VARCHAR, CHAR -> t.length() < 0 ? -1 : t.length() + 4;
      case NUMERIC -> t.precision() < 0 ? -1 : ((t.precision() << 16) | Math.max(t.scale(), 0)) + 4;
      default -> -1;
    };
  }

  /** {@code format_type(oid, typmod)}: the SQL spelling of a type; "-" for none, "???" for an unknown OID. */
  static String format(int oid, Integer typmod) {
    if (oid == 0) {
      return "-";
    }
    Optional<PgType> t = byOid(oid);
    if (t.isEmpty()) {
      return "???";
    }
    Optional<PgType> elem = element(t.get());
    if (elem.isPresent()) {
      return format(elem.get().oid(), typmod) + "[]";
    }
    int mod = typmod == null ? -1 : typmod;
    String base = facts(t.get()).sqlName();
    return switch (t.get()) {
      case VARCHAR -> mod < 4 ? base : base + "(" + (mod - 4) + ")";
      case BPCHAR -> mod < 4 ? (typmod == null ? "character" : "bpchar") : base + "(" + (mod - 4) + ")";
      case NUMERIC -> mod < 4 ? base : base + "(" + ((mod - 4) >> 16) + "," + ((mod - 4) & 0xffff) + ")";
      case TIMESTAMP, TIMESTAMPTZ -> mod < 0 ? base
          : base.replace("timestamp", "timestamp(" + mod + ")");
      default -> base;
    };
  }
}
