package io.driftdb.sql.catalog;

import io.driftdb.materializer.ColumnInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * SQL text that describes catalog objects, in the form PostgreSQL's pg_get_indexdef and
 * pg_get_constraintdef print (psql shows everything after {@code USING} verbatim).
 */
final class Definitions {
  private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_$]*");
  /** PostgreSQL's reserved key words: an identifier spelled like one needs quotes. */
  private static final Set<String> RESERVED = Set.of("all", "analyse", "analyze", "and", "any", "array", "as", "asc",
      "asymmetric", "both", "case", "cast", "check", "collate", "column", "constraint", "create", "current_catalog",
      "current_date", "current_role", "current_time", "current_timestamp", "current_user", "default", "deferrable",
      "desc", "distinct", "do", "else", "end", "except", "false", "fetch", "for", "foreign", "from", "grant", "group",
      "having", "in", "initially", "intersect", "into", "lateral", "leading", "limit", "localtime", "localtimestamp",
      "not", "null", "offset", "on", "only", "or", "order", "placing", "primary", "references", "returning", "select",
      "session_user", "some", "symmetric", "table", "then", "to", "trailing", "true", "union", "unique", "user",
      "using", "variadic", "when", "where", "window", "with");

  private Definitions() {}

  /** An identifier as PostgreSQL's quote_ident writes it. */
  static String quote(String name) {
    if (PLAIN.matcher(name).matches() && !RESERVED.contains(name)) {
      return name;
    }
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  static boolean isPgReserved(String word) {
    return RESERVED.contains(word);
  }

  /** Column names of {@code attnums} in {@code t}, quoted where needed. */
  static List<String> columnNames(CatalogSnapshot.Table t, List<Short> attnums) {
    List<String> out = new ArrayList<>();
    for (short a : attnums) {
      ColumnInfo c = t.columnByAttnum(a);
      out.add(c == null ? "?" : quote(c.name()));
    }
    return out;
  }

  /**
   * {@code CREATE [UNIQUE] INDEX name ON [public.]table USING btree (cols)}; pretty output leaves
   * the visible table unqualified, as PostgreSQL does.
   */
  static String index(CatalogSnapshot.Index i, CatalogSnapshot.Table t, boolean pretty) {
    return "CREATE " + (i.unique() ? "UNIQUE " : "") + "INDEX " + quote(i.name()) + " ON "
        + (pretty ? "" : "public.") + quote(t.name()) + " USING btree ("
        + String.join(", ", columnNames(t, i.attnums())) + ")";
  }

  static String constraint(CatalogSnapshot.Constraint c, CatalogSnapshot snap) {
    CatalogSnapshot.Table t = snap.table(c.tableOid()).orElseThrow();
    String cols = String.join(", ", columnNames(t, c.attnums()));
    return switch (c.type()) {
      case 'p' -> "PRIMARY KEY (" + cols + ")";
      case 'u' -> "UNIQUE (" + cols + ")";
      case 'c' -> "CHECK (" + c.checkExpr() + ")";
      case 'f' -> {
        StringBuilder b = new StringBuilder("FOREIGN KEY (").append(cols).append(") REFERENCES ");
        CatalogSnapshot.Table ref = snap.table(c.refTableOid()).orElse(null);
        b.append(ref == null ? "?" : quote(ref.name()));
        if (ref != null) {
          b.append('(').append(String.join(", ", columnNames(ref, c.refAttnums()))).append(')');
        }
        action(b, " ON UPDATE ", c.onUpdate());
        action(b, " ON DELETE ", c.onDelete());
        yield b.toString();
      }
      default -> "";
    };
  }

  private static void action(StringBuilder b, String clause, String action) {
    if (action != null && !action.isBlank() && !action.equalsIgnoreCase("no action")) {
      b.append(clause).append(action.toUpperCase(Locale.ROOT));
    }
  }

  /** pg_constraint's action letter for an ON UPDATE/ON DELETE action. */
  static String actionCode(String action) {
    if (action == null) {
      return "a";
    }
    return switch (action.toLowerCase(Locale.ROOT).trim()) {
      case "cascade" -> "c";
      case "restrict" -> "r";
      case "set null" -> "n";
      case "set default" -> "d";
      default -> "a";
    };
  }
}
