package io.driftdb.server.cli;

import io.driftdb.log.LocalLog;
import io.driftdb.log.LogConfig;
import io.driftdb.log.LogCursor;
import io.driftdb.log.LogDirectoryLockedException;
import io.driftdb.log.LogRecord;
import io.driftdb.materializer.Materializer;
import io.driftdb.materializer.SnapshotInfo;
import io.driftdb.materializer.SnapshotStore;
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
 * tail, index rebuilds). With {@code --to-seq N} it stops after SEQ N and writes the rebuilt
 * state as the snapshot at N (replacing one already there; a restart still starts from the
 * newest snapshot, so an older one only adds a starting point); {@code --verify} then compares
 * the snapshot that was at exactly N, if any, before it is replaced.
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

  @Option(names = "--to-seq", paramLabel = "N",
      description = {"Stop after SEQ N and write the rebuilt state as the snapshot at SEQ N.",
          "With --verify, compare with the snapshot already at exactly SEQ N, if there is one."})
  Long toSeq;

  @Override
  public Integer call() throws IOException {
    DataDirectory dir = new DataDirectory(data).requireInitialized();
    PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
    try (LocalLog log = openLog(dir)) {
      long last = toSeq == null ? log.headSeq() : checkedToSeq(toSeq, log);
      SnapshotToVerify snapshot = !verify ? null
          : toSeq == null ? SnapshotToVerify.load(dir, log.headSeq(), err) : SnapshotToVerify.at(dir, toSeq).orElse(null);
      long total = last < log.startSeq() ? 0 : last - log.startSeq() + 1;
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
            // Compare exactly at the snapshot's SEQ, then go on: the replay measures the whole log (or up to N).
            long t0 = System.nanoTime();
            comparison = compare(snapshot, materializer);
            comparing += System.nanoTime() - t0;
          }
          if (r.seq() >= last) {
            break;
          }
          if (records % REPORT_EVERY == 0) {
            progress.report(new ReplayStatus(records, total, bytes, System.nanoTime() - start - comparing));
          }
        }
      }
      ReplayStatus end = new ReplayStatus(records, Math.max(total, records), bytes, System.nanoTime() - start - comparing);
      progress.done(end);
      System.out.println(summary(end, materializer, toSeq == null ? null : log.headSeq()));
      if (toSeq != null) {
        writeSnapshot(dir, materializer);
        if (verify && snapshot == null) {
          System.out.println("Nothing to verify: there was no snapshot at SEQ " + toSeq + " to compare with.");
        }
      }
      return snapshot == null ? ExitCodes.OK : report(snapshot, comparison);
    }
  }

  /** N itself when the log holds SEQ N; bad usage otherwise (changes nothing). */
  private static long checkedToSeq(long n, LocalLog log) {
    if (n < 0) {
      throw new CliException("--to-seq must be a SEQ, 0 or more (got " + n + ")", ExitCodes.USAGE);
    }
    if (n > log.headSeq()) {
      throw new CliException("--to-seq " + n + " is beyond the head of the log ("
          + (log.headSeq() < 0 ? "the log is empty" : "head SEQ is " + log.headSeq()) + ")", ExitCodes.USAGE);
    }
    if (n < log.startSeq()) {
      throw new CliException("--to-seq " + n + " is before the start of the log (first SEQ is " + log.startSeq() + ")",
          ExitCodes.USAGE);
    }
    return n;
  }

  /** The rebuilt state as the snapshot at its SEQ (temporary file, fsync, rename: never half written). */
  private static void writeSnapshot(DataDirectory dir, Materializer state) {
    try {
      boolean replacing = java.nio.file.Files.exists(dir.snapshotDir().resolve(String.format("%020d.snap",
          state.appliedSeq())));
      SnapshotInfo info = new SnapshotStore(dir.snapshotDir()).write(state);
      System.out.println("Wrote snapshot " + info.file().getFileName() + " (SEQ " + info.seq() + ", "
          + Units.bytes(info.bytes()) + ", " + Units.count(info.versions()) + " row versions)"
          + (replacing ? ", replacing the one that was there." : "."));
    } catch (IOException e) {
      throw new CliException("cannot write the snapshot at SEQ " + state.appliedSeq() + " into " + dir.snapshotDir()
          + ": " + e.getMessage());
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

  /** The throughput and the state reached; {@code headSeq} is given when the replay stopped early. */
  private static String summary(ReplayStatus s, Materializer m, Long headSeq) {
    int tables = m.catalog().tablesAt(m.appliedSeq()).size();
    String reached = headSeq == null ? "Head SEQ " + m.appliedSeq()
        : "Stopped at SEQ " + m.appliedSeq() + " (head SEQ " + headSeq + ")";
    return String.format(Locale.ROOT,
        "Replayed %s transactions (%s row events, %s) in %.2f s: %s transactions/s, %s row events/s, %s/s. %s, %d %s.",
        Units.count(s.records()), Units.count(m.rowEventsApplied()), Units.bytes(s.bytes()), s.seconds(),
        Units.count(s.recordsPerSecond()), Units.count(m.rowEventsApplied() / Math.max(s.seconds(), 1e-3)),
        Units.bytes(s.bytesPerSecond()), reached,
        tables, tables == 1 ? "table" : "tables");
  }
}
