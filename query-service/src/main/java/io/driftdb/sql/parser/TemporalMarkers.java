package io.driftdb.sql.parser;

import java.sql.Timestamp;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.ScalarFunctionImpl;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Marker functions that {@link DriftSqlParserImpl} puts into the period of a
 * {@link org.apache.calcite.sql.SqlSnapshot} for the system-time forms Calcite has no node for.
 *
 * <table>
 *   <caption>period of the SqlSnapshot, per form</caption>
 *   <tr><td>{@code AS OF @SEQ:n} / {@code AS OF @SEQ:?}</td><td>{@code drift_seq(n)} /
 *       {@code drift_seq(CAST(? AS BIGINT))}</td></tr>
 *   <tr><td>{@code AS OF expr}</td><td>{@code expr}; a string literal or {@code ?} becomes
 *       {@code CAST(expr AS TIMESTAMP(3))}</td></tr>
 *   <tr><td>{@code ALL}</td><td>{@code drift_all()}</td></tr>
 *   <tr><td>{@code BETWEEN a AND b}</td><td>{@code drift_between(a, b)}</td></tr>
 *   <tr><td>{@code FROM a TO b}</td><td>{@code drift_from_to(a, b)}</td></tr>
 *   <tr><td>{@code CONTAINED IN (a, b)}</td><td>{@code drift_contained_in(a, b)}</td></tr>
 * </table>
 *
 * <p>Bounds {@code a}, {@code b} are points as for {@code AS OF}. The functions are TIMESTAMP-typed
 * (Java return type {@link Timestamp}) so that Calcite's validator accepts them as a system-time
 * period; {@link #register(SchemaPlus)} adds them to a schema. They must be rewritten away by the
 * planner: executing one throws.
 */
public final class TemporalMarkers {
  /** {@code drift_seq(n)}: the state after every transaction with SEQ &le; n. */
  public static final String SEQ = "drift_seq";
  /** {@code drift_all()}: every version. */
  public static final String ALL = "drift_all";
  /** {@code drift_between(a, b)}: versions with start &le; b and end &gt; a. */
  public static final String BETWEEN = "drift_between";
  /** {@code drift_from_to(a, b)}: versions with start &lt; b and end &gt; a. */
  public static final String FROM_TO = "drift_from_to";
  /** {@code drift_contained_in(a, b)}: versions with start &ge; a and end &le; b. */
  public static final String CONTAINED_IN = "drift_contained_in";

  /** All marker names, lower case. */
  public static final Set<String> NAMES = Set.of(SEQ, ALL, BETWEEN, FROM_TO, CONTAINED_IN);

  private TemporalMarkers() {}

  /** Whether {@code functionName} (any case) is one of the marker functions. */
  public static boolean isMarker(String functionName) {
    return functionName != null && NAMES.contains(functionName.toLowerCase(Locale.ROOT));
  }

  /** Adds the five marker functions to {@code schema}. */
  public static void register(SchemaPlus schema) {
    schema.add(SEQ, ScalarFunctionImpl.create(TemporalMarkers.class, "driftSeq"));
    schema.add(ALL, ScalarFunctionImpl.create(TemporalMarkers.class, "driftAll"));
    schema.add(BETWEEN, ScalarFunctionImpl.create(TemporalMarkers.class, "driftBetween"));
    schema.add(FROM_TO, ScalarFunctionImpl.create(TemporalMarkers.class, "driftFromTo"));
    schema.add(CONTAINED_IN, ScalarFunctionImpl.create(TemporalMarkers.class, "driftContainedIn"));
  }

  // ---- implementations seen by ScalarFunctionImpl (types only; never meant to run) ----

  public static Timestamp driftSeq(long seq) {
    throw notExecutable(SEQ);
  }

  public static Timestamp driftAll() {
    throw notExecutable(ALL);
  }

  public static Timestamp driftBetween(Timestamp from, Timestamp to) {
    throw notExecutable(BETWEEN);
  }

  public static Timestamp driftFromTo(Timestamp from, Timestamp to) {
    throw notExecutable(FROM_TO);
  }

  public static Timestamp driftContainedIn(Timestamp from, Timestamp to) {
    throw notExecutable(CONTAINED_IN);
  }

  private static UnsupportedOperationException notExecutable(String name) {
    return new UnsupportedOperationException(
        name + "() is a FOR SYSTEM_TIME marker and cannot be evaluated; "
            + "it is only valid as the period of a table reference");
  }

  // ---- helpers called by the generated parser ----

  /** A call of marker {@code name} (an unresolved user-defined function, resolved by the validator). */
  public static SqlCall call(String name, SqlParserPos pos, SqlNode... operands) {
    SqlOperator op = new SqlUnresolvedFunction(new SqlIdentifier(name, pos), null, null, null, null,
        SqlFunctionCategory.USER_DEFINED_FUNCTION);
    return op.createCall(pos, operands);
  }

  /** {@code @SEQ:123} token image to {@code drift_seq(123)}. */
  public static SqlCall seq(String tokenImage, SqlParserPos pos) {
    String digits = tokenImage.substring(tokenImage.indexOf(':') + 1);
    return call(SEQ, pos, SqlLiteral.createExactNumeric(digits, pos));
  }

  /** {@code @SEQ:?} to {@code drift_seq(CAST(? AS BIGINT))} (typed, so the parameter's type is known). */
  public static SqlCall seqParam(SqlDynamicParam param) {
    SqlParserPos pos = param.getParserPosition();
    return call(SEQ, pos, SqlStdOperatorTable.CAST.createCall(pos, param,
        new SqlDataTypeSpec(new SqlBasicTypeNameSpec(SqlTypeName.BIGINT, pos), pos)));
  }

  /**
   * A time point expression as it goes into the period: a character string literal or a bare
   * dynamic parameter becomes {@code CAST(e AS TIMESTAMP(3))} (the validator requires a TIMESTAMP;
   * precision 3 keeps the milliseconds of commit timestamps); anything else is unchanged.
   */
  public static SqlNode point(SqlNode e) {
    if (e instanceof SqlCharStringLiteral || e instanceof SqlDynamicParam) {
      SqlParserPos pos = e.getParserPosition();
      return SqlStdOperatorTable.CAST.createCall(pos, e,
          new SqlDataTypeSpec(new SqlBasicTypeNameSpec(SqlTypeName.TIMESTAMP, 3, pos), pos));
    }
    return e;
  }

  /**
   * For {@code FROM t [AS] x FOR SYSTEM_TIME ...}: the table under the alias, or
   * {@code tableRef} itself when it is not an alias of a plain table (an error for the caller).
   */
  public static SqlNode aliasedTable(SqlNode tableRef) {
    if (tableRef.getKind() == SqlKind.AS) {
      List<SqlNode> operands = ((SqlCall) tableRef).getOperandList();
      SqlKind kind = operands.get(0).getKind();
      if (kind == SqlKind.IDENTIFIER || kind == SqlKind.TABLE_REF || kind == SqlKind.EXTEND) {
        return operands.get(0);
      }
    }
    return tableRef;
  }

  /** A parse error at {@code pos}; the parser turns it into a {@code SqlParseException}. */
  public static CalciteContextException parseError(SqlParserPos pos, String message) {
    return new CalciteContextException(message, new IllegalArgumentException(message),
        pos.getLineNum(), pos.getColumnNum(), pos.getEndLineNum(), pos.getEndColumnNum());
  }
}
