package io.driftdb.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.driftdb.log.segment.SegmentFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Recovery on open and offline repair: what is truncated, what is refused, what is rebuilt. */
class RecoveryTest {
  @TempDir Path dir;

  /** The last (active) segment of the log in {@code dir}. */
  private SegmentFiles lastSegment() throws IOException {
    List<SegmentFiles> segments = SegmentFiles.list(dir);
    return segments.get(segments.size() - 1);
  }

  private LogConfig config(Compression compression) {
    return LogConfig.builder(dir).segmentBytes(4096).compression(compression).build();
  }

  /** Appends {@code n} records one by one (one batch each) and returns their acks. */
  private List<Appended> write(Compression compression, int n) throws IOException {
    List<Appended> acks = new ArrayList<>();
    try (LocalLog log = LocalLog.open(config(compression))) {
      for (int i = 0; i < n; i++) {
        acks.add(log.append(key(i), value(i), List.of(new RecordHeader("i", key(i)))).join());
      }
    }
    return acks;
  }

  private static byte[] key(long i) {
    return ("key-" + i).getBytes(UTF_8);
  }

  private static byte[] value(long i) {
    return ("value-" + i + "-" + "x".repeat((int) (i % 97))).getBytes(UTF_8);
  }

  /** Byte positions of the batches of a segment, from its (Kafka-format) offset index. */
  private static List<Integer> batchPositions(SegmentFiles s) throws IOException {
    ByteBuffer idx = ByteBuffer.wrap(Files.readAllBytes(s.index()));
    List<Integer> out = new ArrayList<>();
    while (idx.hasRemaining()) {
      idx.getInt();
      out.add(idx.getInt());
    }
    return out;
  }

  private static void flipByte(Path file, long position) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, position);
      b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
      ch.write(b, position);
    }
  }

  private static void assertRecordsIntact(LocalLog log, long count) {
    assertThat(log.headSeq()).isEqualTo(count - 1);
    long seq = 0;
    try (LogCursor c = log.read(0)) {
      while (c.hasNext()) {
        LogRecord r = c.next();
        assertThat(r.seq()).isEqualTo(seq);
        assertThat(r.key()).isEqualTo(key(seq));
        assertThat(r.value()).isEqualTo(value(seq));
        seq++;
      }
    }
    assertThat(seq).isEqualTo(count);
  }

  @Test
  void aFlippedByteInAMiddleSegmentStopsTheOpenNamingFileAndPosition() throws IOException {
    write(Compression.NONE, 200);
    List<SegmentFiles> segments = SegmentFiles.list(dir);
    assertThat(segments).hasSizeGreaterThan(3);
    SegmentFiles middle = segments.get(1);
    int position = batchPositions(middle).get(3);
    long offset = middle.baseOffset() + 3;
    flipByte(middle.log(), position + 70); // inside the record payload
    byte[] before = Files.readAllBytes(middle.log());

    assertThatThrownBy(() -> LocalLog.open(config(Compression.NONE)))
        .isInstanceOfSatisfying(LogCorruptedException.class, e -> {
          assertThat(e.file()).isEqualTo(middle.log());
          assertThat(e.position()).isEqualTo(position);
          assertThat(e.offset()).isEqualTo(offset);
        })
        .hasMessageContaining(middle.log().toString())
        .hasMessageContaining("byte position " + position)
        .hasMessageContaining("offset " + offset)
        .hasMessageContaining("CRC32C mismatch")
        .hasMessageContaining("driftdb repair --data " + dir);
    assertThat(Files.readAllBytes(middle.log())).isEqualTo(before); // nothing was cut
    // The refused open released the lock.
    assertThatThrownBy(() -> LocalLog.open(config(Compression.NONE))).isInstanceOf(LogCorruptedException.class);
  }

  @Test
  void aDamagedHeaderInAMiddleSegmentIsReportedToo() throws IOException {
    write(Compression.ZSTD, 200);
    SegmentFiles middle = SegmentFiles.list(dir).get(1);
    int position = batchPositions(middle).get(2);
    flipByte(middle.log(), position + 16); // magic byte

    assertThatThrownBy(() -> LocalLog.open(config(Compression.ZSTD)))
        .isInstanceOf(LogCorruptedException.class)
        .hasMessageContaining(middle.log() + " is corrupted at byte position " + position)
        .hasMessageContaining("magic byte");
  }

  @Test
  void aTornTailIsTruncatedAndEverythingBeforeItSurvives() throws IOException {
    write(Compression.NONE, 120);
    SegmentFiles last = lastSegment();
    List<Integer> positions = batchPositions(last);
    int lastBatch = positions.get(positions.size() - 1);
    long size = Files.size(last.log());
    // The last batch was only partly written when the machine stopped.
    try (FileChannel ch = FileChannel.open(last.log(), StandardOpenOption.WRITE)) {
      ch.truncate(lastBatch + (size - lastBatch) / 2);
    }
    long droppedBytes = Files.size(last.log()) - lastBatch;

    ListAppender<ILoggingEvent> logged = captureLogs();
    try (LocalLog log = LocalLog.open(config(Compression.NONE))) {
      assertRecordsIntact(log, 119);
      assertThat(log.append(key(119), value(119), List.of()).join().seq()).isEqualTo(119);
      assertRecordsIntact(log, 120);
    } finally {
      stopCapture(logged);
    }
    assertThat(logged.list).anySatisfy(e -> {
      assertThat(e.getLevel().toString()).isEqualTo("WARN");
      assertThat(e.getFormattedMessage()).contains("Truncated the torn tail of " + last.log())
          .contains("dropped " + droppedBytes + " bytes from byte position " + lastBatch);
    });
    try (LocalLog log = LocalLog.open(config(Compression.NONE))) {
      assertRecordsIntact(log, 120);
    }
  }

  @Test
  void zeroesOrACorruptLastBatchAtTheEndAreATornTailToo() throws IOException {
    write(Compression.ZSTD, 60);
    SegmentFiles last = lastSegment();
    List<Integer> positions = batchPositions(last);
    flipByte(last.log(), positions.get(positions.size() - 1) + 40); // CRC-invalid final batch
    try (FileChannel ch = FileChannel.open(last.log(), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.allocate(3000)); // blocks the file system allocated but never filled
    }
    try (LocalLog log = LocalLog.open(config(Compression.ZSTD))) {
      assertRecordsIntact(log, 59);
    }
    assertThat(Files.size(last.log())).isEqualTo((long) positions.get(positions.size() - 1));
  }

  @Test
  void aBadBatchFollowedByValidOnesInTheLastSegmentIsCorruptionNotATornTail() throws IOException {
    write(Compression.NONE, 60);
    SegmentFiles last = lastSegment();
    List<Integer> positions = batchPositions(last);
    assertThat(positions).hasSizeGreaterThan(3);
    int bad = positions.get(positions.size() - 3);
    flipByte(last.log(), bad + 65);
    long size = Files.size(last.log());

    assertThatThrownBy(() -> LocalLog.open(config(Compression.NONE)))
        .isInstanceOf(LogCorruptedException.class)
        .hasMessageContaining(last.log() + " is corrupted at byte position " + bad)
        .hasMessageContaining("follows at byte position " + positions.get(positions.size() - 2))
        .hasMessageContaining("not a torn write");
    assertThat(Files.size(last.log())).isEqualTo(size);
  }

  @Test
  void repairCutsAtTheFirstDamageReportsWhatWentAndTheLogOpensAfterwards() throws IOException {
    write(Compression.NONE, 200);
    List<SegmentFiles> segments = SegmentFiles.list(dir);
    SegmentFiles middle = segments.get(1);
    List<Integer> positions = batchPositions(middle);
    int position = positions.get(3);
    long firstDropped = middle.baseOffset() + 3;
    flipByte(middle.log(), position + 70);
    long expectedBytes = Files.size(middle.log()) - position;
    long expectedBatches = positions.size() - 3;
    for (SegmentFiles later : segments.subList(2, segments.size())) {
      expectedBytes += Files.size(later.log());
      expectedBatches += batchPositions(later).size();
    }

    RepairReport dry = LogRepair.inspect(dir);
    assertThat(dry.applied()).isFalse();
    assertThat(dry.describe()).contains("would be truncated").contains("Nothing was changed");
    assertThat(SegmentFiles.list(dir)).hasSameSizeAs(segments);

    RepairReport report = LogRepair.repair(dir);

    assertThat(report.applied()).isTrue();
    assertThat(report.clean()).isFalse();
    RepairReport.Truncation t = report.truncation().orElseThrow();
    assertThat(t.file()).isEqualTo(middle.log());
    assertThat(t.position()).isEqualTo(position);
    assertThat(t.firstDroppedSeq()).isEqualTo(firstDropped);
    assertThat(t.lastDroppedSeq()).hasValue(199);
    assertThat(t.batchesDropped()).isEqualTo(expectedBatches);
    assertThat(t.bytesDropped()).isEqualTo(expectedBytes);
    assertThat(t.problem()).contains("CRC32C mismatch");
    assertThat(report.headSeq()).isEqualTo(firstDropped - 1);
    assertThat(report.deletedFiles()).hasSize(segments.size() - 2);
    assertThat(report.describe())
        .contains(middle.log().toString())
        .contains("byte position " + position)
        .contains("dropping SEQ " + firstDropped + "..199")
        .contains(expectedBatches + " batches, " + expectedBytes + " bytes")
        .contains("the log holds SEQ 0.." + (firstDropped - 1));
    assertThat(report).hasToString(report.describe());
    assertThat(SegmentFiles.list(dir)).hasSize(2);

    try (LocalLog log = LocalLog.open(config(Compression.NONE))) {
      assertRecordsIntact(log, firstDropped);
      assertThat(log.append(key(firstDropped), value(firstDropped), List.of()).join().seq()).isEqualTo(firstDropped);
    }
    assertThat(LogRepair.repair(dir).clean()).isTrue();
    assertThat(LogRepair.repair(dir).describe()).contains("no damage found; SEQ 0.." + firstDropped);
  }

  @Test
  void repairOfAMissingMiddleSegment() throws IOException {
    write(Compression.NONE, 200);
    List<SegmentFiles> segments = SegmentFiles.list(dir);
    // A whole middle segment is gone (files deleted by hand): open refuses, repair keeps the prefix.
    SegmentFiles gone = segments.get(2);
    Files.delete(gone.log());
    Files.delete(gone.index());
    Files.delete(gone.timeIndex());
    assertThatThrownBy(() -> LocalLog.open(config(Compression.NONE)))
        .isInstanceOf(LogCorruptedException.class)
        .hasMessageContaining(segments.get(3).log() + " starts at offset " + segments.get(3).baseOffset())
        .hasMessageContaining("a segment file is missing");

    RepairReport report = LogRepair.repair(dir);
    assertThat(report.truncation().orElseThrow().firstDroppedSeq()).isEqualTo(gone.baseOffset());
    assertThat(report.truncation().orElseThrow().lastDroppedSeq()).hasValue(199);
    try (LocalLog log = LocalLog.open(config(Compression.NONE))) {
      assertRecordsIntact(log, gone.baseOffset());
    }
  }

  @Test
  void anIndexWithoutItsLogMeansLostDataAndStopsTheOpen() throws IOException {
    write(Compression.NONE, 200);
    SegmentFiles last = lastSegment();
    Files.delete(last.log());
    assertThatThrownBy(() -> LocalLog.open(config(Compression.NONE)))
        .isInstanceOf(LogCorruptedException.class)
        .hasMessageContaining(last.index().getFileName() + " but not the .log file");
    RepairReport report = LogRepair.repair(dir);
    assertThat(report.deletedFiles()).containsExactlyInAnyOrder(last.index(), last.timeIndex());
    try (LocalLog log = LocalLog.open(config(Compression.NONE))) {
      assertRecordsIntact(log, last.baseOffset());
    }
  }

  @Test
  void missingOrDamagedIndexFilesAreRebuiltFromTheLog() throws IOException {
    write(Compression.ZSTD, 200);
    List<SegmentFiles> segments = SegmentFiles.list(dir);
    SegmentFiles a = segments.get(0);
    SegmentFiles b = segments.get(1);
    byte[] aIndex = Files.readAllBytes(a.index());
    byte[] aTime = Files.readAllBytes(a.timeIndex());
    byte[] bIndex = Files.readAllBytes(b.index());
    Files.delete(a.index());
    Files.delete(a.timeIndex());
    Files.write(b.index(), new byte[] {1, 2, 3, 4, 5});

    try (LocalLog log = LocalLog.open(config(Compression.ZSTD))) {
      assertRecordsIntact(log, 200);
      assertThat(log.seqAtOrBefore(log.timestampOf(5))).isPresent();
    }
    assertThat(Files.readAllBytes(a.index())).isEqualTo(aIndex);
    assertThat(Files.readAllBytes(a.timeIndex())).isEqualTo(aTime);
    assertThat(Files.readAllBytes(b.index())).isEqualTo(bIndex);
  }

  @Test
  void withoutFullVerificationDamageInASealedSegmentSurfacesOnRead() throws IOException {
    write(Compression.NONE, 200);
    SegmentFiles middle = SegmentFiles.list(dir).get(1);
    int position = batchPositions(middle).get(3);
    flipByte(middle.log(), position + 70);

    LogConfig quick = LogConfig.builder(dir).segmentBytes(4096).verifyAllSegmentsOnOpen(false).build();
    try (LocalLog log = LocalLog.open(quick); LogCursor c = log.read(0)) {
      assertThatThrownBy(() -> c.forEachRemaining(r -> {}))
          .isInstanceOf(UncheckedIOException.class)
          .hasCauseInstanceOf(LogCorruptedException.class)
          .hasMessageContaining(middle.log() + " is corrupted at byte position " + position);
    }
  }

  @Test
  void theActiveSegmentIsZeroFilledAheadOfItsDataAndCutBackOnClose() throws IOException {
    LogConfig big = LogConfig.builder(dir).segmentBytes(64L << 20).build();
    SegmentFiles segment;
    try (LocalLog log = LocalLog.open(big)) {
      for (int i = 0; i < 10; i++) {
        log.append(key(i), value(i), List.of()).join();
      }
      segment = SegmentFiles.list(dir).get(0);
      long dataBytes = io.driftdb.log.segment.SegmentScanner.scan(segment, 0, -1, true).validBytes();
      assertThat(dataBytes).isPositive();
      // Preallocated: the file is longer than its batches, and the rest is zeros, which a scan
      // (recovery) reads as free space rather than damage.
      assertThat(Files.size(segment.log())).isEqualTo(io.driftdb.log.segment.ActiveSegment.PREALLOCATE_BYTES);
      byte[] bytes = Files.readAllBytes(segment.log());
      for (long p = dataBytes; p < bytes.length; p++) {
        assertThat(bytes[(int) p]).as("byte %d", p).isZero();
      }
      assertThat(io.driftdb.log.segment.SegmentScanner.scan(segment, 0, -1, true).damage()).isEmpty();
    }
    var scan = io.driftdb.log.segment.SegmentScanner.scan(segment, 0, -1, true);
    assertThat(scan.damage()).isEmpty();
    assertThat(scan.fileBytes()).as("closed: exactly the batches").isEqualTo(scan.validBytes());
    assertThat(scan.nextOffset()).isEqualTo(10);
  }

  @Test
  void sealedSegmentsHoldExactlyTheirBatches() throws IOException {
    write(Compression.NONE, 200);
    List<SegmentFiles> segments = SegmentFiles.list(dir);
    assertThat(segments).hasSizeGreaterThan(3);
    for (SegmentFiles s : segments) {
      var scan = io.driftdb.log.segment.SegmentScanner.scan(s, s.baseOffset(), -1, true);
      assertThat(scan.damage()).isEmpty();
      assertThat(scan.fileBytes()).as("%s", s.log()).isEqualTo(scan.validBytes()).isLessThanOrEqualTo(4096);
    }
  }

  @Test
  void preallocatedZerosLeftByAKillAreTrimmedOnOpenAndNothingIsLost() throws IOException {
    write(Compression.NONE, 30);
    SegmentFiles last = lastSegment();
    // What a SIGKILL leaves: the batches, then the zeros the writer had preallocated.
    try (FileChannel ch = FileChannel.open(last.log(), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.allocate(1 << 20));
    }
    ListAppender<ILoggingEvent> logged = captureLogs();
    Logger loader = (Logger) LoggerFactory.getLogger(LogLoader.class);
    loader.setLevel(ch.qos.logback.classic.Level.INFO); // the trim is routine: logged at INFO
    try (LocalLog log = LocalLog.open(config(Compression.NONE))) {
      assertRecordsIntact(log, 30);
      assertThat(log.append(key(30), value(30), List.of()).join().seq()).isEqualTo(30);
      assertRecordsIntact(log, 31);
    } finally {
      loader.setLevel(null);
      stopCapture(logged);
    }
    assertThat(logged.list).noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains("torn tail"));
    assertThat(logged.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
        .contains("Trimmed " + (1 << 20) + " preallocated bytes (zeros) after the last batch of " + last.log().getFileName()));
    for (SegmentFiles f : SegmentFiles.list(dir)) {
      var scan = io.driftdb.log.segment.SegmentScanner.scan(f, f.baseOffset(), -1, true);
      assertThat(scan.fileBytes()).isEqualTo(scan.validBytes());
    }
    try (LocalLog log = LocalLog.open(config(Compression.NONE))) {
      assertRecordsIntact(log, 31);
    }
  }

  @Test
  void aHalfWrittenBatchInPreallocatedSpaceIsATornTail() throws IOException {
    write(Compression.NONE, 40);
    SegmentFiles last = lastSegment();
    List<Integer> positions = batchPositions(last);
    int lastBatch = positions.get(positions.size() - 1);
    long size = Files.size(last.log());
    // Power loss: the first half of the last batch reached the disk, the rest of the
    // preallocated block did not (zeros).
    try (FileChannel ch = FileChannel.open(last.log(), StandardOpenOption.WRITE)) {
      long half = lastBatch + (size - lastBatch) / 2;
      ch.write(ByteBuffer.allocate((int) (size - half) + 8192), half);
    }
    ListAppender<ILoggingEvent> logged = captureLogs();
    try (LocalLog log = LocalLog.open(config(Compression.NONE))) {
      assertRecordsIntact(log, 39);
    } finally {
      stopCapture(logged);
    }
    assertThat(logged.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
        .contains("Truncated the torn tail of " + last.log()));
    assertThat(Files.size(last.log())).isEqualTo(lastBatch);
  }

  private static ListAppender<ILoggingEvent> captureLogs() {
    Logger logger = (Logger) LoggerFactory.getLogger(LogLoader.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    return appender;
  }

  private static void stopCapture(ListAppender<ILoggingEvent> appender) {
    ((Logger) LoggerFactory.getLogger(LogLoader.class)).detachAppender(appender);
  }
}
