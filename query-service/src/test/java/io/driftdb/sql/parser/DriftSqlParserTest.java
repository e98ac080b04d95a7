package io.driftdb.sql.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlDelete;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSnapshot;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.SqlUpdate;
import org.apache.calcite.sql.SqlUserDefinedTypeNameSpec;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parser-level tests of {@link DriftSqlParserImpl}: system-time clauses, {@code ::}, core grammar. */
class DriftSqlParserTest {

  static final SqlParser.Config CONFIG = SqlParser.config()
      .withParserFactory(DriftSqlParserImpl.FACTORY)
      .withCaseSensitive(false)
      .withUnquotedCasing(Casing.TO_LOWER)
      .withConformance(SqlConformanceEnum.BABEL);

  static SqlNode parse(String sql) throws SqlParseException {
    return SqlParser.create(sql, CONFIG).parseStmt();
  }

  /** All SqlSnapshot nodes of the tree, in source order. */
  static List<SqlSnapshot> snapshots(SqlNode node) {
    List<SqlSnapshot> out = new ArrayList<>();
    collect(node, out);
    return out;
  }

  private static void collect(SqlNode node, List<SqlSnapshot> out) {
    if (node instanceof SqlSnapshot) {
      out.add((SqlSnapshot) node);
    }
    if (node instanceof SqlNodeList) {
      for (SqlNode n : (SqlNodeList) node) {
        collect(n, out);
      }
    } else if (node instanceof SqlCall) {
      for (SqlNode n : ((SqlCall) node).getOperandList()) {
        if (n != null) {
          collect(n, out);
        }
      }
    }
  }

  static SqlSnapshot onlySnapshot(String sql) throws SqlParseException {
    List<SqlSnapshot> list = snapshots(parse(sql));
    assertThat(list).as("snapshots in %s", sql).hasSize(1);
    return list.get(0);
  }

  /** Asserts {@code node} is a call of marker {@code name} and returns its operands. */
  static List<SqlNode> marker(SqlNode node, String name) {
    assertThat(node).isInstanceOf(SqlCall.class);
    SqlCall call = (SqlCall) node;
    assertThat(call.getOperator()).isInstanceOf(SqlUnresolvedFunction.class);
    assertThat(call.getOperator().getName()).isEqualTo(name);
    assertThat(TemporalMarkers.isMarker(call.getOperator().getName())).isTrue();
    return call.getOperandList();
  }

  static void assertSeq(SqlNode node, long n) {
    List<SqlNode> ops = marker(node, TemporalMarkers.SEQ);
    assertThat(ops).hasSize(1);
    assertThat(ops.get(0)).isInstanceOf(SqlLiteral.class);
    assertThat(((SqlLiteral) ops.get(0)).longValue(true)).isEqualTo(n);
  }

  /** Asserts {@code node} is CAST(inner AS TIMESTAMP(3)) and returns inner. */
  static SqlNode assertCastToTimestamp(SqlNode node) {
    assertThat(node.getKind()).isEqualTo(SqlKind.CAST);
    SqlCall cast = (SqlCall) node;
    SqlDataTypeSpec type = cast.operand(1);
    assertThat(type.getTypeNameSpec()).isInstanceOf(SqlBasicTypeNameSpec.class);
    assertThat(type.getTypeNameSpec().getTypeName().getSimple()).isEqualTo("TIMESTAMP");
    assertThat(((SqlBasicTypeNameSpec) type.getTypeNameSpec()).getPrecision()).isEqualTo(3);
    return cast.operand(0);
  }

  /** Calcite parses TIMESTAMP '...' into a literal whose value the validator checks later. */
  static void assertTimestampLiteral(SqlNode node, String value) {
    assertThat(node.getKind()).isEqualTo(SqlKind.LITERAL);
    assertThat(node.toString()).isEqualTo("TIMESTAMP '" + value + "'");
  }

  static void assertStringLiteral(SqlNode node, String value) {
    assertThat(node).isInstanceOf(SqlCharStringLiteral.class);
    assertThat(((SqlCharStringLiteral) node).getValueAs(String.class)).isEqualTo(value);
  }

  static void assertTableName(SqlNode node, String name) {
    assertThat(node).isInstanceOf(SqlIdentifier.class);
    assertThat(node.toString()).isEqualToIgnoringCase(name);
  }

  // ---- FOR SYSTEM_TIME AS OF / short form AS OF ----

  @Test
  void asOfSeq() throws Exception {
    SqlSnapshot s = onlySnapshot("SELECT * FROM users FOR SYSTEM_TIME AS OF @SEQ:3");
    assertTableName(s.getTableRef(), "users");
    assertSeq(s.getPeriod(), 3);
  }

  @Test
  void seqTokenIsCaseInsensitive() throws Exception {
    assertSeq(onlySnapshot("select * from users for system_time as of @seq:42").getPeriod(), 42);
    assertSeq(onlySnapshot("select * from users as of @Seq:0007").getPeriod(), 7);
  }

  @Test
  void seqParameter() throws Exception {
    SqlSnapshot s = onlySnapshot("SELECT * FROM users AS OF @SEQ:? WHERE id = ?");
    List<SqlNode> ops = marker(s.getPeriod(), TemporalMarkers.SEQ);
    assertThat(ops).hasSize(1);
    // drift_seq(CAST(? AS BIGINT)): typed, so the validator can derive the parameter's type
    assertThat(ops.get(0).getKind()).isEqualTo(SqlKind.CAST);
    SqlCall cast = (SqlCall) ops.get(0);
    assertThat((SqlNode) cast.operand(0)).isInstanceOf(SqlDynamicParam.class);
    assertThat(((SqlDynamicParam) cast.operand(0)).getIndex()).isZero();
    assertThat(((SqlDataTypeSpec) cast.operand(1)).getTypeNameSpec().getTypeName().getSimple())
        .isEqualTo("BIGINT");
  }

  @Test
  void shortFormAsOfSeq() throws Exception {
    SqlSnapshot s = onlySnapshot("SELECT * FROM users AS OF @SEQ:2");
    assertTableName(s.getTableRef(), "users");
    assertSeq(s.getPeriod(), 2);
  }

  @Test
  void shortFormAsOfStringBecomesTimestampCast() throws Exception {
    SqlSnapshot s = onlySnapshot("SELECT * FROM users AS OF '2025-01-01 00:00:00'");
    assertStringLiteral(assertCastToTimestamp(s.getPeriod()), "2025-01-01 00:00:00");
  }

  @Test
  void shortFormAsOfTimestampLiteral() throws Exception {
    SqlSnapshot s = onlySnapshot("SELECT * FROM users AS OF TIMESTAMP '2025-01-01 00:00:00.250'");
    assertTimestampLiteral(s.getPeriod(), "2025-01-01 00:00:00.250");
  }

  @Test
  void forSystemTimeAsOfStringTimestampAndParameter() throws Exception {
    SqlSnapshot s1 = onlySnapshot("SELECT * FROM users FOR SYSTEM_TIME AS OF '2025-10-24 12:00:00'");
    assertStringLiteral(assertCastToTimestamp(s1.getPeriod()), "2025-10-24 12:00:00");

    SqlSnapshot s2 = onlySnapshot("SELECT * FROM users FOR SYSTEM_TIME AS OF TIMESTAMP '2025-10-24 12:00:00'");
    assertTimestampLiteral(s2.getPeriod(), "2025-10-24 12:00:00");

    SqlSnapshot s3 = onlySnapshot("SELECT * FROM users FOR SYSTEM_TIME AS OF ? WHERE id = ?");
    SqlNode param = assertCastToTimestamp(s3.getPeriod());
    assertThat(param).isInstanceOf(SqlDynamicParam.class);
    assertThat(((SqlDynamicParam) param).getIndex()).isZero();
  }

  @Test
  void asOfAnyExpression() throws Exception {
    SqlSnapshot s = onlySnapshot(
        "SELECT * FROM users FOR SYSTEM_TIME AS OF CURRENT_TIMESTAMP - INTERVAL '1' DAY WHERE id = 1");
    assertThat(s.getPeriod().getKind()).isEqualTo(SqlKind.MINUS);
    // an expression that is not a bare string literal is left alone, even if it contains one
    SqlSnapshot s2 = onlySnapshot("SELECT * FROM users AS OF '2025-01-01'::timestamp");
    assertThat(s2.getPeriod().getKind()).isEqualTo(SqlKind.CAST);
    assertThat(((SqlCall) s2.getPeriod()).getOperator()).isSameAs(SqlStdOperatorTable.CAST);
  }

  // ---- ALL / BETWEEN / FROM..TO / CONTAINED IN ----

  @Test
  void all() throws Exception {
    SqlSnapshot s = onlySnapshot("SELECT * FROM users FOR SYSTEM_TIME ALL WHERE id = 'u1'");
    assertTableName(s.getTableRef(), "users");
    assertThat(marker(s.getPeriod(), TemporalMarkers.ALL)).isEmpty();
  }

  @Test
  void betweenSeqs() throws Exception {
    SqlSnapshot s = onlySnapshot("SELECT * FROM users FOR SYSTEM_TIME BETWEEN @SEQ:1 AND @SEQ:4");
    List<SqlNode> ops = marker(s.getPeriod(), TemporalMarkers.BETWEEN);
    assertThat(ops).hasSize(2);
    assertSeq(ops.get(0), 1);
    assertSeq(ops.get(1), 4);
  }

  @Test
  void betweenTimestampsStringsAndParameters() throws Exception {
    List<SqlNode> ops = marker(onlySnapshot(
        "SELECT * FROM users FOR SYSTEM_TIME BETWEEN TIMESTAMP '2025-01-01 00:00:00' "
            + "AND TIMESTAMP '2025-02-01 00:00:00' WHERE id = 1 AND name = 'x'").getPeriod(),
        TemporalMarkers.BETWEEN);
    assertThat(ops).hasSize(2);
    assertTimestampLiteral(ops.get(0), "2025-01-01 00:00:00");
    assertTimestampLiteral(ops.get(1), "2025-02-01 00:00:00");

    ops = marker(onlySnapshot(
        "SELECT * FROM users FOR SYSTEM_TIME BETWEEN '2025-01-01 00:00:00' AND ?").getPeriod(),
        TemporalMarkers.BETWEEN);
    assertStringLiteral(assertCastToTimestamp(ops.get(0)), "2025-01-01 00:00:00");
    assertThat(assertCastToTimestamp(ops.get(1))).isInstanceOf(SqlDynamicParam.class);
  }

  @Test
  void betweenBoundsMayBeArithmetic() throws Exception {
    SqlNode q = parse("SELECT * FROM orders o JOIN rates FOR SYSTEM_TIME "
        + "BETWEEN o.placed_at - INTERVAL '1' HOUR AND o.placed_at r ON r.cur = o.cur");
    List<SqlSnapshot> list = snapshots(q);
    assertThat(list).hasSize(1);
    List<SqlNode> ops = marker(list.get(0).getPeriod(), TemporalMarkers.BETWEEN);
    assertThat(ops.get(0).getKind()).isEqualTo(SqlKind.MINUS);
    assertThat(ops.get(1).toString()).isEqualTo("o.placed_at");
  }

  @Test
  void betweenMixedBoundsParse() throws Exception {
    // mixed @SEQ / timestamp bounds are syntactically fine; the engine decides what they mean
    List<SqlNode> ops = marker(onlySnapshot(
        "SELECT * FROM users FOR SYSTEM_TIME BETWEEN TIMESTAMP '2025-01-01 00:00:00' AND @SEQ:9")
        .getPeriod(), TemporalMarkers.BETWEEN);
    assertTimestampLiteral(ops.get(0), "2025-01-01 00:00:00");
    assertSeq(ops.get(1), 9);
    ops = marker(onlySnapshot("SELECT * FROM users FOR SYSTEM_TIME BETWEEN @SEQ:2 AND '2030-01-01'")
        .getPeriod(), TemporalMarkers.BETWEEN);
    assertSeq(ops.get(0), 2);
    assertStringLiteral(assertCastToTimestamp(ops.get(1)), "2030-01-01");
  }

  @Test
  void fromTo() throws Exception {
    List<SqlNode> ops = marker(onlySnapshot(
        "SELECT * FROM users FOR SYSTEM_TIME FROM @SEQ:1 TO @SEQ:5 WHERE id = 1").getPeriod(),
        TemporalMarkers.FROM_TO);
    assertThat(ops).hasSize(2);
    assertSeq(ops.get(0), 1);
    assertSeq(ops.get(1), 5);

    ops = marker(onlySnapshot("SELECT * FROM users FOR SYSTEM_TIME FROM '2025-01-01 11:30:00' "
        + "TO CURRENT_TIMESTAMP - INTERVAL '1' DAY").getPeriod(), TemporalMarkers.FROM_TO);
    assertStringLiteral(assertCastToTimestamp(ops.get(0)), "2025-01-01 11:30:00");
    assertThat(ops.get(1).getKind()).isEqualTo(SqlKind.MINUS);
  }

  @Test
  void fromToDoesNotConfuseIntervalQualifierTo() throws Exception {
    List<SqlNode> ops = marker(onlySnapshot("SELECT * FROM users FOR SYSTEM_TIME "
        + "FROM CURRENT_TIMESTAMP - INTERVAL '1' DAY TO CURRENT_TIMESTAMP").getPeriod(),
        TemporalMarkers.FROM_TO);
    assertThat(ops.get(0).getKind()).isEqualTo(SqlKind.MINUS);
    assertThat(ops.get(1).toString()).isEqualToIgnoringCase("CURRENT_TIMESTAMP");
  }

  @Test
  void containedIn() throws Exception {
    List<SqlNode> ops = marker(onlySnapshot(
        "SELECT * FROM users FOR SYSTEM_TIME CONTAINED IN (@SEQ:2, '2025-03-01 00:00:00')").getPeriod(),
        TemporalMarkers.CONTAINED_IN);
    assertThat(ops).hasSize(2);
    assertSeq(ops.get(0), 2);
    assertStringLiteral(assertCastToTimestamp(ops.get(1)), "2025-03-01 00:00:00");
  }

  @Test
  void containedIsStillAnIdentifier() throws Exception {
    SqlSelect select = (SqlSelect) parse("SELECT contained FROM contained AS contained");
    assertThat(select.getSelectList().get(0).toString()).isEqualTo("contained");
    assertThat(snapshots(select)).isEmpty();
  }

  // ---- aliases ----

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT x.id FROM t FOR SYSTEM_TIME AS OF @SEQ:3 AS x",
      "SELECT x.id FROM t FOR SYSTEM_TIME AS OF @SEQ:3 x",
      "SELECT x.id FROM t AS OF @SEQ:3 AS x",
      "SELECT x.id FROM t AS OF @SEQ:3 x",
      "SELECT x.id FROM t x FOR SYSTEM_TIME AS OF @SEQ:3",
      "SELECT x.id FROM t AS x FOR SYSTEM_TIME AS OF @SEQ:3",
      "SELECT x.id FROM t x AS OF @SEQ:3",
      "SELECT x.id FROM t AS x AS OF @SEQ:3",
  })
  void aliasBeforeOrAfterTheClauseGivesTheSameTree(String sql) throws Exception {
    SqlSelect select = (SqlSelect) parse(sql);
    SqlNode from = select.getFrom();
    assertThat(from.getKind()).isEqualTo(SqlKind.AS);
    SqlCall as = (SqlCall) from;
    assertThat(as.operand(1).toString()).isEqualTo("x");
    assertThat((SqlNode) as.operand(0)).isInstanceOf(SqlSnapshot.class);
    SqlSnapshot s = as.operand(0);
    assertTableName(s.getTableRef(), "t");
    assertSeq(s.getPeriod(), 3);
    assertThat(from.toString())
        .isEqualTo(((SqlSelect) parse("SELECT x.id FROM t FOR SYSTEM_TIME AS OF @SEQ:3 AS x"))
            .getFrom().toString());
  }

  @Test
  void aliasBeforeTheClauseWithColumnAliases() throws Exception {
    SqlSelect select = (SqlSelect) parse("SELECT a FROM t AS x(a, b) FOR SYSTEM_TIME ALL");
    SqlCall as = (SqlCall) select.getFrom();
    assertThat(as.getKind()).isEqualTo(SqlKind.AS);
    assertThat(as.operandCount()).isEqualTo(4);
    assertThat((SqlNode) as.operand(0)).isInstanceOf(SqlSnapshot.class);
  }

  @Test
  void plainAliasesStillWork() throws Exception {
    SqlSelect select = (SqlSelect) parse("SELECT o.id FROM orders AS o JOIN users u ON o.uid = u.id");
    assertThat(snapshots(select)).isEmpty();
    SqlJoin join = (SqlJoin) select.getFrom();
    assertThat(join.getLeft().getKind()).isEqualTo(SqlKind.AS);
    assertThat(join.getRight().getKind()).isEqualTo(SqlKind.AS);
    // OF is reserved, but a quoted "of" is an ordinary alias
    SqlCall as = (SqlCall) ((SqlSelect) parse("SELECT * FROM t AS \"of\"")).getFrom();
    assertThat(as.getKind()).isEqualTo(SqlKind.AS);
    assertThat(as.operand(1).toString()).isEqualTo("of");
  }

  @Test
  void commaJoinWithAPointPerTable() throws Exception {
    List<SqlSnapshot> list = snapshots(parse("SELECT * FROM t AS OF @SEQ:3, u AS OF @SEQ:4 x, v"));
    assertThat(list).hasSize(2);
    assertSeq(list.get(0).getPeriod(), 3);
    assertSeq(list.get(1).getPeriod(), 4);
  }

  // ---- joins ----

  @Test
  void temporalJoinWithADifferentPointPerTable() throws Exception {
    SqlNode q = parse("SELECT u.name, a.balance "
        + "FROM users FOR SYSTEM_TIME AS OF @SEQ:2 AS u "
        + "JOIN accounts AS OF TIMESTAMP '2025-10-24 12:30:00' a ON a.uid = u.id "
        + "JOIN users FOR SYSTEM_TIME AS OF '2025-10-24 13:00:00' AS u2 ON u2.id = u.id "
        + "JOIN users u3 ON u3.id = u.id");
    List<SqlSnapshot> list = snapshots(q);
    assertThat(list).hasSize(3);
    assertTableName(list.get(0).getTableRef(), "users");
    assertSeq(list.get(0).getPeriod(), 2);
    assertTableName(list.get(1).getTableRef(), "accounts");
    assertTimestampLiteral(list.get(1).getPeriod(), "2025-10-24 12:30:00");
    assertTableName(list.get(2).getTableRef(), "users");
    assertStringLiteral(assertCastToTimestamp(list.get(2).getPeriod()), "2025-10-24 13:00:00");
  }

  @Test
  void asOfAColumnOfAnotherTable() throws Exception {
    SqlSelect select = (SqlSelect) parse("SELECT o.id, o.amount * r.rate FROM orders o "
        + "JOIN rates FOR SYSTEM_TIME AS OF o.placed_at r ON r.currency = o.currency");
    SqlJoin join = (SqlJoin) select.getFrom();
    SqlCall right = (SqlCall) join.getRight();
    assertThat(right.getKind()).isEqualTo(SqlKind.AS);
    assertThat(right.operand(1).toString()).isEqualTo("r");
    SqlSnapshot s = right.operand(0);
    assertTableName(s.getTableRef(), "rates");
    assertThat(s.getPeriod()).isInstanceOf(SqlIdentifier.class);
    assertThat(((SqlIdentifier) s.getPeriod()).names).containsExactly("o", "placed_at");
    assertThat(join.getCondition().toString()).isEqualTo("`r`.`currency` = `o`.`currency`");
  }

  @Test
  void temporalClauseInsideSubqueriesAndCtes() throws Exception {
    SqlNode q = parse("WITH before AS (SELECT * FROM users AS OF @SEQ:1) "
        + "SELECT * FROM before WHERE id IN (SELECT id FROM users FOR SYSTEM_TIME ALL) "
        + "AND EXISTS (SELECT 1 FROM orders FOR SYSTEM_TIME FROM @SEQ:1 TO @SEQ:2)");
    assertThat(snapshots(q)).hasSize(3);
  }

  // ---- things that must NOT become temporal ----

  @Test
  void stringLiteralThatLooksLikeAClauseStaysALiteral() throws Exception {
    SqlSelect select = (SqlSelect) parse(
        "SELECT 'FOR SYSTEM_TIME ALL', '@SEQ:3', 'AS OF @SEQ:3' FROM t WHERE note = 'FOR SYSTEM_TIME ALL'");
    assertThat(snapshots(select)).isEmpty();
    assertStringLiteral(select.getSelectList().get(0), "FOR SYSTEM_TIME ALL");
    assertStringLiteral(select.getSelectList().get(1), "@SEQ:3");
    assertStringLiteral(select.getSelectList().get(2), "AS OF @SEQ:3");
    assertTableName(select.getFrom(), "t");
  }

  @Test
  void quotedIdentifiersAndCommentsAreNotClauses() throws Exception {
    SqlSelect select = (SqlSelect) parse(
        "SELECT \"@SEQ:3\" FROM t /* FOR SYSTEM_TIME ALL */ -- AS OF @SEQ:1\n WHERE x = 1");
    assertThat(snapshots(select)).isEmpty();
  }

  // ---- PostgreSQL infix cast ----

  static SqlCall castOf(String expr) throws SqlParseException {
    SqlSelect select = (SqlSelect) parse("SELECT " + expr + " FROM t");
    SqlNode e = select.getSelectList().get(0);
    assertThat(e.getKind()).as(expr).isEqualTo(SqlKind.CAST);
    return (SqlCall) e;
  }

  static SqlDataTypeSpec typeOf(SqlCall cast) {
    // a standard CAST, not a PostgreSQL-library operator: validates with the standard operator table
    assertThat(cast.getOperator()).isSameAs(SqlStdOperatorTable.CAST);
    assertThat(cast.operandCount()).isEqualTo(2);
    return cast.operand(1);
  }

  @Test
  void infixCastToBuiltInTypes() throws Exception {
    SqlCall c = castOf("'42'::int");
    assertStringLiteral(c.operand(0), "42");
    assertThat(typeOf(c).getTypeNameSpec().getTypeName().getSimple()).isEqualTo("INTEGER");

    c = castOf("(1 + 2)::varchar(10)");
    assertThat(c.operand(0).getKind()).isEqualTo(SqlKind.PLUS);
    assertThat(typeOf(c).getTypeNameSpec()).isInstanceOf(SqlBasicTypeNameSpec.class);
    assertThat(((SqlBasicTypeNameSpec) typeOf(c).getTypeNameSpec()).getPrecision()).isEqualTo(10);

    c = castOf("now()::date");
    assertThat(c.operand(0).getKind()).isEqualTo(SqlKind.OTHER_FUNCTION);
    assertThat(typeOf(c).getTypeNameSpec().getTypeName().getSimple()).isEqualTo("DATE");

    c = castOf("x::timestamp");
    assertThat(c.operand(0).toString()).isEqualTo("x");
  }

  @ParameterizedTest
  @ValueSource(strings = {"text", "int4", "int8", "timestamptz", "bool", "float8", "jsonb"})
  void infixCastToPostgresTypeNamesGivesUserDefinedTypes(String type) throws Exception {
    SqlCall c = castOf("x::" + type);
    assertThat(c.operand(0).toString()).isEqualTo("x");
    assertThat(typeOf(c).getTypeNameSpec()).isInstanceOf(SqlUserDefinedTypeNameSpec.class);
    assertThat(typeOf(c).getTypeNameSpec().getTypeName().names).containsExactly(type);
  }

  @Test
  void infixCastBindsTighterThanArithmeticAndUnaryMinus() throws Exception {
    SqlSelect select = (SqlSelect) parse("SELECT a + b::int4 * 2, -c::int, x::text::int8 FROM t");
    SqlCall plus = (SqlCall) select.getSelectList().get(0);
    assertThat(plus.getKind()).isEqualTo(SqlKind.PLUS);
    SqlCall times = plus.operand(1);
    assertThat(times.getKind()).isEqualTo(SqlKind.TIMES);
    assertThat(times.operand(0).getKind()).isEqualTo(SqlKind.CAST);

    SqlCall minus = (SqlCall) select.getSelectList().get(1);
    assertThat(minus.getKind()).isEqualTo(SqlKind.MINUS_PREFIX);
    assertThat(minus.operand(0).getKind()).isEqualTo(SqlKind.CAST);

    SqlCall outer = (SqlCall) select.getSelectList().get(2);
    assertThat(outer.getKind()).isEqualTo(SqlKind.CAST);
    assertThat(typeOf(outer).getTypeNameSpec().getTypeName().getSimple()).isEqualTo("int8");
    assertThat(outer.operand(0).getKind()).isEqualTo(SqlKind.CAST);
  }

  @Test
  void infixCastOfAParameter() throws Exception {
    SqlSelect select = (SqlSelect) parse("SELECT * FROM t WHERE id = ?::int8");
    SqlCall eq = (SqlCall) select.getWhere();
    SqlCall cast = eq.operand(1);
    assertThat(cast.getKind()).isEqualTo(SqlKind.CAST);
    assertThat((SqlNode) cast.operand(0)).isInstanceOf(SqlDynamicParam.class);
  }

  // ---- the rest of Calcite's core grammar ----

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT a, count(*) FROM t JOIN u ON t.id = u.id LEFT JOIN v USING (id) GROUP BY a HAVING count(*) > 1",
      "SELECT * FROM t WHERE x IN (SELECT y FROM u) AND EXISTS (SELECT 1 FROM v WHERE v.a = t.a)",
      "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT n FROM r",
      "SELECT a, row_number() OVER (PARTITION BY b ORDER BY c DESC) FROM t",
      "SELECT sum(x) OVER w FROM t WINDOW w AS (ORDER BY y ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)",
      "SELECT a FROM t UNION SELECT a FROM u EXCEPT SELECT a FROM v",
      "SELECT * FROM t WHERE name ILIKE 'a%' AND name NOT ILIKE '%b'",
      "SELECT * FROM t ORDER BY a LIMIT 10 OFFSET 5",
      "SELECT * FROM t WHERE x BETWEEN 1 AND 5 AND y NOT BETWEEN 2 AND 3",
      "SELECT CASE WHEN a > 0 THEN 'p' ELSE 'n' END, CAST(b AS VARCHAR(3)), COALESCE(c, 0) FROM t",
      "VALUES (1, 'a'), (2, 'b')",
      "INSERT INTO t (id, name) VALUES (1, 'a'), (?, ?)",
      "INSERT INTO t SELECT * FROM u AS OF @SEQ:4",
      "UPDATE t SET name = upper(name) || '!' WHERE id = 'u1'",
      "DELETE FROM t WHERE name LIKE 'b%'",
      "SELECT * FROM (SELECT a FROM t) AS s(x) CROSS JOIN LATERAL (SELECT * FROM u WHERE u.a = s.x) l",
      "SELECT * FROM UNNEST(ARRAY[1, 2]) AS x(v)",
  })
  void coreGrammarStillParses(String sql) throws Exception {
    SqlNode node = parse(sql);
    assertThat(node).isNotNull();
    // the unparsed SQL parses again to the same tree
    String unparsed = unparse(node);
    assertThat(parse(unparsed).equalsDeep(node, org.apache.calcite.util.Litmus.IGNORE))
        .as("round trip of %s via %s", sql, unparsed).isTrue();
  }

  @Test
  void dmlStatementKinds() throws Exception {
    assertThat(parse("INSERT INTO t VALUES (1)")).isInstanceOf(SqlInsert.class);
    assertThat(parse("UPDATE t SET a = 1")).isInstanceOf(SqlUpdate.class);
    assertThat(parse("DELETE FROM t")).isInstanceOf(SqlDelete.class);
    assertThat(parse("WITH x AS (SELECT 1) SELECT * FROM x")).isInstanceOf(SqlWith.class);
    assertThat(parse("SELECT * FROM t ORDER BY a LIMIT 1")).isInstanceOf(SqlOrderBy.class);
  }

  static String unparse(SqlNode node) {
    return node.toSqlString(org.apache.calcite.sql.dialect.CalciteSqlDialect.DEFAULT).getSql();
  }

  @Test
  void temporalTreesRoundTripThroughUnparse() throws Exception {
    for (String sql : List.of(
        "SELECT * FROM users FOR SYSTEM_TIME AS OF @SEQ:3 AS u",
        "SELECT * FROM users AS OF '2025-01-01 00:00:00'",
        "SELECT * FROM users FOR SYSTEM_TIME BETWEEN @SEQ:1 AND ?",
        "SELECT * FROM users FOR SYSTEM_TIME FROM TIMESTAMP '2025-01-01 00:00:00' TO @SEQ:9",
        "SELECT * FROM users FOR SYSTEM_TIME CONTAINED IN (@SEQ:1, @SEQ:2)",
        "SELECT * FROM users FOR SYSTEM_TIME ALL")) {
      SqlNode node = parse(sql);
      String unparsed = unparse(node);
      // markers unparse as ordinary function calls (e.g. "AS OF drift_seq(3)"), which parse back
      assertThat(parse(unparsed).equalsDeep(node, org.apache.calcite.util.Litmus.IGNORE))
          .as("round trip of %s via %s", sql, unparsed).isTrue();
    }
  }

  // ---- errors ----

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT * FROM t FOR SYSTEM_TIME",
      "SELECT * FROM t FOR SYSTEM_TIME AS OF",
      "SELECT * FROM t FOR SYSTEM_TIME BETWEEN @SEQ:1",
      "SELECT * FROM t FOR SYSTEM_TIME BETWEEN @SEQ:1 AND",
      "SELECT * FROM t FOR SYSTEM_TIME FROM @SEQ:1",
      "SELECT * FROM t FOR SYSTEM_TIME CONTAINED IN (@SEQ:1)",
      "SELECT * FROM t FOR SYSTEM_TIME AS OF @SEQ:",
      "SELECT * FROM t FOR SYSTEM_TIME AS OF @SEQ:x",
      "SELECT * FROM t AS OF",
      "SELECT * FROM t FOR SYSTEM_TIME ALL FOR SYSTEM_TIME ALL",
      "SELECT * FROM t AS x AS OF @SEQ:1 AS y",
      "SELECT * FROM (SELECT 1) AS x FOR SYSTEM_TIME ALL",
      "SELECT @SEQ:3 FROM t",
      "SELECT x:: FROM t",
      "SELECT FROM t",
      "SELECT * FROM t FOR UPDATE",
      "CREATE TABLE t (id INT)",
  })
  void syntaxErrorsRaiseSqlParseException(String sql) {
    assertThatThrownBy(() -> parse(sql)).isInstanceOf(SqlParseException.class);
  }

  @Test
  void betweenWithoutAndHasAClearMessage() {
    assertThatThrownBy(() -> parse("SELECT * FROM t FOR SYSTEM_TIME BETWEEN TIMESTAMP '2025-01-01 00:00:00'"))
        .isInstanceOf(SqlParseException.class)
        .hasMessageContaining("FOR SYSTEM_TIME BETWEEN expects <lower bound> AND <upper bound>")
        .satisfies(e -> assertThat(((SqlParseException) e).getPos()).isNotNull());
  }

  @Test
  void misplacedClauseHasAClearMessage() {
    assertThatThrownBy(() -> parse("SELECT * FROM (SELECT 1) AS x FOR SYSTEM_TIME ALL"))
        .isInstanceOf(SqlParseException.class)
        .hasMessageContaining("must follow a table name");
  }

  @Test
  void markerNames() {
    assertThat(TemporalMarkers.isMarker("drift_seq")).isTrue();
    assertThat(TemporalMarkers.isMarker("DRIFT_BETWEEN")).isTrue();
    assertThat(TemporalMarkers.isMarker("drift_contained_in")).isTrue();
    assertThat(TemporalMarkers.isMarker("drift_from_to")).isTrue();
    assertThat(TemporalMarkers.isMarker("drift_all")).isTrue();
    assertThat(TemporalMarkers.isMarker("now")).isFalse();
    assertThat(TemporalMarkers.isMarker(null)).isFalse();
    assertThatThrownBy(() -> TemporalMarkers.driftSeq(1)).isInstanceOf(UnsupportedOperationException.class);
  }
}
