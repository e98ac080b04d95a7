package io.driftdb.server.cli;

import io.driftdb.log.LocalLog;
import io.driftdb.log.LogConfig;
import io.driftdb.log.LogCursor;
import io.driftdb.log.LogDirectoryLockedException;
import io.driftdb.log.LogRecord;
import io.driftdb.materializer.Materializer;
import io.driftdb.schemas.TransactionCodec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code driftdb replay}: rebuilds the materialized state from the whole log into a fresh,
 * in-memory materializer, to check that the log replays and to measure how fast; with
 * {@code --verify} it also proves the newest snapshot equals the state the log produces at the
 * snapshot's SEQ. Changes no file except what opening the log itself does (recovery of a torn
 * tail, index rebuilds).
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Replay the whole log into a fresh in-memory materializer and report the throughput.",
        "The server must be stopped (only one process may open a data directory)."})
public final class ReplayCommand implements Callable<Integer> {
  /** Check the clock every this many records: cheap enough, and often enough for a 10 Hz bar. */
  private static final int REPORT_EVERY = 256;
  private static final int MAX_DIFFERENCES = 20;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Data directory.")
  Path data;

  @Option(names = "--verify",
      description = "Also check the newest snapshot: the state replayed up to its SEQ must equal it (exit 1 if not).")
  boolean verify;

  @Override
  public Integer call() throws IOException {
    DataDirectory dir = new DataDirectory(data).requireInitialized();
    PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
    try (LocalLog log = openLog(dir)) {
      SnapshotToVerify snapshot = verify ? SnapshotToVerify.load(dir, log.headSeq(), err) : null;
      long total = log.headSeq() < log.startSeq() ? 0 : log.headSeq() - log.startSeq() + 1;
      ReplayProgress progress = ReplayProgress.choose(System.console() != null, err);
      Materializer materializer = new Materializer();
      TransactionCodec codec = new TransactionCodec();
      StateComparison comparison = null;
      if (snapshot != null && snapshot.seq() < log.startSeq()) {
        comparison = compare(snapshot, materializer); // e.g. a snapshot of the empty database
      }
      long start = System.nanoTime();
      long comparing = 0;
      long records = 0;
      long bytes = 0;
      try (LogCursor cursor = log.read(log.startSeq())) {
        while (cursor.hasNext()) {
          LogRecord r = cursor.next();
          materializer.apply(r.seq(), r.timestampMs(), codec.decode(r.value()));
          records++;
          bytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
          if (snapshot != null && r.seq() == snapshot.seq()) {
            // Compare exactly at the snapshot's SEQ, then go on: the replay measures the whole log.
            long t0 = System.nanoTime();
            comparison = compare(snapshot, materializer);
            comparing += System.nanoTime() - t0;
          }
          if (records % REPORT_EVERY == 0) {
            progress.report(new ReplayStatus(records, total, bytes, System.nanoTime() - start - comparing));
          }
        }
      }
      ReplayStatus end = new ReplayStatus(records, Math.max(total, records), bytes, System.nanoTime() - start - comparing);
      progress.done(end);
      System.out.println(summary(end, materializer));
      return snapshot == null ? ExitCodes.OK : report(snapshot, comparison);
    }
  }

  private static StateComparison compare(SnapshotToVerify snapshot, Materializer replayed) {
    return StateComparison.of(snapshot.state(), "the snapshot", replayed, "the log", MAX_DIFFERENCES);
  }

  private static int report(SnapshotToVerify snapshot, StateComparison comparison) {
    String name = snapshot.file().getFileName().toString();
    if (comparison == null) {
      System.out.println("Verification FAILED: the log no longer holds SEQ " + snapshot.seq() + " of snapshot " + name);
      return ExitCodes.FAILURE;
    }
    if (comparison.differences().isEmpty()) {
      System.out.println("Verified: snapshot " + name + " (SEQ " + snapshot.seq() + ") matches the log ("
          + Units.count(comparison.versionsCompared()) + " row versions compared).");
      return ExitCodes.OK;
    }
    System.out.println("Verification FAILED: snapshot " + name + " (SEQ " + snapshot.seq() + ") differs from the log:");
    for (String d : comparison.differences()) {
      System.out.println("  " + d);
    }
    if (comparison.differences().size() >= MAX_DIFFERENCES) {
      System.out.println("  (stopped after " + MAX_DIFFERENCES + " differences)");
    }
    return ExitCodes.FAILURE;
  }

  private static LocalLog openLog(DataDirectory dir) {
    try {
      return LocalLog.open(LogConfig.builder(dir.logDir()).build());
    } catch (LogDirectoryLockedException e) {
      throw new CliException(e.getMessage() + "; stop the server first (only one process may open a data directory)");
    } catch (IOException e) {
      throw new CliException("cannot open the log in " + dir.logDir() + ": " + e.getMessage());
    }
  }

  private static String summary(ReplayStatus s, Materializer m) {
    int tables = m.catalog().tablesAt(m.appliedSeq()).size();
    return String.format(Locale.ROOT,
        "Replayed %s transactions (%s row events, %s) in %.2f s: %s transactions/s, %s/s. Head SEQ %d, %d %s.",
        Units.count(s.records()), Units.count(m.rowEventsApplied()), Units.bytes(s.bytes()), s.seconds(),
        Units.count(s.recordsPerSecond()), Units.bytes(s.bytesPerSecond()), m.appliedSeq(),
        tables, tables == 1 ? "table" : "tables");
  }
}
