package io.driftdb.sql.plan;

import io.driftdb.sql.Column;
import io.driftdb.sql.SqlError;
import io.driftdb.sql.parser.DriftSqlParserImpl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableInterpretable;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.config.CalciteConnectionConfig;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.ConventionTraitDef;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgramBuilder;
import org.apache.calcite.plan.volcano.VolcanoPlanner;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.RelCollationTraitDef;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.runtime.Bindable;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlExplainLevel;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.fun.SqlLibrary;
import org.apache.calcite.sql.fun.SqlLibraryOperatorTableFactory;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql2rel.RelDecorrelator;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.sql2rel.StandardConvertletTable;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;
import org.apache.calcite.tools.RelBuilder;

/**
 * SQL text to executable plan: DriftDB's temporal parser, a validator that hides system
 * columns from {@code *}, conversion to relational algebra, the temporal rewrite, Calcite's
 * cost-based optimizer, then code generation. Stateless apart from the type factory; callers
 * cache the {@link CompiledQuery} per statement text and catalog version.
 */
public final class QueryPlanner {
  private final JavaTypeFactory typeFactory = new JavaTypeFactoryImpl(DriftTypeSystem.INSTANCE);
  private final SqlParser.Config parserConfig = SqlParser.config()
      .withParserFactory(DriftSqlParserImpl.FACTORY)
      .withCaseSensitive(false)
      .withUnquotedCasing(Casing.TO_LOWER)
      .withQuotedCasing(Casing.UNCHANGED)
      .withConformance(SqlConformanceEnum.BABEL)
      .withIdentifierMaxLength(256);
  private final CalciteConnectionConfig connectionConfig;

  public QueryPlanner() {
    Properties p = new Properties();
    p.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "false");
    p.setProperty(CalciteConnectionProperty.FUN.camelName(), "standard,postgresql");
    connectionConfig = new CalciteConnectionConfigImpl(p);
  }

  public JavaTypeFactory typeFactory() {
    return typeFactory;
  }

  public SqlNode parse(String sql) {
    try {
      return SqlParser.create(sql, parserConfig).parseStmt();
    } catch (SqlParseException e) {
      throw new SqlError(SqlError.SYNTAX_ERROR, ErrorTranslator.parseMessage(e), e);
    }
  }

  /** The scan when the whole plan is Interpreter(BindableTableScan of a DriftDB table), else null. */
  private static CompiledQuery.DirectScan directScan(RelNode physical) {
    if (physical instanceof org.apache.calcite.adapter.enumerable.EnumerableInterpreter interp
        && interp.getInput() instanceof org.apache.calcite.interpreter.Bindables.BindableTableScan scan) {
      DriftTable t = scan.getTable().unwrap(DriftTable.class);
      if (t == null) {
        return null;
      }
      int[] projects = scan.projects.equals(org.apache.calcite.rel.core.TableScan.identity(scan.getTable())) ? null
          : scan.projects.toIntArray();
      return new CompiledQuery.DirectScan(t, scan.filters, projects);
    }
    return null;
  }

  /** Adds, under each DriftDB table scan of the plan, the access path the scan will take. */
  private static String withAccessPaths(RelNode physical, String plan) {
    List<String> paths = new ArrayList<>();
    new org.apache.calcite.rel.RelVisitor() {
      @Override
      public void visit(RelNode node, int ordinal, RelNode parent) {
        if (node instanceof org.apache.calcite.interpreter.Bindables.BindableTableScan scan) {
          DriftTable t = scan.getTable().unwrap(DriftTable.class);
          if (t != null) {
            paths.add(AccessPaths.describe(t, scan.filters));
          }
        } else if (node instanceof DriftOrderedScan scan) {
          paths.add(AccessPaths.describe(scan.driftTable(), scan.filters, scan.order));
        }
        super.visit(node, ordinal, parent);
      }
    }.go(physical);
    StringBuilder out = new StringBuilder();
    int next = 0;
    for (String line : plan.split("\n")) {
      out.append(line).append('\n');
      int at = Math.max(line.indexOf("BindableTableScan("), line.indexOf("DriftOrderedScan("));
      if (at >= 0 && next < paths.size()) {
        String indent = line.substring(0, at) + "  ";
        out.append(indent).append("DriftDB access path: ").append(paths.get(next++)).append('\n');
      }
    }
    return out.toString();
  }

  /** Plans a query (SELECT, VALUES, WITH, EXPLAIN). */
  public CompiledQuery compile(SqlNode query, SchemaPlus root) {
    try {
      boolean explain = query instanceof SqlExplain;
      SqlNode toPlan = explain ? ((SqlExplain) query).getExplicandum() : query;
      CalciteCatalogReader reader = new CalciteCatalogReader(CalciteSchema.from(root),
          List.of(DriftSchemas.PUBLIC), typeFactory, connectionConfig);
      SqlValidator validator = new DriftValidator(
          SqlOperatorTables.chain(
              SqlLibraryOperatorTableFactory.INSTANCE.getOperatorTable(SqlLibrary.STANDARD, SqlLibrary.POSTGRESQL),
              reader),
          reader, typeFactory,
          SqlValidator.Config.DEFAULT.withConformance(SqlConformanceEnum.BABEL).withIdentifierExpansion(true)
              .withDefaultNullCollation(org.apache.calcite.config.NullCollation.HIGH));
      SqlNode validated = validator.validate(toPlan);
      RelDataType paramRow = validator.getParameterRowType(validated);

      VolcanoPlanner planner = new VolcanoPlanner();
      planner.addRelTraitDef(ConventionTraitDef.INSTANCE);
      planner.addRelTraitDef(RelCollationTraitDef.INSTANCE);
      RelOptUtil.registerDefaultRules(planner, false, false);
      // DriftDB tables take only the filters they evaluate themselves (see DriftFilterScanRule).
      planner.removeRule(org.apache.calcite.rel.rules.CoreRules.FILTER_SCAN);
      planner.removeRule(org.apache.calcite.rel.rules.CoreRules.FILTER_INTERPRETER_SCAN);
      planner.addRule(DriftFilterScanRule.INSTANCE);
      // ORDER BY ... LIMIT on a key or index order walks it (see DriftSortScanRule).
      DriftSortScanRule.RULES.forEach(planner::addRule);
      RelOptCluster cluster = RelOptCluster.create(planner, new RexBuilder(typeFactory));
      SqlToRelConverter converter = new SqlToRelConverter((rowType, queryString, schemaPath, viewPath) -> null,
          validator, reader, cluster, StandardConvertletTable.INSTANCE,
          SqlToRelConverter.config().withTrimUnusedFields(true).withExpand(false));
      RelRoot relRoot = converter.convertQuery(validated, false, true);
      RelNode rel = relRoot.rel;
      RelBuilder relBuilder = RelBuilder.proto(org.apache.calcite.plan.Contexts.empty()).create(cluster, reader);
      rel = RelDecorrelator.decorrelateQuery(rel, relBuilder);
      HepPlanner hep = new HepPlanner(new HepProgramBuilder().addRuleInstance(TemporalSnapshotRule.INSTANCE).build());
      hep.setRoot(rel);
      rel = hep.findBestExp();

      Program program = Programs.standard();
      RelTraitSet traits = rel.getTraitSet().replace(EnumerableConvention.INSTANCE)
          .replace(relRoot.collation).simplify();
      RelNode physical = program.run(planner, rel, traits, List.of(), List.of());
      if (!relRoot.isRefTrivial()) {
        // ORDER BY on a column that is not selected: sort on the full row, then project.
        List<org.apache.calcite.rex.RexNode> projects = new ArrayList<>();
        for (var f : relRoot.fields) {
          projects.add(org.apache.calcite.rex.RexInputRef.of(f.getKey(), physical.getRowType()));
        }
        List<String> names = new ArrayList<>();
        for (var f : relRoot.fields) {
          names.add(f.getValue());
        }
        RelDataType outType = org.apache.calcite.rex.RexUtil.createStructType(typeFactory, projects, names, null);
        physical = org.apache.calcite.adapter.enumerable.EnumerableCalc.create(physical,
            org.apache.calcite.rex.RexProgram.create(physical.getRowType(), projects, null, outType,
                cluster.getRexBuilder()));
      }
      String planText = withAccessPaths(physical, RelOptUtil.toString(physical, SqlExplainLevel.EXPPLAN_ATTRIBUTES));

      Map<String, Object> stash = new HashMap<>();
      Bindable<Object> bindable;
      List<Column> columns = new ArrayList<>();
      List<RelDataType> resultTypes = new ArrayList<>();
      if (explain) {
        bindable = null;
        columns.add(new Column("QUERY PLAN", io.driftdb.sql.PgType.TEXT));
        resultTypes.add(typeFactory.createSqlType(org.apache.calcite.sql.type.SqlTypeName.VARCHAR));
      } else {
        @SuppressWarnings("unchecked")
        Bindable<Object> b = (Bindable<Object>) (Bindable<?>) EnumerableInterpretable.toBindable(stash, null,
            (EnumerableRel) physical, EnumerableRel.Prefer.ARRAY);
        bindable = b;
        List<String> names = ColumnNames.of(validated, relRoot.validatedRowType);
        int i = 0;
        for (RelDataTypeField f : relRoot.validatedRowType.getFieldList()) {
          columns.add(new Column(names.get(i), ResultColumnTypes.of(relRoot, i, f.getType())));
          i++;
          resultTypes.add(f.getType());
        }
      }
      List<RelDataType> paramTypes = new ArrayList<>();
      for (RelDataTypeField f : paramRow.getFieldList()) {
        paramTypes.add(f.getType());
      }
      return new CompiledQuery(bindable, stash, root, typeFactory, List.copyOf(columns), List.copyOf(resultTypes),
          List.copyOf(paramTypes), planText, explain ? null : directScan(physical));
    } catch (SqlError e) {
      throw e;
    } catch (RuntimeException e) {
      throw ErrorTranslator.translate(e);
    }
  }
}
