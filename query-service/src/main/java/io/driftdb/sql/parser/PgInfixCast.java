package io.driftdb.sql.parser;

import org.apache.calcite.sql.SqlBinaryOperator;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Parse-time stand-in for PostgreSQL's {@code expr::type}: it has the precedence of Calcite's
 * {@link SqlLibraryOperators#INFIX_CAST} (so {@code -x::int} is {@code -(x::int)}, {@code a + b::int}
 * is {@code a + (b::int)}, {@code x[1]::int} is {@code (x[1])::int}) but builds a standard
 * {@code CAST(expr AS type)} call, which validates without the PostgreSQL operator table and
 * unparses as portable SQL. It never appears in a parsed tree.
 */
final class PgInfixCast extends SqlBinaryOperator {
  static final PgInfixCast INSTANCE = new PgInfixCast();

  private PgInfixCast() {
    super("::", SqlKind.CAST, SqlLibraryOperators.INFIX_CAST.getLeftPrec(),
        SqlLibraryOperators.INFIX_CAST.getRightPrec() > SqlLibraryOperators.INFIX_CAST.getLeftPrec(),
        null, null, null);
  }

  @Override public SqlCall createCall(SqlLiteral functionQualifier, SqlParserPos pos,
      SqlNode... operands) {
    return SqlStdOperatorTable.CAST.createCall(pos, operands);
  }
}
