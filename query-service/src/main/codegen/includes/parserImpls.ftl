<#--
  DriftDB grammar additions, included into Calcite's Parser.jj template by FMPP
  (parser.implementationFiles in ../config.fmpp). See query-service/README.md, "Temporal parser".

  - Snapshot(): replaces Calcite's production (removed from the template by patch P1 in
    query-service/pom.xml). Accepts the SQL:2011 system-time clauses plus DriftDB's short form
    "AS OF <point>" and @SEQ:n points; every form becomes a SqlSnapshot whose period is either
    the point expression or a TemporalMarkers call (drift_seq/drift_all/drift_between/
    drift_from_to/drift_contained_in).
  - DriftSnapshotAfterAlias(): "FROM t x FOR SYSTEM_TIME ..." (call site added by patch P3).
  - InfixCast(): PostgreSQL's expr::type (hooked through extraBinaryExpressions).
-->

/**
 * Parses a system-time clause following a table name:
 * FOR SYSTEM_TIME { AS OF p | ALL | BETWEEN p AND p | FROM p TO p | CONTAINED IN (p, p) },
 * or DriftDB's short form AS OF p.
 */
SqlSnapshot Snapshot(SqlNode tableRef) :
{
    final Span s;
    final SqlNode period;
}
{
    { s = span(); }
    (
        <FOR> <SYSTEM_TIME> period = DriftSystemTimePeriod(s)
    |
        <AS> <OF> period = DriftTimePoint()
    )
    {
        return new SqlSnapshot(s.end(this), tableRef, period);
    }
}

/** The part of a FOR SYSTEM_TIME clause after the SYSTEM_TIME keyword. */
SqlNode DriftSystemTimePeriod(Span s) :
{
    SqlNode a;
    SqlNode b = null;
}
{
    <AS> <OF> a = DriftTimePoint() {
        return a;
    }
|
    <ALL> {
        return TemporalMarkers.call(TemporalMarkers.ALL, s.end(this));
    }
|
    <BETWEEN>
    (
        a = DriftSeqPoint() <AND> b = DriftTimePoint()
    |
        // A full expression swallows "lo AND hi" as a boolean AND; split it again, so that
        // bounds may be any expression (o.placed_at - INTERVAL '1' HOUR, ?, '...', ...).
        // The expression stops before "AND @SEQ:n" (not an expression), hence the optional tail.
        a = Expression(ExprContext.ACCEPT_NON_QUERY)
        [ <AND> b = DriftSeqPoint() ]
    )
    {
        final SqlParserPos pos = s.end(this);
        if (b == null) {
            if (a.getKind() != SqlKind.AND || ((SqlCall) a).operandCount() != 2) {
                throw TemporalMarkers.parseError(a.getParserPosition(),
                    "FOR SYSTEM_TIME BETWEEN expects <lower bound> AND <upper bound>");
            }
            b = TemporalMarkers.point(((SqlCall) a).operand(1));
            a = TemporalMarkers.point(((SqlCall) a).operand(0));
        } else {
            a = TemporalMarkers.point(a);
        }
        return TemporalMarkers.call(TemporalMarkers.BETWEEN, pos, a, b);
    }
|
    <FROM> a = DriftTimePoint() <TO> b = DriftTimePoint() {
        return TemporalMarkers.call(TemporalMarkers.FROM_TO, s.end(this), a, b);
    }
|
    <CONTAINED> <IN> <LPAREN> a = DriftTimePoint() <COMMA> b = DriftTimePoint() <RPAREN> {
        return TemporalMarkers.call(TemporalMarkers.CONTAINED_IN, s.end(this), a, b);
    }
}

/** A point in system time: @SEQ:n, @SEQ:?, or any expression (string literals and ? become CAST(x AS TIMESTAMP(3))). */
SqlNode DriftTimePoint() :
{
    final SqlNode e;
}
{
    e = DriftSeqPoint() { return e; }
|
    e = Expression(ExprContext.ACCEPT_NON_QUERY) { return TemporalMarkers.point(e); }
}

/** @SEQ:n (one token, case-insensitive) or @SEQ:? (a dynamic parameter holding the sequence number). */
SqlNode DriftSeqPoint() :
{
}
{
    <DRIFT_SEQ_REF> {
        return TemporalMarkers.seq(token.image, getPos());
    }
|
    <DRIFT_SEQ_PARAM> {
        return TemporalMarkers.seqParam(new SqlDynamicParam(nDynamicParams++, getPos()));
    }
}

/**
 * FROM t [AS] x FOR SYSTEM_TIME ... (clause after the alias): moves the clause under the alias,
 * giving the same tree as FROM t FOR SYSTEM_TIME ... AS x.
 */
SqlNode DriftSnapshotAfterAlias(SqlNode tableRef) :
{
    final SqlSnapshot snapshot;
}
{
    snapshot = Snapshot(TemporalMarkers.aliasedTable(tableRef))
    {
        if (TemporalMarkers.aliasedTable(tableRef) == tableRef) {
            throw TemporalMarkers.parseError(snapshot.getParserPosition(),
                "FOR SYSTEM_TIME / AS OF must follow a table name (at most once per table)");
        }
        ((SqlCall) tableRef).setOperand(0, snapshot);
        return tableRef;
    }
}

/**
 * Parses PostgreSQL's infix cast "::" (as Calcite's Babel parser does, with INFIX_CAST's precedence);
 * PgInfixCast turns it into a standard CAST(expr AS type) call.
 */
void InfixCast(List<Object> list, ExprContext exprContext, Span s) :
{
    final SqlParserPos pos;
    final SqlDataTypeSpec dt;
}
{
    <INFIX_CAST> {
        checkNonQueryExpression(exprContext);
        pos = getPos();
    }
    dt = DataType() {
        list.add(new SqlParserUtil.ToTreeListItem(PgInfixCast.INSTANCE, pos));
        list.add(dt);
    }
}

<DEFAULT, DQID, BTID, BQID, BQHID> TOKEN :
{
    < DRIFT_SEQ_REF: "@" ["S","s"] ["E","e"] ["Q","q"] ":" (["0"-"9"])+ >
|
    < DRIFT_SEQ_PARAM: "@" ["S","s"] ["E","e"] ["Q","q"] ":" "?" >
}
