package io.driftdb.sql.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextRewritesTest {
  private static String norm(String s) {
    return TextRewrites.apply(s).replaceAll("\\s+", " ").trim();
  }

  @Test
  void operatorSyntaxAndCollate() {
    assertThat(norm("WHERE c.relname OPERATOR(pg_catalog.~) '^(t)$' COLLATE pg_catalog.default AND x"))
        .isEqualTo("WHERE c.relname RLIKE '^(t)$' AND x");
    assertThat(norm("select a from t order by a collate \"C\"")).isEqualTo("select a from t order by a");
  }

  @Test
  void regexOperators() {
    assertThat(norm("n.nspname !~ '^pg_toast'")).isEqualTo("n.nspname NOT RLIKE '^pg_toast'");
    assertThat(norm("a ~* 'x'")).isEqualTo("a RLIKE '(?i)' || 'x'");
    assertThat(norm("a !~* 'x'")).isEqualTo("a NOT RLIKE '(?i)' || 'x'");
    assertThat(norm("CASE n.nspname ~ '^pg_' OR x WHEN true")).isEqualTo("CASE n.nspname RLIKE '^pg_' OR x WHEN true");
  }

  @Test
  void bitwiseOperators() {
    assertThat(norm("CASE tmp.I_INDOPTION[tmp.ORDINAL_POSITION - 1] & 1::smallint WHEN 1 THEN 'D' END"))
        .isEqualTo("CASE BITAND(tmp.I_INDOPTION[tmp.ORDINAL_POSITION - 1] , 1::smallint) WHEN 1 THEN 'D' END");
    assertThat(norm("select a | b & c from t")).isEqualTo("select BITOR(a , BITAND(b , c)) from t");
  }

  @Test
  void arrayTypesAndTableFunctions() {
    assertThat(norm("x::pg_catalog.int2[]")).isEqualTo("x::pg_catalog.int2 ARRAY");
    assertThat(norm("FROM pg_catalog.generate_series(0, 3) s, t WHERE a = b[s]"))
        .isEqualTo("FROM TABLE(pg_catalog.generate_series(0, 3)) s(s), t WHERE a = b[s]");
    assertThat(norm("from generate_series(1, 2) as s(r)")).isEqualTo("from TABLE(generate_series(1, 2)) as s(r)");
    assertThat(norm("select generate_series(1, 2)")).isEqualTo("select generate_series(1, 2)");
  }

  @Test
  void calciteReservedNames() {
    assertThat(norm("select result.KEY_SEQ from (select 1) result where m.member = 1"))
        .isEqualTo("select \"result\".KEY_SEQ from (select 1) \"result\" where m.\"member\" = 1");
    assertThat(norm("select ci.reltuples AS CARDINALITY, tmp.CARDINALITY from t"))
        .isEqualTo("select ci.reltuples AS \"cardinality\", tmp.\"cardinality\" from t");
  }

  @Test
  void typesAndTemporalClausesAreNotNames() {
    String sql = "select cast(a as date), cast(b as timestamp), t.v from t as of @SEQ:3";
    assertThat(TextRewrites.apply(sql)).isEqualTo(sql);
    assertThat(norm("select x from t for system_time as of timestamp '2020-01-01'"))
        .isEqualTo("select x from t for system_time as of timestamp '2020-01-01'");
  }

  @Test
  void escapeStringsBecomePlainLiterals() {
    assertThat(TextRewrites.apply("select E'a\\nb''c', e'x'")).isEqualTo("select 'a\nb''c', 'x'");
  }

  @Test
  void literalsAndCommentsAreUntouched() {
    String sql = "select 'a ~ b & c::int[] operator(x) result' -- ~ & |\n from t";
    assertThat(TextRewrites.apply(sql)).isEqualTo(sql);
    assertThat(norm("select 'x' || 'y'")).isEqualTo("select 'x' || 'y'");
  }
}
