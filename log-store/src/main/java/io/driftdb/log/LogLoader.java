package io.driftdb.log;

import io.driftdb.log.segment.ActiveSegment;
import io.driftdb.log.segment.BatchLocation;
import io.driftdb.log.segment.Damage;
import io.driftdb.log.segment.IndexFiles;
import io.driftdb.log.segment.OffsetIndexView;
import io.driftdb.log.segment.ScanResult;
import io.driftdb.log.segment.SegmentFiles;
import io.driftdb.log.segment.SegmentIndexBuilder;
import io.driftdb.log.segment.SegmentScanner;
import io.driftdb.log.segment.SegmentView;
import io.driftdb.log.segment.TimeIndexView;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovery on open. Every segment is walked from its first byte: offsets must continue densely
 * across batches and segments, timestamps must never go back, and CRCs must match (for all
 * segments, or only the last one if so configured). Indexes are rebuilt wherever they differ
 * from the log. Damage is only repaired automatically where a crash can cause it: at the very
 * end of the last segment, with no valid batch after it. Anything else stops the open.
 */
final class LogLoader {
  private static final Logger LOG = LoggerFactory.getLogger(LogLoader.class);

  /** The recovered state a {@link LocalLog} starts from. */
  record Loaded(List<SegmentView> sealed, ActiveSegment active, long lastTimestamp) {}

  private LogLoader() {}

  static Loaded load(LogConfig config) throws IOException {
    Path dir = config.directory();
    SegmentSwap.recover(dir);
    List<Path> orphans = SegmentFiles.orphanIndexes(dir);
    if (!orphans.isEmpty()) {
      Path o = orphans.get(0);
      throw new LogCorruptedException(o, 0, -1, "Log directory " + dir + " holds " + o.getFileName()
          + " but not the .log file it indexes: that segment's records are missing. " + repairHint(dir));
    }
    List<SegmentFiles> segments = SegmentFiles.list(dir);
    if (segments.isEmpty()) {
      return new Loaded(List.of(), ActiveSegment.create(new SegmentFiles(dir, 0)), SegmentIndexBuilder.NO_TIMESTAMP);
    }

    List<SegmentView> sealed = new ArrayList<>();
    // Segments are never deleted from the front (see README, "Not done / limits"): the log
    // starts at SEQ 0, and a first segment at a later offset means the ones before it are lost.
    long expected = 0;
    long maxTimestamp = SegmentIndexBuilder.NO_TIMESTAMP;
    ActiveSegment active = null;
    for (int i = 0; i < segments.size(); i++) {
      SegmentFiles files = segments.get(i);
      boolean last = i == segments.size() - 1;
      if (files.baseOffset() != expected) {
        throw new LogCorruptedException(files.log(), 0, expected, "Log segment " + files.log() + " starts at offset "
            + files.baseOffset() + (i == 0 ? " but the log starts at offset 0" : " but the previous segment ends at offset "
            + (expected - 1))
            + ": a segment file is missing or misnamed. No log data was changed. " + repairHint(dir));
      }
      ScanResult scan = SegmentScanner.scan(files, expected, maxTimestamp, last || config.verifyAllSegmentsOnOpen());
      if (scan.damage().isPresent()) {
        if (!last) {
          throw corrupted(dir, scan.damage().get(), Optional.empty());
        }
        scan = truncateTornTail(dir, scan, scan.damage().get());
      } else if (scan.validBytes() < scan.fileBytes()) {
        if (!last) {
          // A sealed segment is cut back to its batches (and fsynced) before the next segment
          // is created, so zeros at its end are not preallocated space: they replaced data.
          throw corrupted(dir, zerosInSealedSegment(scan), Optional.empty());
        }
        scan = trimPreallocated(scan);
      }
      syncIndexes(scan, last);
      if (last) {
        active = ActiveSegment.resume(scan);
      } else {
        sealed.add(mapSealed(scan));
      }
      expected = scan.nextOffset();
      maxTimestamp = Math.max(maxTimestamp, scan.maxTimestamp());
    }
    return new Loaded(sealed, active, maxTimestamp);
  }

  /**
   * Cuts the last segment at {@code damage} if it looks like an interrupted write: the kind of
   * damage a crash produces, and no valid batch anywhere after it. Otherwise refuses.
   */
  private static ScanResult truncateTornTail(Path dir, ScanResult scan, Damage damage) throws IOException {
    Optional<BatchLocation> later =
        SegmentScanner.findValidBatch(scan.files(), damage.position() + 1, damage.expectedOffset());
    if (!damage.kind().mayBeTornWrite() || later.isPresent()) {
      throw corrupted(dir, damage, later);
    }
    long dropped = scan.fileBytes() - damage.position();
    try (FileChannel ch = FileChannel.open(scan.files().log(), StandardOpenOption.WRITE)) {
      ch.truncate(damage.position());
      ch.force(false);
    }
    LOG.warn("Truncated the torn tail of {}: dropped {} bytes from byte position {} ({}); the log ends at SEQ {}",
        scan.files().log(), dropped, damage.position(), damage.detail(), damage.expectedOffset() - 1);
    return new ScanResult(scan.files(), damage.position(), damage.position(), scan.nextOffset(),
        scan.maxTimestamp(), scan.indexes(), Optional.empty());
  }

  /** The damage that zeros at the end of a segment other than the last one are. */
  static Damage zerosInSealedSegment(ScanResult scan) {
    return new Damage(scan.files().log(), scan.validBytes(), scan.nextOffset(), Damage.Kind.BAD_HEADER,
        "zeros from here to the end of the file (" + (scan.fileBytes() - scan.validBytes())
            + " bytes) in a segment that is not the last one, where no preallocated space can be");
  }

  /**
   * Cuts off the zeros that follow the last batch: space the writer had preallocated when the
   * process stopped without closing the log (a kill or a crash). Nothing is lost.
   */
  private static ScanResult trimPreallocated(ScanResult scan) throws IOException {
    try (FileChannel ch = FileChannel.open(scan.files().log(), StandardOpenOption.WRITE)) {
      ch.truncate(scan.validBytes());
      ch.force(false);
    }
    LOG.info("Trimmed {} preallocated bytes (zeros) after the last batch of {}", scan.fileBytes() - scan.validBytes(),
        scan.files().log().getFileName());
    return new ScanResult(scan.files(), scan.validBytes(), scan.validBytes(), scan.nextOffset(),
        scan.maxTimestamp(), scan.indexes(), Optional.empty());
  }

  private static LogCorruptedException corrupted(Path dir, Damage d, Optional<BatchLocation> later) {
    StringBuilder m = new StringBuilder("Log segment ").append(d.file())
        .append(" is corrupted at byte position ").append(d.position())
        .append(" (the batch at offset ").append(d.expectedOffset()).append("): ").append(d.detail()).append('.');
    later.ifPresent(l -> m.append(" A valid batch with offsets ").append(l.header().baseOffset()).append("..")
        .append(l.header().lastOffset()).append(" follows at byte position ").append(l.position())
        .append(", so this is not a torn write at the end of the log."));
    m.append(" No log data was changed. ").append(repairHint(dir));
    return new LogCorruptedException(d.file(), d.position(), d.expectedOffset(), m.toString());
  }

  static String repairHint(Path dir) {
    return "To cut the log at the damage (dropping everything from there on), stop DriftDB and run "
        + "`driftdb repair --data " + dir + "`.";
  }

  /** Makes the index files match the log; they are derived data and never trusted. */
  private static void syncIndexes(ScanResult scan, boolean last) throws IOException {
    SegmentFiles f = scan.files();
    boolean offsets = IndexFiles.sync(f.index(), scan.indexes().offsetBytes());
    boolean times = IndexFiles.sync(f.timeIndex(), scan.indexes().timeBytes());
    if (offsets || times) {
      // The active segment writes its indexes only at roll and close, so after a crash they lag.
      if (last) {
        LOG.info("Rebuilt the indexes of {} from the log", f.log().getFileName());
      } else {
        LOG.warn("Rebuilt {}{}{} from {}: they were missing or did not match the log", offsets ? f.index().getFileName() : "",
            offsets && times ? " and " : "", times ? f.timeIndex().getFileName() : "", f.log().getFileName());
      }
    }
  }

  private static SegmentView mapSealed(ScanResult scan) throws IOException {
    SegmentFiles f = scan.files();
    SegmentIndexBuilder idx = scan.indexes();
    ByteBuffer offsets = IndexFiles.mapReadOnly(f.index(), idx.offsetBytes().remaining());
    ByteBuffer times = IndexFiles.mapReadOnly(f.timeIndex(), idx.timeBytes().remaining());
    return new SegmentView(f, scan.nextOffset(), scan.validBytes(), scan.maxTimestamp(),
        new OffsetIndexView(f.baseOffset(), offsets, idx.batchCount()),
        new TimeIndexView(f.baseOffset(), times, times.limit() / TimeIndexView.ENTRY_SIZE));
  }
}
