package io.driftdb.log;

import io.driftdb.log.segment.ActiveSegment;
import io.driftdb.log.segment.Damage;
import io.driftdb.log.segment.ScanResult;
import io.driftdb.log.segment.SegmentFiles;
import io.driftdb.log.segment.SegmentIndexBuilder;
import io.driftdb.log.segment.SegmentScanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file protocol that replaces adjacent sealed segments by one merged segment, so that a
 * crash at any moment leaves either the old segments or the merged one, never a mix:
 *
 * <ol>
 *   <li>the merged segment is written as {@code <base>.log.cleaned} and fsynced (a crash here
 *       leaves garbage that the next open deletes);
 *   <li>it is renamed to {@code <base>.log.swap} and the directory fsynced: the commit point;
 *   <li>the replaced segments' files are deleted, each segment's indexes before its log;
 *   <li>{@code .log.swap} is renamed to {@code <base>.log} (the first replaced segment's name)
 *       and the indexes are written (derived data, rebuilt on open if missing).
 * </ol>
 *
 * On open, {@link #recover} deletes every {@code .cleaned} file and completes every
 * {@code .log.swap}: it deletes whatever segment files it covers (a swap holds a dense run of
 * offsets, exactly those of the segments it replaces) and renames it into place.
 */
final class SegmentSwap {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentSwap.class);

  private SegmentSwap() {}

  /** Step 2: the merged file becomes the segments' replacement, durably. */
  static SegmentFiles commit(SegmentFiles cleaned, CompactionHook hook) throws IOException {
    SegmentFiles swap = cleaned.as(SegmentFiles.SWAP);
    Files.move(cleaned.log(), swap.log(), StandardCopyOption.ATOMIC_MOVE);
    ActiveSegment.syncDirectory(cleaned.directory());
    hook.reached(CompactionHook.Step.SWAP_COMMITTED, swap.log());
    return swap;
  }

  /**
   * Step 3: deletes the replaced segments (live names), indexes before logs, and makes the
   * deletions durable before the rename of step 4 can be: a power cut must never keep that
   * rename but bring back a replaced segment next to the merged one.
   */
  static void deleteReplaced(List<SegmentFiles> old, CompactionHook hook) throws IOException {
    for (SegmentFiles f : old) {
      for (Path p : List.of(f.index(), f.timeIndex(), f.log())) {
        if (Files.deleteIfExists(p)) {
          hook.reached(CompactionHook.Step.OLD_FILE_DELETED, p);
        }
      }
    }
    ActiveSegment.syncDirectory(old.get(0).directory());
  }

  /**
   * Step 4: the swap file takes the live name of its base offset (the caller publishes the
   * view naming it, then makes the rename durable with a directory fsync).
   */
  static SegmentFiles install(SegmentFiles swap) throws IOException {
    SegmentFiles live = swap.as("");
    Files.move(swap.log(), live.log(), StandardCopyOption.ATOMIC_MOVE);
    return live;
  }

  /**
   * Completes or rolls back merges a crash interrupted; returns how many it completed. A swap
   * file that does not read back whole (it was fsynced before it got its name, so only a
   * damaged disk can do that) stops the open: the segments it replaces may already be gone.
   */
  static int recover(Path dir) throws IOException {
    return recover(dir, null);
  }

  /**
   * As {@link #recover(Path)}; with {@code repairDropped} non-null (an offline repair) a damaged
   * swap file does not stop: if the first segment it replaces is still there, no replaced
   * segment was deleted yet (they go oldest first) and the merge is rolled back by deleting the
   * swap, losing nothing; otherwise the swap holds the only copy of its offsets, so it is cut at
   * its damage and installed, and the repair then cuts the log at the gap that leaves. Files
   * deleted here are added to {@code repairDropped}.
   */
  static int recover(Path dir, List<Path> repairDropped) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.filter(f -> f.getFileName().toString().endsWith(SegmentFiles.CLEANED)).toList()) {
        Files.delete(p);
        LOG.info("Deleted {}, left by a segment merge that a crash interrupted before it completed", p.getFileName());
      }
    }
    int completed = 0;
    for (SegmentFiles swap : SegmentFiles.listVariant(dir, SegmentFiles.SWAP)) {
      ScanResult scan = SegmentScanner.scan(swap, swap.baseOffset(), SegmentIndexBuilder.NO_TIMESTAMP, true);
      boolean damaged = scan.damage().isPresent() || scan.nextOffset() == swap.baseOffset();
      if (damaged && repairDropped != null) {
        if (Files.exists(swap.as("").log())) {
          Files.delete(swap.log());
          ActiveSegment.syncDirectory(dir);
          repairDropped.add(swap.log());
          LOG.warn("Deleted the damaged merged segment {} ({}): the segments it was to replace are still there",
              swap.log().getFileName(), scan.damage().map(Damage::describe).orElse("no records"));
          continue;
        }
        try (java.nio.channels.FileChannel ch =
                 java.nio.channels.FileChannel.open(swap.log(), java.nio.file.StandardOpenOption.WRITE)) {
          ch.truncate(scan.validBytes());
          ch.force(false);
        }
        // Possibly to nothing: then an empty segment at the base offset, and the repair cuts the
        // log at the gap after it.
        LOG.warn("Cut the damaged merged segment {} at byte position {} ({}); it keeps offsets {}..{}",
            swap.log().getFileName(), scan.validBytes(), scan.damage().map(Damage::describe).orElse("no records"),
            swap.baseOffset(), scan.nextOffset() - 1);
        damaged = false;
      }
      if (damaged) {
        String what = scan.damage().map(d -> d.describe()).orElse(swap.log() + " holds no records");
        throw new LogCorruptedException(swap.log(), scan.validBytes(), scan.nextOffset(), "The merged log segment "
            + swap.log() + " that replaces the segments from offset " + swap.baseOffset()
            + " is damaged although it was fsynced before it was committed: " + what
            + ". Some of the segments it replaces may already be deleted. No log data was changed. "
            + LogLoader.repairHint(dir));
      }
      List<Path> replaced = new ArrayList<>();
      for (SegmentFiles f : coveredSegments(dir, swap.baseOffset(), scan.nextOffset())) {
        for (Path p : List.of(f.index(), f.timeIndex(), f.log())) {
          if (Files.deleteIfExists(p)) {
            replaced.add(p.getFileName());
          }
        }
      }
      ActiveSegment.syncDirectory(dir);
      Files.move(swap.log(), swap.as("").log(), StandardCopyOption.ATOMIC_MOVE);
      ActiveSegment.syncDirectory(dir);
      completed++;
      LOG.info("Completed a segment merge a crash interrupted: {} now holds offsets {}..{} (deleted {})",
          swap.as("").log().getFileName(), swap.baseOffset(), scan.nextOffset() - 1, replaced);
    }
    return completed;
  }

  /** Live segments, or index files left without their log, whose base offset lies in [from, to). */
  private static List<SegmentFiles> coveredSegments(Path dir, long from, long to) throws IOException {
    List<SegmentFiles> out = new ArrayList<>();
    for (SegmentFiles f : SegmentFiles.list(dir)) {
      if (f.baseOffset() >= from && f.baseOffset() < to) {
        out.add(f);
      }
    }
    for (Path orphan : SegmentFiles.orphanIndexes(dir)) {
      long base = SegmentFiles.parseBaseOffset(orphan, SegmentFiles.INDEX_SUFFIX)
          .orElseGet(() -> SegmentFiles.parseBaseOffset(orphan, SegmentFiles.TIME_INDEX_SUFFIX).orElse(-1));
      if (base >= from && base < to) {
        out.add(new SegmentFiles(dir, base));
      }
    }
    return out;
  }
}
