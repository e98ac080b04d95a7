package io.driftdb.sql.plan;

/**
 * Session facts that SQL functions such as last_commit_seq() read while a statement runs on
 * the session's thread. Calcite UDFs cannot see the DataContext, so the executing thread
 * carries them; the executor sets them before running and clears them after.
 */
public record QueryContext(long readSeq, long headSeq, long lastCommitSeq, long statementTimeMs, String user,
                           String database) {
  private static final ThreadLocal<QueryContext> CURRENT = new ThreadLocal<>();

  public static void set(QueryContext ctx) {
    CURRENT.set(ctx);
  }

  public static void clear() {
    CURRENT.remove();
  }

  static QueryContext current() {
    QueryContext c = CURRENT.get();
    if (c == null) {
      throw new IllegalStateException("no statement is running on this thread");
    }
    return c;
  }
}
