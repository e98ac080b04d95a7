package io.driftdb.server.http;

import io.driftdb.sql.SqlEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * Ready = not shutting down, the log accepts writes, and the data directory's file system has
 * at least the configured free space (a database that cannot commit should be taken out of
 * rotation before its clients see I/O errors).
 */
public final class ReadinessProbe {
  private final SqlEngine engine;
  private final Path dataDir;
  private final long minFreeBytes;
  private final BooleanSupplier stopping;

  public ReadinessProbe(SqlEngine engine, Path dataDir, long minFreeBytes, BooleanSupplier stopping) {
    this.engine = engine;
    this.dataDir = dataDir;
    this.minFreeBytes = minFreeBytes;
    this.stopping = stopping;
  }

  public Readiness check() {
    if (stopping.getAsBoolean()) {
      return Readiness.unavailable("the server is shutting down");
    }
    if (!engine.isWritable()) {
      return Readiness.unavailable("the log does not accept writes (a write or fsync failed, or it is closed); "
          + "see the server log, fix the cause and restart");
    }
    long free;
    try {
      free = Files.getFileStore(dataDir).getUsableSpace();
    } catch (IOException e) {
      return Readiness.unavailable("cannot read the free space of " + dataDir + ": " + e.getMessage());
    }
    if (free < minFreeBytes) {
      return Readiness.unavailable("free disk space for " + dataDir + " is " + mib(free) + " MiB, below the minimum of "
          + mib(minFreeBytes) + " MiB (--min-free-disk-mb)");
    }
    return Readiness.ok();
  }

  private static long mib(long bytes) {
    return bytes / (1024 * 1024);
  }
}
