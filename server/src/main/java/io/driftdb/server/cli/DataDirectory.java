package io.driftdb.server.cli;

import io.driftdb.log.LocalLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A DriftDB data directory: everything lives under it, the log in {@code log/}. Like
 * PostgreSQL's initdb, {@link #initialize} refuses a directory that already has content, and
 * the tools refuse a directory that was never initialized instead of silently creating a new,
 * empty database where the user mistyped a path.
 */
public record DataDirectory(Path path) {

  public Path logDir() {
    return path.resolve("log");
  }

  /** Where the engine writes CHECKPOINT snapshots. */
  public Path snapshotDir() {
    return path.resolve("snapshots");
  }

  /** True if {@code path} exists and holds a log directory. */
  public boolean isInitialized() {
    return Files.isDirectory(logDir());
  }

  /** Throws a {@link CliException} naming the problem unless this is an initialized data directory. */
  public DataDirectory requireInitialized() {
    if (!Files.exists(path)) {
      throw new CliException("data directory \"" + path + "\" does not exist (create it with: driftdb init " + path
          + ")");
    }
    if (!Files.isDirectory(path)) {
      throw new CliException("\"" + path + "\" is not a directory");
    }
    if (!isInitialized()) {
      throw new CliException("\"" + path + "\" is not a DriftDB data directory (no log/ inside; create one with: "
          + "driftdb init DIR)");
    }
    return this;
  }

  /** True if the directory does not exist or has no entries. */
  public boolean isAbsentOrEmpty() throws IOException {
    if (!Files.exists(path)) {
      return true;
    }
    if (!Files.isDirectory(path)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(path)) {
      return entries.findAny().isEmpty();
    }
  }

  /**
   * Creates the directory (and parents) with an empty log. Opening and closing the log lays
   * down exactly what the engine expects, so nothing here duplicates the log's file layout.
   */
  public void initialize() throws IOException {
    if (!isAbsentOrEmpty()) {
      throw new CliException("directory \"" + path + "\" exists but is not empty; remove it or choose another "
          + "directory" + (isInitialized() ? " (it already holds a DriftDB database)" : ""));
    }
    Files.createDirectories(path);
    LocalLog.open(logDir()).close();
  }
}
