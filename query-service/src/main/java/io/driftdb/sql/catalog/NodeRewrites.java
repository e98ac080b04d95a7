package io.driftdb.sql.catalog;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.sql.JoinConditionType;
import org.apache.calcite.sql.JoinType;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlCollectionTypeNameSpec;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlTypeNameSpec;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.SqlUserDefinedTypeNameSpec;
import org.apache.calcite.sql.SqlWithItem;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlShuttle;

/**
 * Rewrites of the parsed statement for PostgreSQL catalog idioms that parse but mean something
 * else to Calcite:
 *
 * <ul>
 *   <li>{@code pg_catalog.f(...)} → {@code f(...)}; {@code CAST(x AS pg_catalog.t)} → {@code t}
 *       (pg_catalog is always first on PostgreSQL's search path);</li>
 *   <li>an unqualified pg_catalog relation name in FROM → {@code pg_catalog.name};</li>
 *   <li>casts to regclass, regtype, regnamespace, regproc → OID lookups (from text) or name
 *       lookups (from an OID);</li>
 *   <li>{@code _pg_expandarray(a)} in a select list (a set-returning function PostgreSQL
 *       evaluates per row) → a lateral {@code UNNEST(a) WITH ORDINALITY} join;</li>
 *   <li>{@code col = '{1,2}'} → {@code col = ARRAY[1, 2]}; {@code '{1,2}'::int4[]} → an ARRAY
 *       constructor;</li>
 *   <li>{@code [NOT] RLIKE} → a regular-expression function; {@code a || ARRAY(...)} → array
 *       concatenation; {@code current_catalog}, {@code current_user} → functions.</li>
 * </ul>
 */
final class NodeRewrites extends SqlShuttle {
  private static final SqlParserPos POS = SqlParserPos.ZERO;
  private static final Set<String> REG_TYPES = Set.of("regclass", "regtype", "regnamespace", "regproc", "regprocedure");
  private static final Set<String> TEXT_TYPES = Set.of("text", "varchar", "name", "char", "bpchar", "character",
      "string");

  /** SQL's own type names, which are key words rather than names once the schema is gone. */
  private static final Map<String, SqlTypeName> SQL_TYPES = Map.of("timestamp", SqlTypeName.TIMESTAMP, "date",
      SqlTypeName.DATE, "time", SqlTypeName.TIME, "integer", SqlTypeName.INTEGER, "smallint", SqlTypeName.SMALLINT,
      "bigint", SqlTypeName.BIGINT, "boolean", SqlTypeName.BOOLEAN, "real", SqlTypeName.REAL, "varchar",
      SqlTypeName.VARCHAR, "decimal", SqlTypeName.DECIMAL);

  private final Set<String> cteNames = new HashSet<>();
  private final Set<String> catalogRelations = new HashSet<>();
  private int expandCounter;

  private NodeRewrites() {
    for (SystemTable t : SystemCatalog.INSTANCE.in(Oids.PG_CATALOG)) {
      catalogRelations.add(t.name());
    }
  }

  /** Cheap test: can the statement contain anything these rewrites care about? */
  static boolean mayApply(String sql) {
    String s = sql.toLowerCase(Locale.ROOT);
    return s.contains("pg_") || s.contains("::") || s.contains("cast") || s.contains("'{") || s.contains("rlike")
        || s.indexOf('~') >= 0 || s.contains("current_catalog") || s.contains("any") || s.contains("user")
        || s.contains("current_role");
  }

  static SqlNode apply(SqlNode node) {
    NodeRewrites r = new NodeRewrites();
    r.collectCteNames(node);
    return node.accept(r);
  }

  private void collectCteNames(SqlNode node) {
    node.accept(new SqlShuttle() {
      @Override
      public SqlNode visit(SqlCall call) {
        if (call instanceof SqlWithItem w) {
          cteNames.add(w.name.getSimple().toLowerCase(Locale.ROOT));
        }
        return super.visit(call);
      }
    });
  }

  @Override
  public SqlNode visit(SqlCall call) {
    if (call instanceof SqlSelect select) {
      rewriteSelect(select);
    }
    SqlCall c = call;
    if (c.getKind() == SqlKind.CAST) {
      SqlNode special = cast(c);
      if (special != null) {
        return special.accept(this);
      }
    }
    if ((c.getKind() == SqlKind.EQUALS || c.getKind() == SqlKind.NOT_EQUALS) && c.operandCount() == 2) {
      c = arrayLiteralComparison(c);
    }
    if (c.getKind() == SqlKind.SOME || c.getKind() == SqlKind.ALL) {
      c = quantifiedLiteral(c);
    }
    if (c.getOperator() == SqlStdOperatorTable.CONCAT && (isArray(c.operand(0)) || isArray(c.operand(1)))) {
      return fn(CatalogSql.ARRAY_CAT, c.operand(0), c.operand(1)).accept(this);
    }
    if (c.getKind() == SqlKind.RLIKE && c.operandCount() == 2) {
      // [NOT] RLIKE (what TextRewrites makes of ~ and !~): Calcite has it only in other dialects.
      SqlCall match = fn(CatalogSql.REGEX_MATCH, c.operand(0), c.operand(1));
      boolean negated = c.getOperator().getName().toUpperCase(Locale.ROOT).startsWith("NOT");
      return (negated ? SqlStdOperatorTable.NOT.createCall(POS, match) : match).accept(this);
    }
    if (c.getOperator() instanceof SqlUnresolvedFunction f && f.getSqlIdentifier() != null
        && !f.getSqlIdentifier().isSimple()) {
      c = unqualify(c, f);
    }
    return super.visit(c);
  }

  @Override
  public SqlNode visit(SqlIdentifier id) {
    // The parser leaves these niladic functions as bare names.
    if (id.isSimple() && !id.isComponentQuoted(0)) {
      switch (id.getSimple().toLowerCase(Locale.ROOT)) {
        case "current_catalog":
          return fn("current_database");
        case "current_user", "session_user", "user", "current_role":
          // Calcite's versions read a context variable the engine does not set.
          return fn(CatalogSql.SESSION_USER);
        default:
          return id;
      }
    }
    return id;
  }

  // ---- SELECT blocks ----

  private void rewriteSelect(SqlSelect select) {
    if (select.getFrom() != null) {
      select.setFrom(qualifyFrom(select.getFrom()));
    }
    SqlNodeList items = select.getSelectList();
    if (items == null) {
      return;
    }
    Map<String, String> expansions = new LinkedHashMap<>();
    Map<String, SqlNode> expandArgs = new LinkedHashMap<>();
    List<SqlNode> out = new ArrayList<>();
    for (SqlNode item : items) {
      SqlNode e = item;
      SqlNode alias = null;
      if (item instanceof SqlCall as && as.getKind() == SqlKind.AS) {
        e = as.operand(0);
        alias = as.operand(1);
      }
      SqlNode expanded = expandArrays(e, expansions, expandArgs);
      if (alias == null && isRegCast(e)) {
        // PostgreSQL names a cast column after its operand (or the type); keep that name.
        SqlNode operand = ((SqlCall) e).operand(0);
        alias = new SqlIdentifier(operand instanceof SqlIdentifier id ? last(id) : regType((SqlCall) e), POS);
      }
      if (isRegCast(expanded) && isTextual(((SqlCall) expanded).operand(0))) {
        // 'name'::regclass shows the (canonical) name, not the OID.
        expanded = SqlStdOperatorTable.CAST.createCall(POS, expanded, typeSpec("text"));
      }
      out.add(alias == null ? expanded : SqlStdOperatorTable.AS.createCall(POS, expanded, alias));
    }
    select.setSelectList(new SqlNodeList(out, items.getParserPosition()));
    for (Map.Entry<String, String> e : expansions.entrySet()) {
      SqlNode unnest = SqlStdOperatorTable.AS.createCall(POS,
          SqlStdOperatorTable.UNNEST_WITH_ORDINALITY.createCall(POS, expandArgs.get(e.getKey())),
          new SqlIdentifier(e.getValue(), POS), new SqlIdentifier("x", POS), new SqlIdentifier("n", POS));
      select.setFrom(new SqlJoin(POS, select.getFrom(), SqlLiteral.createBoolean(false, POS),
          JoinType.COMMA.symbol(POS), unnest, JoinConditionType.NONE.symbol(POS), null));
    }
  }

  /** Replaces _pg_expandarray calls (and field access on them) by columns of an UNNEST. */
  private SqlNode expandArrays(SqlNode e, Map<String, String> expansions, Map<String, SqlNode> args) {
    if (!(e instanceof SqlCall call) || call instanceof SqlSelect) {
      return e;
    }
    if (call.getKind() == SqlKind.DOT && isExpandArray(call.operand(0))) {
      String alias = expansionAlias((SqlCall) call.operand(0), expansions, args);
      return new SqlIdentifier(List.of(alias, ((SqlIdentifier) call.operand(1)).getSimple().toLowerCase(Locale.ROOT)),
          POS);
    }
    if (isExpandArray(call)) {
      String alias = expansionAlias(call, expansions, args);
      // The whole record: a struct with fields x and n, so that (keys).x works on it.
      return new SqlBasicCall(new SqlUnresolvedFunction(new SqlIdentifier(CatalogSql.EXPAND_RECORD, POS), null, null,
          null, null, SqlFunctionCategory.USER_DEFINED_FUNCTION), List.of(new SqlIdentifier(List.of(alias, "x"), POS),
          new SqlIdentifier(List.of(alias, "n"), POS)), POS);
    }
    for (int i = 0; i < call.operandCount(); i++) {
      SqlNode o = call.operand(i);
      if (o != null) {
        SqlNode r = expandArrays(o, expansions, args);
        if (r != o) {
          call.setOperand(i, r);
        }
      }
    }
    return call;
  }

  private String expansionAlias(SqlCall call, Map<String, String> expansions, Map<String, SqlNode> args) {
    SqlNode arg = call.operand(0);
    String key = arg.toString();
    return expansions.computeIfAbsent(key, k -> {
      args.put(k, arg);
      return "drift_expand" + (++expandCounter);
    });
  }

  private static boolean isExpandArray(SqlNode n) {
    return n instanceof SqlCall c && c.getOperator() instanceof SqlFunction f && c.operandCount() == 1
        && f.getName().equalsIgnoreCase("_pg_expandarray");
  }

  private SqlNode qualifyFrom(SqlNode from) {
    if (from instanceof SqlIdentifier id && id.isSimple()) {
      String n = id.getSimple().toLowerCase(Locale.ROOT);
      if (catalogRelations.contains(n) && !cteNames.contains(n)) {
        return new SqlIdentifier(List.of("pg_catalog", n), id.getParserPosition());
      }
      return from;
    }
    if (from instanceof SqlJoin j) {
      j.setLeft(qualifyFrom(j.getLeft()));
      j.setRight(qualifyFrom(j.getRight()));
      return j;
    }
    if (from instanceof SqlCall c && c.getKind() == SqlKind.AS) {
      c.setOperand(0, qualifyFrom(c.operand(0)));
    }
    return from;
  }

  // ---- casts ----

  /** A rewritten cast, or null when the cast is fine as it is (possibly after unqualifying). */
  private SqlNode cast(SqlCall call) {
    SqlNode operand = call.operand(0);
    SqlDataTypeSpec spec = (SqlDataTypeSpec) call.operand(1);
    String type = typeName(spec);
    if (REG_TYPES.contains(type)) {
      boolean in = isTextual(operand);
      return switch (type) {
        case "regclass" -> fn(in ? CatalogSql.REGCLASS_IN : CatalogSql.REGCLASS_OUT, operand);
        case "regtype" -> fn(in ? CatalogSql.REGTYPE_IN : CatalogSql.REGTYPE_OUT, operand);
        case "regnamespace" -> fn(in ? CatalogSql.REGNAMESPACE_IN : CatalogSql.REGNAMESPACE_OUT, operand);
        default -> fn(CatalogSql.REGPROC, operand);
      };
    }
    if (TEXT_TYPES.contains(type) && isRegCast(operand)) {
      SqlCall inner = (SqlCall) operand;
      String reg = regType(inner);
      if (isTextual(inner.operand(0))) {
        // text -> reg* -> text: canonicalize through the OID.
        String out = reg.equals("regclass") ? CatalogSql.REGCLASS_OUT : reg.equals("regtype") ? CatalogSql.REGTYPE_OUT
            : reg.equals("regnamespace") ? CatalogSql.REGNAMESPACE_OUT : null;
        return out == null ? inner : fn(out, inner);
      }
      return inner;
    }
    if (operand instanceof SqlCharStringLiteral lit
        && spec.getTypeNameSpec() instanceof SqlCollectionTypeNameSpec coll) {
      SqlNode array = arrayLiteral(lit, coll.getElementTypeName());
      if (array != null) {
        return array;
      }
    }
    SqlDataTypeSpec plain = unqualify(spec);
    if (plain != spec) {
      return SqlStdOperatorTable.CAST.createCall(call.getParserPosition(), operand, plain);
    }
    return null;
  }

  /** An array constructor, or a call of our array concatenation: {@code ||} on it is array concatenation. */
  private static boolean isArray(SqlNode n) {
    return n instanceof SqlCall c && (c.getKind() == SqlKind.ARRAY_VALUE_CONSTRUCTOR
        || c.getKind() == SqlKind.ARRAY_QUERY_CONSTRUCTOR
        || c.getOperator() instanceof SqlFunction f && f.getName().equalsIgnoreCase(CatalogSql.ARRAY_CAT));
  }

  private static boolean isRegCast(SqlNode n) {
    return n instanceof SqlCall c && c.getKind() == SqlKind.CAST && REG_TYPES.contains(regType(c));
  }

  private static String regType(SqlCall cast) {
    return typeName((SqlDataTypeSpec) cast.operand(1));
  }

  /** Is the value text (a name to look up) rather than an OID? */
  private static boolean isTextual(SqlNode n) {
    if (n instanceof SqlCharStringLiteral || n instanceof SqlDynamicParam) {
      return true;
    }
    if (n instanceof SqlCall c) {
      if (c.getKind() == SqlKind.CAST) {
        return TEXT_TYPES.contains(typeName((SqlDataTypeSpec) c.operand(1)));
      }
      return c.getOperator() == SqlStdOperatorTable.CONCAT;
    }
    return false;
  }

  /** Last part of a type name, lower-cased: {@code pg_catalog.regclass} → {@code regclass}. */
  private static String typeName(SqlDataTypeSpec spec) {
    SqlIdentifier id = spec.getTypeName();
    return id.names.get(id.names.size() - 1).toLowerCase(Locale.ROOT);
  }

  private static SqlDataTypeSpec unqualify(SqlDataTypeSpec spec) {
    SqlTypeNameSpec name = spec.getTypeNameSpec();
    SqlTypeNameSpec plain = unqualify(name);
    return plain == name ? spec : new SqlDataTypeSpec(plain, spec.getTimeZone(), spec.getNullable(),
        spec.getParserPosition());
  }

  private static SqlTypeNameSpec unqualify(SqlTypeNameSpec name) {
    if (name instanceof SqlCollectionTypeNameSpec c) {
      SqlTypeNameSpec element = unqualify(c.getElementTypeName());
      return element == c.getElementTypeName() ? name : new SqlCollectionTypeNameSpec(element,
          SqlTypeName.valueOf(c.getTypeName().getSimple().toUpperCase(Locale.ROOT)), c.getParserPos());
    }
    if (name instanceof SqlUserDefinedTypeNameSpec u && u.getTypeName().names.size() == 2
        && u.getTypeName().names.get(0).equalsIgnoreCase("pg_catalog")) {
      String simple = u.getTypeName().names.get(1).toLowerCase(Locale.ROOT);
      SqlTypeName builtin = SQL_TYPES.get(simple);
      return builtin != null ? new org.apache.calcite.sql.SqlBasicTypeNameSpec(builtin, u.getParserPos())
          : new SqlUserDefinedTypeNameSpec(simple, u.getParserPos());
    }
    return name;
  }

  private static SqlDataTypeSpec typeSpec(String name) {
    return new SqlDataTypeSpec(new SqlUserDefinedTypeNameSpec(name, POS), POS);
  }

  // ---- functions ----

  private static SqlCall fn(String name, SqlNode... operands) {
    return new SqlBasicCall(new SqlUnresolvedFunction(new SqlIdentifier(name, POS), null, null, null, null,
        SqlFunctionCategory.USER_DEFINED_FUNCTION), List.of(operands), POS);
  }

  /** {@code pg_catalog.f(...)} → {@code f(...)}; other schemas are left for Calcite to resolve. */
  private static SqlCall unqualify(SqlCall call, SqlUnresolvedFunction f) {
    List<String> names = f.getSqlIdentifier().names;
    String schema = names.get(0).toLowerCase(Locale.ROOT);
    if (names.size() != 2 || !(schema.equals("pg_catalog") || schema.equals("information_schema"))) {
      return call;
    }
    SqlUnresolvedFunction simple = new SqlUnresolvedFunction(new SqlIdentifier(names.get(1).toLowerCase(Locale.ROOT),
        f.getSqlIdentifier().getParserPosition()), null, null, null, null, f.getFunctionType());
    return simple.createCall(call.getFunctionQuantifier(), call.getParserPosition(), call.getOperandList());
  }

  private static String last(SqlIdentifier id) {
    return id.names.get(id.names.size() - 1);
  }

  // ---- array literals ----

  /**
   * {@code '{1,2}'::int4[]}: Calcite cannot cast text to an array, so the literal becomes an
   * ARRAY constructor of elements cast to the element type. Null for '{}' or quoted elements.
   */
  private static SqlNode arrayLiteral(SqlCharStringLiteral lit, SqlTypeNameSpec elementType) {
    String s = lit.getValueAs(String.class).trim();
    if (s.length() < 3 || !s.startsWith("{") || !s.endsWith("}") || s.indexOf('"') >= 0) {
      return null;
    }
    List<SqlNode> elements = new ArrayList<>();
    for (String p : s.substring(1, s.length() - 1).split(",")) {
      String v = p.trim();
      SqlNode e = v.equalsIgnoreCase("null") ? SqlLiteral.createNull(POS) : SqlLiteral.createCharString(v, POS);
      elements.add(SqlStdOperatorTable.CAST.createCall(POS, e,
          new SqlDataTypeSpec(unqualify(elementType), POS)));
    }
    return SqlStdOperatorTable.ARRAY_VALUE_CONSTRUCTOR.createCall(POS, elements);
  }

  /**
   * {@code 'd' = ANY(chars)}: Calcite wants the same type name on both sides, and a string
   * literal is CHAR(n) while text columns are VARCHAR.
   */
  private static SqlCall quantifiedLiteral(SqlCall c) {
    if (c.operandCount() == 2 && c.operand(0) instanceof SqlCharStringLiteral lit) {
      c.setOperand(0, SqlStdOperatorTable.CAST.createCall(POS, lit,
          new SqlDataTypeSpec(new org.apache.calcite.sql.SqlBasicTypeNameSpec(SqlTypeName.VARCHAR, POS), POS)));
    }
    return c;
  }

  /** {@code x = '{0}'}: PostgreSQL reads an untyped literal as the array type of the other side. */
  private static SqlCall arrayLiteralComparison(SqlCall c) {
    for (int side = 0; side < 2; side++) {
      if (c.operand(side) instanceof SqlCharStringLiteral lit) {
        String s = lit.getValueAs(String.class).trim();
        if (s.length() > 2 && s.startsWith("{") && s.endsWith("}")) {
          String[] parts = s.substring(1, s.length() - 1).split(",");
          List<SqlNode> elements = new ArrayList<>();
          for (String p : parts) {
            if (!p.trim().matches("-?\\d+")) {
              // Only OID/integer arrays: '{...}' text may well be a string (JSON, say).
              return c;
            }
            elements.add(SqlLiteral.createExactNumeric(p.trim(), POS));
          }
          c.setOperand(side, SqlStdOperatorTable.ARRAY_VALUE_CONSTRUCTOR.createCall(POS, elements));
        }
      }
    }
    return c;
  }
}
