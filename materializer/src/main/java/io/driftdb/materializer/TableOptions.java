package io.driftdb.materializer;

/**
 * Table options kept in the schema ({@code TableSchema.options()}) and set by SET_OPTIONS
 * events in the log. An empty value in an event removes the option.
 */
public final class TableOptions {
  /** How long history is kept (interval text such as {@code 90 days}); VACUUM deletes what is older. */
  public static final String HISTORY_RETENTION = "history_retention";
  /**
   * Event-only property of DELETE HISTORY (and of VACUUM applying a retention): epoch
   * milliseconds; row versions that stopped being current before it are deleted when the
   * event applies. {@link Long#MAX_VALUE} means all history. Never stored as an option.
   */
  public static final String DELETE_HISTORY_BEFORE = "driftdb.delete_history_before";
  /**
   * Stored by the materializer: the SEQ from which on the table's history is complete; reads
   * of any state before it are refused. Absent when no history was ever deleted.
   */
  public static final String HISTORY_HORIZON = "driftdb.history_horizon";

  private TableOptions() {}

  /** The horizon recorded in {@code schema}, or -1. */
  public static long horizon(TableSchema schema) {
    String h = schema.options().get(HISTORY_HORIZON);
    return h == null ? -1 : Long.parseLong(h);
  }
}
