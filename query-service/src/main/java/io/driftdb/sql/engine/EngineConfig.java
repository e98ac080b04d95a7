package io.driftdb.sql.engine;

import io.driftdb.sql.EngineListener;
import java.nio.file.Path;

/**
 * How to open a database.
 *
 * @param dataDir the data directory (the local log lives in {@code dataDir/log}, snapshots in
 *     {@code dataDir/snapshots})
 * @param fsync fsync policy of the local log: {@code group} (durable default), {@code interval:<ms>}, {@code none}
 * @param compression per-batch compression of the log: {@code none} or {@code zstd}
 * @param segmentBytes segment roll size of the local log
 * @param sharedLog null for the local log, else the cluster-mode log {@code kafka://BOOTSTRAP/TOPIC}
 * @param snapshotEveryTransactions an automatic snapshot (or delta) is due after this many transactions...
 * @param snapshotEveryRowEvents ... or this many row events since the last one (see {@code SnapshotPolicy})
 */
public record EngineConfig(Path dataDir, String fsync, String compression, long segmentBytes, EngineListener listener,
                           String sharedLog, long snapshotEveryTransactions, long snapshotEveryRowEvents) {

  public static EngineConfig of(Path dataDir) {
    return new EngineConfig(dataDir, "group", "none", 128L * 1024 * 1024, EngineListener.NONE, null,
        SnapshotPolicy.DEFAULT.everyTransactions(), SnapshotPolicy.DEFAULT.everyRowEvents());
  }

  public EngineConfig withSnapshotsEvery(long transactions, long rowEvents) {
    return new EngineConfig(dataDir, fsync, compression, segmentBytes, listener, sharedLog, transactions, rowEvents);
  }

  public EngineConfig withListener(EngineListener l) {
    return new EngineConfig(dataDir, fsync, compression, segmentBytes, l, sharedLog,
        snapshotEveryTransactions, snapshotEveryRowEvents);
  }

  public EngineConfig withFsync(String policy) {
    return new EngineConfig(dataDir, policy, compression, segmentBytes, listener, sharedLog,
        snapshotEveryTransactions, snapshotEveryRowEvents);
  }

  public EngineConfig withSharedLog(String uri) {
    return new EngineConfig(dataDir, fsync, compression, segmentBytes, listener, uri,
        snapshotEveryTransactions, snapshotEveryRowEvents);
  }

  public Path logDir() {
    return dataDir.resolve("log");
  }
}
