package io.driftdb.log;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An append could not be made durable because a write or fsync failed. The log then refuses
 * all further appends: after a failed fsync the kernel may have dropped the dirty pages, so
 * retrying could acknowledge data that is not on disk. Reopen the log (which re-validates the
 * files) once the cause is fixed.
 */
public final class LogFailedException extends IOException {
  public LogFailedException(Path directory, Throwable cause) {
    super("log " + directory + " failed and accepts no more appends (reopen it after fixing the cause): "
        + cause, cause);
  }
}
