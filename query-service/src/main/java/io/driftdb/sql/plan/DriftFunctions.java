package io.driftdb.sql.plan;

import java.sql.Timestamp;
import org.apache.calcite.linq4j.function.NonDeterministic;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.ScalarFunctionImpl;

/**
 * DriftDB's own SQL functions and the PostgreSQL functions clients expect that Calcite's
 * libraries lack. Non-deterministic ones are marked so the planner does not fold them into
 * cached plans.
 */
public final class DriftFunctions {
  public static final String VERSION = "PostgreSQL 16.4 (DriftDB 0.1.0) on x86_64, compiled by javac 17";

  private DriftFunctions() {}

  static void register(SchemaPlus s) {
    add(s, "now", "now");
    add(s, "transaction_timestamp", "now");
    add(s, "statement_timestamp", "now");
    add(s, "clock_timestamp", "clockTimestamp");
    add(s, "current_seq", "currentSeq");
    add(s, "head_seq", "headSeq");
    add(s, "last_commit_seq", "lastCommitSeq");
    add(s, "version", "version");
    add(s, "current_database", "currentDatabase");
    add(s, "current_schema", "currentSchema");
    add(s, "pg_backend_pid", "backendPid");
    add(s, "gen_random_uuid", "genRandomUuid");
    add(s, "btrim", "btrim");
  }

  private static void add(SchemaPlus s, String name, String method) {
    s.add(name, ScalarFunctionImpl.create(DriftFunctions.class, method));
  }

  /** Statement start time, like PostgreSQL's transaction/statement timestamp. */
  @NonDeterministic
  public static Timestamp now() {
    // Calcite's TIMESTAMP runtime value is millis in the "local" zone; DriftDB runs on UTC.
    return new Timestamp(QueryContext.current().statementTimeMs());
  }

  @NonDeterministic
  public static Timestamp clockTimestamp() {
    return new Timestamp(System.currentTimeMillis());
  }

  /** SEQ of the state the statement reads. */
  @NonDeterministic
  public static long currentSeq() {
    return QueryContext.current().readSeq();
  }

  /** SEQ of the newest committed transaction. */
  @NonDeterministic
  public static long headSeq() {
    return QueryContext.current().headSeq();
  }

  /** SEQ of this session's last commit, or null before its first. */
  @NonDeterministic
  public static Long lastCommitSeq() {
    long s = QueryContext.current().lastCommitSeq();
    return s < 0 ? null : s;
  }

  public static String version() {
    return VERSION;
  }

  @NonDeterministic
  public static String currentDatabase() {
    return QueryContext.current().database();
  }

  /** The session's user (for the catalog's current_user). */
  @NonDeterministic
  public static String currentUser() {
    return QueryContext.current().user();
  }

  public static String currentSchema() {
    return "public";
  }

  @NonDeterministic
  public static int backendPid() {
    return (int) ProcessHandle.current().pid();
  }

  @NonDeterministic
  public static String genRandomUuid() {
    return java.util.UUID.randomUUID().toString();
  }

  public static String btrim(String s) {
    return s == null ? null : s.strip();
  }
}
