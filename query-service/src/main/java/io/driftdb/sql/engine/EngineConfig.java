package io.driftdb.sql.engine;

import io.driftdb.sql.EngineListener;
import java.nio.file.Path;

/**
 * How to open a database.
 *
 * @param dataDir the data directory (the log lives in {@code dataDir/log})
 * @param fsync fsync policy: {@code group} (durable default), {@code interval:<ms>}, {@code none}
 * @param compression per-batch compression of the log: {@code none} or {@code zstd}
 * @param segmentBytes segment roll size
 */
public record EngineConfig(Path dataDir, String fsync, String compression, long segmentBytes, EngineListener listener) {

  public static EngineConfig of(Path dataDir) {
    return new EngineConfig(dataDir, "group", "none", 128L * 1024 * 1024, EngineListener.NONE);
  }

  public EngineConfig withListener(EngineListener l) {
    return new EngineConfig(dataDir, fsync, compression, segmentBytes, l);
  }

  public EngineConfig withFsync(String policy) {
    return new EngineConfig(dataDir, policy, compression, segmentBytes, listener);
  }

  public Path logDir() {
    return dataDir.resolve("log");
  }
}
