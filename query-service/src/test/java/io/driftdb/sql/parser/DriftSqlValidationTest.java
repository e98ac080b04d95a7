package io.driftdb.sql.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.logical.LogicalSnapshot;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.TemporalTable;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.tools.FrameworkConfig;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.Planner;
import org.apache.calcite.tools.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Validation smoke test: the parser's trees pass Calcite's validator (temporal table, TIMESTAMP-typed
 * period) and convert to {@link LogicalSnapshot} rels.
 */
class DriftSqlValidationTest {

  /** A versioned table as the engine will expose it: temporal + scannable (no rows needed here). */
  static final class VersionedTable extends AbstractTable implements ScannableTable, TemporalTable {
    private final boolean withPlacedAt;

    VersionedTable(boolean withPlacedAt) {
      this.withPlacedAt = withPlacedAt;
    }

    @Override public RelDataType getRowType(RelDataTypeFactory f) {
      RelDataTypeFactory.Builder b = f.builder()
          .add("id", SqlTypeName.VARCHAR)
          .add("name", SqlTypeName.VARCHAR)
          .add("amount", SqlTypeName.INTEGER);
      if (withPlacedAt) {
        b.add("placed_at", SqlTypeName.TIMESTAMP, 3);
      }
      return b.add("_system_from", SqlTypeName.TIMESTAMP, 3)
          .add("_system_to", SqlTypeName.TIMESTAMP, 3)
          .build();
    }

    @Override public Enumerable<Object[]> scan(DataContext root) {
      return Linq4j.emptyEnumerable();
    }

    @Override public String getSysStartFieldName() {
      return "_system_from";
    }

    @Override public String getSysEndFieldName() {
      return "_system_to";
    }
  }

  static Planner planner() {
    SchemaPlus root = Frameworks.createRootSchema(true);
    SchemaPlus s = root.add("s", new AbstractSchema());
    s.add("t", new VersionedTable(false));
    s.add("orders", new VersionedTable(true));
    TemporalMarkers.register(s);
    // How the engine can resolve PostgreSQL type names parsed as user-defined types. Note: Calcite
    // looks type names up from the ROOT schema (CalciteCatalogReader.getNamedType), not the default one.
    root.add("int4", f -> f.createSqlType(SqlTypeName.INTEGER));
    root.add("text", f -> f.createSqlType(SqlTypeName.VARCHAR));
    FrameworkConfig cfg = Frameworks.newConfigBuilder()
        .defaultSchema(s)
        .parserConfig(DriftSqlParserTest.CONFIG)
        .build();
    return Frameworks.getPlanner(cfg);
  }

  static RelNode toRel(String sql) throws Exception {
    Planner p = planner();
    SqlNode validated = p.validate(p.parse(sql));
    return p.rel(validated).project();
  }

  static List<LogicalSnapshot> snapshots(RelNode rel) {
    List<LogicalSnapshot> out = new ArrayList<>();
    collect(rel, out);
    return out;
  }

  private static void collect(RelNode rel, List<LogicalSnapshot> out) {
    if (rel instanceof LogicalSnapshot) {
      out.add((LogicalSnapshot) rel);
    }
    for (RelNode input : rel.getInputs()) {
      collect(input, out);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "SELECT * FROM t FOR SYSTEM_TIME AS OF @SEQ:3                                  | drift_seq",
      "SELECT * FROM t AS OF @SEQ:3 WHERE id = 'u1'                                  | drift_seq",
      "SELECT * FROM t AS OF '2025-01-01 00:00:00'                                   | CAST",
      "SELECT * FROM t FOR SYSTEM_TIME AS OF TIMESTAMP '2025-01-01 00:00:00'         | ",
      "SELECT * FROM t FOR SYSTEM_TIME AS OF ? WHERE id = ?                          | CAST",
      "SELECT * FROM t AS OF @SEQ:? WHERE id = ?                                     | drift_seq",
      "SELECT * FROM t FOR SYSTEM_TIME ALL WHERE id = 'u1'                           | drift_all",
      "SELECT * FROM t FOR SYSTEM_TIME BETWEEN @SEQ:1 AND @SEQ:4                     | drift_between",
      "SELECT * FROM t FOR SYSTEM_TIME BETWEEN '2025-01-01 00:00:00' AND ?           | drift_between",
      "SELECT * FROM t FOR SYSTEM_TIME FROM @SEQ:1 TO @SEQ:4                         | drift_from_to",
      "SELECT * FROM t FOR SYSTEM_TIME CONTAINED IN (TIMESTAMP '2025-01-01 00:00:00', @SEQ:9) | drift_contained_in",
      "SELECT x.id FROM t x FOR SYSTEM_TIME AS OF @SEQ:2                             | drift_seq",
  })
  void temporalFormsValidateToLogicalSnapshot(String sql, String periodOperator) throws Exception {
    RelNode rel = toRel(sql);
    List<LogicalSnapshot> snaps = snapshots(rel);
    assertThat(snaps).as("plan of %s", sql).hasSize(1);
    RexNode period = snaps.get(0).getPeriod();
    assertThat(period.getType().getSqlTypeName()).isEqualTo(SqlTypeName.TIMESTAMP);
    if (periodOperator == null) {
      assertThat(period.getKind()).isEqualTo(SqlKind.LITERAL);
    } else {
      assertThat(period).isInstanceOf(RexCall.class);
      assertThat(((RexCall) period).getOperator().getName()).isEqualTo(periodOperator);
    }
  }

  @Test
  void temporalJoinWithDifferentPointsValidates() throws Exception {
    RelNode rel = toRel("SELECT a.id, a.name, b.name FROM t FOR SYSTEM_TIME AS OF @SEQ:2 AS a "
        + "JOIN t AS OF '2025-01-01 12:00:00' b ON a.id = b.id");
    List<LogicalSnapshot> snaps = snapshots(rel);
    assertThat(snaps).hasSize(2);
    assertThat(((RexCall) snaps.get(0).getPeriod()).getOperator().getName()).isEqualTo("drift_seq");
    assertThat(snaps.get(1).getPeriod().getKind()).isEqualTo(SqlKind.CAST);
  }

  @Test
  void asOfAColumnOfAnotherTableBecomesACorrelatedSnapshot() throws Exception {
    RelNode rel = toRel("SELECT o.id, r.name FROM orders o "
        + "JOIN t FOR SYSTEM_TIME AS OF o.placed_at r ON r.id = o.id");
    List<LogicalSnapshot> snaps = snapshots(rel);
    assertThat(snaps).hasSize(1);
    // LogicalCorrelate(orders, Filter(Snapshot(period=[$cor0.placed_at], Scan t)))
    assertThat(snaps.get(0).getPeriod().getKind()).isEqualTo(SqlKind.FIELD_ACCESS);
    assertThat(snaps.get(0).getPeriod().toString()).endsWith(".placed_at");
  }

  @Test
  void infixCastValidatesIncludingSchemaDefinedTypeNames() throws Exception {
    RelNode rel = toRel("SELECT '42'::int, amount::text, '7'::int4 + 1, (amount + 1)::varchar(5) FROM t");
    RelDataType row = rel.getRowType();
    assertThat(row.getFieldList().get(0).getType().getSqlTypeName()).isEqualTo(SqlTypeName.INTEGER);
    assertThat(row.getFieldList().get(1).getType().getSqlTypeName()).isEqualTo(SqlTypeName.VARCHAR);
    assertThat(row.getFieldList().get(2).getType().getSqlTypeName()).isEqualTo(SqlTypeName.INTEGER);
    assertThat(row.getFieldList().get(3).getType().getSqlTypeName()).isEqualTo(SqlTypeName.VARCHAR);
  }

  @Test
  void nonTemporalPeriodTypeIsRejectedByTheValidator() {
    // an INTEGER is not a point in system time: the validator says so (the parser does not guess)
    assertThatThrownBy(() -> toRel("SELECT * FROM t FOR SYSTEM_TIME AS OF 1000"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("Timestamp");
  }
}
