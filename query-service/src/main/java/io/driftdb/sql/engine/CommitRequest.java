package io.driftdb.sql.engine;

import io.driftdb.sql.SessionInfo;

/** Everything the sequencer needs to validate and log one transaction. */
public record CommitRequest(SessionInfo session, long startSeq, WriteSet writes, String reason,
                            io.driftdb.sql.plan.ReadSet readSet) {

  public CommitRequest(SessionInfo session, long startSeq, WriteSet writes, String reason) {
    this(session, startSeq, writes, reason, null);
  }
}
