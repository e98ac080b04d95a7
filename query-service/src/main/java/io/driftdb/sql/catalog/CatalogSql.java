package io.driftdb.sql.catalog;

import io.driftdb.sql.plan.QueryPlanner;
import org.apache.calcite.sql.SqlNode;

/**
 * Parses SQL the way PostgreSQL clients write it for catalog work: text rewrites for syntax
 * Calcite's grammar lacks, then rewrites of the parsed tree (see {@link TextRewrites},
 * {@link NodeRewrites}). Statements without such syntax pass through unchanged.
 */
public final class CatalogSql {
  static final String REGCLASS_IN = "drift_regclass_in";
  static final String REGCLASS_OUT = "drift_regclass_out";
  static final String REGTYPE_IN = "drift_regtype_in";
  static final String REGTYPE_OUT = "drift_regtype_out";
  static final String REGNAMESPACE_IN = "drift_regnamespace_in";
  static final String REGNAMESPACE_OUT = "drift_regnamespace_out";
  static final String REGPROC = "drift_regproc";
  static final String EXPAND_RECORD = "drift_expand_record";
  static final String REGEX_MATCH = "drift_regex_match";
  static final String SESSION_USER = "drift_session_user";
  static final String ARRAY_CAT = "drift_array_cat";

  private CatalogSql() {}

  public static SqlNode parse(QueryPlanner planner, String sql) {
    SqlNode node = planner.parse(TextRewrites.apply(sql));
    return NodeRewrites.mayApply(sql) ? NodeRewrites.apply(node) : node;
  }
}
