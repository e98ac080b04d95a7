package io.driftdb.log;

import java.io.IOException;
import java.nio.file.Path;

/** The log directory is already open for writing, by another process or in this one. */
public final class LogDirectoryLockedException extends IOException {
  private final Path directory;

  public LogDirectoryLockedException(Path directory, String why) {
    super("log directory " + directory + " is already in use: " + why);
    this.directory = directory;
  }

  public Path directory() {
    return directory;
  }
}
