package io.driftdb.log;

import java.io.IOException;

/**
 * A failure injected just before each fsync of the active segment, so that tests can make a
 * group commit's fsync fail (nothing else here can). Production uses {@link #NONE}.
 */
@FunctionalInterface
public interface SyncFault {
  SyncFault NONE = () -> {};

  /** Throws to make the coming fsync fail. */
  void beforeSync() throws IOException;
}
