package io.driftdb.sql.engine;

import io.driftdb.log.RecordHeader;
import io.driftdb.sql.SessionInfo;
import java.util.List;

/**
 * Everything the sequencer needs to validate and log one transaction; {@code headers} go onto
 * the transaction's log record as they are (the Kafka gateway keeps its producers' sequence
 * numbers there).
 */
public record CommitRequest(SessionInfo session, long startSeq, WriteSet writes, String reason,
                            io.driftdb.sql.plan.ReadSet readSet, List<RecordHeader> headers) {

  public CommitRequest(SessionInfo session, long startSeq, WriteSet writes, String reason,
                       io.driftdb.sql.plan.ReadSet readSet) {
    this(session, startSeq, writes, reason, readSet, List.of());
  }

  public CommitRequest(SessionInfo session, long startSeq, WriteSet writes, String reason) {
    this(session, startSeq, writes, reason, null);
  }
}
