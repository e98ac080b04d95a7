package io.driftdb.log;

import io.driftdb.log.segment.ActiveSegment;
import io.driftdb.log.segment.Damage;
import io.driftdb.log.segment.ScanResult;
import io.driftdb.log.segment.SegmentFiles;
import io.driftdb.log.segment.SegmentIndexBuilder;
import io.driftdb.log.segment.SegmentScanner;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offline repair of a log directory (the log must not be open: this takes its lock). Verifies
 * every batch of every segment and cuts the log at the first damage of any kind: that segment
 * is truncated at the bad batch and every later segment is deleted. Nothing before the damage
 * is touched; the report says exactly what was dropped.
 */
public final class LogRepair {
  private static final Logger LOG = LoggerFactory.getLogger(LogRepair.class);

  private LogRepair() {}

  /** Truncates the log at its first damaged batch; see the report for what was dropped. */
  public static RepairReport repair(Path directory) throws IOException {
    return run(directory, true);
  }

  /**
   * Reports what {@link #repair} would do, dropping nothing. Like an open, it first finishes a
   * merge that was committed (and deletes a merge's leftover {@code .cleaned} files), which
   * changes no record; a damaged merge file stops it as it stops the open.
   */
  public static RepairReport inspect(Path directory) throws IOException {
    return run(directory, false);
  }

  private static RepairReport run(Path dir, boolean apply) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(dir.toString(), null, "not a log directory");
    }
    try (DirectoryLock ignored = DirectoryLock.acquire(dir)) {
      // A committed merge is finished first, as on open (not a repair: nothing is dropped).
      // A damaged merge that the open refuses is undone (or cut) here, since the open sends the
      // operator to this repair; a dry run leaves it alone and reports it as the open does.
      List<Path> swapDropped = new ArrayList<>();
      SegmentSwap.recover(dir, apply ? swapDropped : null);
      List<Path> orphans = SegmentFiles.orphanIndexes(dir);
      List<SegmentFiles> segments = SegmentFiles.list(dir);
      long startSeq = 0; // segments are never deleted from the front: a later first base means lost segments
      long expected = startSeq;
      long maxTimestamp = SegmentIndexBuilder.NO_TIMESTAMP;
      Damage damage = null;
      int damaged = -1;
      boolean wholeSegment = false;
      for (int i = 0; i < segments.size() && damage == null; i++) {
        SegmentFiles f = segments.get(i);
        if (f.baseOffset() != expected) {
          damage = new Damage(f.log(), 0, expected, Damage.Kind.OUT_OF_SEQUENCE, "the segment starts at offset "
              + f.baseOffset() + (i == 0 ? " but the log starts at offset 0" : " but the previous segment ends at offset "
              + (expected - 1)));
          damaged = i;
          wholeSegment = true;
          break;
        }
        ScanResult scan = SegmentScanner.scan(f, expected, maxTimestamp, true);
        if (scan.damage().isPresent()) {
          damage = scan.damage().get();
          damaged = i;
        } else if (i < segments.size() - 1 && scan.validBytes() < scan.fileBytes()) {
          damage = LogLoader.zerosInSealedSegment(scan);
          damaged = i;
        } else {
          expected = scan.nextOffset();
          maxTimestamp = Math.max(maxTimestamp, scan.maxTimestamp());
        }
      }
      if (damage == null && orphans.isEmpty()) {
        return new RepairReport(dir, apply, startSeq, expected - 1, Optional.empty(), List.copyOf(swapDropped));
      }

      List<Path> deleted = new ArrayList<>(swapDropped);
      deleted.addAll(orphans);
      Optional<RepairReport.Truncation> truncation = Optional.empty();
      if (damage != null) {
        truncation = Optional.of(measure(segments, damaged, damage, wholeSegment));
        for (int j = wholeSegment ? damaged : damaged + 1; j < segments.size(); j++) {
          deleted.add(segments.get(j).log());
        }
      }
      long headSeq = damage == null ? expected - 1 : damage.expectedOffset() - 1;
      RepairReport report = new RepairReport(dir, apply, startSeq, headSeq, truncation, List.copyOf(deleted));
      if (apply) {
        applyCut(segments, damaged, damage, wholeSegment, orphans);
        LOG.warn("Repaired log {}:\n{}", dir, report.describe());
      }
      return report;
    }
  }

  /** Counts what the cut drops: the damaged batch, anything still readable after it, later segments. */
  private static RepairReport.Truncation measure(
      List<SegmentFiles> segments, int damaged, Damage damage, boolean wholeSegment) throws IOException {
    SegmentFiles f = segments.get(damaged);
    long bytes = Files.size(f.log()) - damage.position();
    // A damaged batch is not recognised by the census, so count it here; an out-of-sequence
    // batch is valid and the census finds it itself.
    long batches = damage.kind().mayBeTornWrite() && bytes > 0 ? 1 : 0;
    SegmentScanner.Census here = SegmentScanner.census(f, damage.position(), wholeSegment ? 0 : damage.expectedOffset());
    batches += here.batches();
    long last = here.lastOffset();
    for (int j = damaged + 1; j < segments.size(); j++) {
      SegmentFiles later = segments.get(j);
      bytes += Files.size(later.log());
      SegmentScanner.Census c = SegmentScanner.census(later, 0, 0);
      batches += c.batches();
      last = Math.max(last, c.lastOffset());
    }
    OptionalLong lastDropped = last >= damage.expectedOffset() ? OptionalLong.of(last) : OptionalLong.empty();
    return new RepairReport.Truncation(damage.file(), damage.position(), damage.detail(), damage.expectedOffset(),
        lastDropped, batches, bytes);
  }

  private static void applyCut(List<SegmentFiles> segments, int damaged, Damage damage, boolean wholeSegment,
      List<Path> orphans) throws IOException {
    if (damage != null) {
      // Later segments first, newest first: an interrupted repair leaves a shorter but still
      // contiguous log, and running it again finishes the job.
      for (int j = segments.size() - 1; j > damaged; j--) {
        delete(segments.get(j));
      }
      SegmentFiles f = segments.get(damaged);
      if (wholeSegment) {
        delete(f);
      } else {
        try (FileChannel ch = FileChannel.open(f.log(), StandardOpenOption.WRITE)) {
          ch.truncate(damage.position());
          ch.force(false);
        }
        // Derived files; the next open rebuilds them from the truncated log.
        Files.deleteIfExists(f.index());
        Files.deleteIfExists(f.timeIndex());
      }
    }
    for (Path orphan : orphans) {
      Files.deleteIfExists(orphan);
    }
    ActiveSegment.syncDirectory(segments.isEmpty() ? orphans.get(0).getParent() : segments.get(0).directory());
  }

  /** Index files first, then the log: a crash in between never leaves an index without its log. */
  private static void delete(SegmentFiles f) throws IOException {
    Files.deleteIfExists(f.index());
    Files.deleteIfExists(f.timeIndex());
    Files.deleteIfExists(f.log());
  }
}
