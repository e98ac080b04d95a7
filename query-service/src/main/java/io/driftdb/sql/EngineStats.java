package io.driftdb.sql;

/**
 * Point-in-time figures of a running engine.
 *
 * @param headSeq SEQ of the last durable log record (-1 when empty)
 * @param appliedSeq SEQ of the last record the materializer applied
 * @param segmentCount number of log segment files
 * @param openSessions sessions currently open
 */
public record EngineStats(long headSeq, long appliedSeq, int segmentCount, int openSessions) {

  public long materializerLag() {
    return Math.max(0, headSeq - appliedSeq);
  }
}
