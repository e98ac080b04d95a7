package io.driftdb.log;

/**
 * Callbacks from the log's writer thread, for metrics and health checks. Keep them short and
 * non-blocking: they run between group commits. Exceptions they throw are logged and ignored.
 */
public interface LogListener {
  /** A listener that ignores everything. */
  LogListener NONE = stats -> {};

  /** After each group commit was written (and fsynced, if the policy asks for it). */
  void onFlush(FlushStats stats);

  /** The log failed (write or fsync error) and no longer accepts appends. */
  default void onFailure(Throwable cause) {}
}
