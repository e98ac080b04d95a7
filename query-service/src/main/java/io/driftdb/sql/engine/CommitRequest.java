package io.driftdb.sql.engine;

import io.driftdb.sql.SessionInfo;

/** Everything the sequencer needs to validate and log one transaction. */
public record CommitRequest(SessionInfo session, long startSeq, WriteSet writes, String reason) {}
