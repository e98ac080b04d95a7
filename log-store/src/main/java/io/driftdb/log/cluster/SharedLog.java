package io.driftdb.log.cluster;

import io.driftdb.log.EventLog;

/**
 * A log that other nodes append to as well. Each node follows it and applies every record in
 * log order, including its own, so the follower, not the committer, feeds the materializer.
 */
public interface SharedLog extends EventLog {

  /** Follows the log from {@code fromSeq} on, waiting for new records as they are appended. */
  LogFollower follow(long fromSeq);
}
