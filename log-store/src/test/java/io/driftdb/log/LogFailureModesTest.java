package io.driftdb.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdb.log.segment.SegmentFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the log fails, and that it says so: I/O errors during a roll or a close, a damaged merge
 * file, a lost first segment, zeros where a sealed segment had batches.
 */
class LogFailureModesTest {
  @TempDir Path dir;

  private static byte[] key(long i) {
    return ("key-" + i).getBytes(UTF_8);
  }

  private static byte[] value(long i) {
    return ("value-" + i + "-" + "x".repeat((int) (i % 97))).getBytes(UTF_8);
  }

  private LogConfig config(long segmentBytes) {
    return LogConfig.builder(dir).segmentBytes(segmentBytes).build();
  }

  private void write(LocalLog log, long from, long to) {
    for (long i = from; i < to; i++) {
      assertThat(log.append(key(i), value(i), List.of()).join().seq()).isEqualTo(i);
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

  private static void flipByte(Path file, long position) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, position);
      b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
      ch.write(b, position);
    }
  }

  /**
   * A requested roll whose I/O fails (here: the next segment's file cannot be created) fails the
   * log, as it should, but the caller of rollActiveSegment() was never told: the writer had
   * already taken its future off the queue, and failLog only fails futures still queued.
   */
  @Test
  void aRollThatFailsFailsTheCallerInsteadOfHangingForever() throws Exception {
    try (LocalLog log = LocalLog.open(config(64 * 1024))) {
      write(log, 0, 5);
      // Whatever makes the roll's I/O fail (disk full, EIO on fsync, a stray file): the roll
      // creates 00000000000000000005.log with CREATE_NEW.
      Files.createFile(new SegmentFiles(dir, 5).log());
      CompletableFuture<Void> roll = CompletableFuture.runAsync(() -> {
        try {
          log.rollActiveSegment();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      Throwable outcome;
      try {
        roll.get(20, TimeUnit.SECONDS);
        outcome = null;
      } catch (ExecutionException e) {
        outcome = e.getCause();
      } catch (TimeoutException e) {
        outcome = e;
      }
      assertThat(outcome).as("rollActiveSegment() must end with the failure, not hang")
          .isNotInstanceOf(TimeoutException.class)
          .isNotNull();
      assertThat(log.isWritable()).isFalse();
      assertThat(log.append(key(5), value(5), List.of())).isCompletedExceptionally();
    }
  }

  /**
   * A committed merge whose .log.swap is damaged stops the open with "run driftdb repair", but
   * repair itself begins with the same SegmentSwap.recover and throws the same error: the
   * operator is sent in a circle and the log can never be opened again. Here the merge stopped
   * right after its commit point, so every replaced segment is still there and nothing at all
   * needs to be lost: repair can drop the damaged swap (roll the merge back).
   */
  @Test
  void repairRecoversFromADamagedSwapFileInsteadOfRefusingLikeTheOpen() throws Exception {
    try (LocalLog log = LocalLog.open(config(2048))) {
      write(log, 0, 60);
    }
    Path swap;
    try (LocalLog log = LocalLog.open(config(16 * 1024))) {
      CompactionHook stopAtCommit = (step, file) -> {
        if (step == CompactionHook.Step.SWAP_COMMITTED) {
          throw new IOException("crash (injected) at " + file);
        }
      };
      assertThatThrownBy(() -> log.compact(RecordRewriter.NONE, stopAtCommit)).hasMessageContaining("injected");
    }
    List<SegmentFiles> swaps = SegmentFiles.listVariant(dir, SegmentFiles.SWAP);
    assertThat(swaps).hasSize(1);
    swap = swaps.get(0).log();
    flipByte(swap, Files.size(swap) / 2); // media damage inside the merged file

    assertThatThrownBy(() -> LocalLog.open(config(16 * 1024)))
        .isInstanceOf(LogCorruptedException.class)
        .hasMessageContaining("driftdb repair --data " + dir);

    // What the message tells the operator to do must work.
    RepairReport report = LogRepair.repair(dir);
    assertThat(report.deletedFiles()).contains(swap);
    try (LocalLog log = LocalLog.open(config(16 * 1024))) {
      assertRecordsIntact(log, 60); // the old segments were all still there: nothing lost
    }
  }

  /**
   * The same, when the merge had already deleted replaced segments: the damaged swap is the
   * only copy of its offsets. Repair must still end with a log that opens, dense from SEQ 0,
   * holding every record before the damage.
   */
  @Test
  void repairCutsADamagedSwapWhoseReplacedSegmentsAreAlreadyGone() throws Exception {
    try (LocalLog log = LocalLog.open(config(2048))) {
      write(log, 0, 60);
    }
    try (LocalLog log = LocalLog.open(LogConfig.builder(dir).segmentBytes(16 * 1024).maxBatchBytes(1024).build())) {
      CompactionHook stopAfterFirstDelete = (step, file) -> {
        if (step == CompactionHook.Step.OLD_FILE_DELETED && file.toString().endsWith(".log")) {
          throw new IOException("crash (injected) at " + file);
        }
      };
      assertThatThrownBy(() -> log.compact(RecordRewriter.NONE, stopAfterFirstDelete))
          .hasMessageContaining("injected");
    }
    Path swap = SegmentFiles.listVariant(dir, SegmentFiles.SWAP).get(0).log();
    flipByte(swap, Files.size(swap) - 10); // damage in the swap's last batch
    assertThatThrownBy(() -> LocalLog.open(config(16 * 1024))).isInstanceOf(LogCorruptedException.class);

    RepairReport report = LogRepair.repair(dir);
    assertThat(report.truncation()).isPresent();
    long kept = report.headSeq() + 1;
    assertThat(kept).isPositive().isLessThan(60);
    try (LocalLog log = LocalLog.open(config(16 * 1024))) {
      assertRecordsIntact(log, kept);
      assertThat(log.append(key(kept), value(kept), List.of()).join().seq()).isEqualTo(kept);
    }
  }

  /** Byte positions of the batches of a sealed segment, from its offset index. */
  private static List<Integer> batchPositions(SegmentFiles s) throws IOException {
    ByteBuffer idx = ByteBuffer.wrap(Files.readAllBytes(s.index()));
    List<Integer> out = new java.util.ArrayList<>();
    while (idx.hasRemaining()) {
      idx.getInt();
      out.add(idx.getInt());
    }
    return out;
  }

  /**
   * Zeros at the end of a SEALED segment are not preallocated space (a segment is cut back to
   * its batches and fsynced before the next one is created): there they replace batches. The
   * open treats them as preallocation anyway: it truncates the sealed segment (although the
   * error it then raises says "No log data was changed") and blames the next segment as
   * "missing or misnamed" instead of naming the damaged file and position.
   */
  @Test
  void zerosReplacingTheLastBatchesOfASealedSegmentAreDamageAndNothingIsChanged() throws Exception {
    try (LocalLog log = LocalLog.open(config(4096))) {
      write(log, 0, 200);
    }
    List<SegmentFiles> segments = SegmentFiles.list(dir);
    assertThat(segments).hasSizeGreaterThan(3);
    SegmentFiles middle = segments.get(1);
    List<Integer> positions = batchPositions(middle);
    int lastBatch = positions.get(positions.size() - 1);
    long size = Files.size(middle.log());
    try (FileChannel ch = FileChannel.open(middle.log(), StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate((int) (size - lastBatch)), lastBatch); // a lost write: zeros
    }
    byte[] before = Files.readAllBytes(middle.log());

    assertThatThrownBy(() -> LocalLog.open(config(4096)))
        .isInstanceOfSatisfying(LogCorruptedException.class, e -> {
          assertThat(e.file()).isEqualTo(middle.log());
          assertThat(e.position()).isEqualTo(lastBatch);
        })
        .hasMessageContaining("No log data was changed");
    assertThat(Files.readAllBytes(middle.log())).as("a refused open changes nothing").isEqualTo(before);
  }

  /**
   * The log never drops segments from its front (README: startSeq() is 0), and a missing middle
   * segment stops the open. A missing FIRST segment did not: the log opened with startSeq() > 0,
   * cursors from SEQ 0 silently started later, and repair reported "no damage found".
   */
  @Test
  void aMissingFirstSegmentStopsTheOpenLikeAMissingMiddleOne() throws Exception {
    try (LocalLog log = LocalLog.open(config(4096))) {
      write(log, 0, 200);
    }
    List<SegmentFiles> segments = SegmentFiles.list(dir);
    SegmentFiles first = segments.get(0);
    Files.delete(first.log());
    Files.delete(first.index());
    Files.delete(first.timeIndex());

    assertThatThrownBy(() -> LocalLog.open(config(4096)))
        .isInstanceOf(LogCorruptedException.class)
        .hasMessageContaining(segments.get(1).log() + " starts at offset " + segments.get(1).baseOffset());
    assertThat(LogRepair.inspect(dir).truncation()).as("repair sees the loss too").isPresent();
    assertThat(LogRepair.inspect(dir).truncation().get().firstDroppedSeq()).isZero();
  }

  /**
   * Under interval:/none the close's fsync is the one that makes the last acknowledged appends
   * durable, yet an I/O error in the close sequence (GroupCommitWriter.run after the loop: trim,
   * force, index files) only went to failLog: close() returned normally and the caller (server
   * shutdown) took the data for durable. A failed fsync cannot be provoked from a test, so this
   * fails the next step of the same sequence (the active segment's index file cannot be written).
   */
  @Test
  void anIoErrorWhileClosingIsReportedByClose() throws Exception {
    LocalLog log = LocalLog.open(LogConfig.builder(dir).fsyncPolicy("interval:60000").build());
    write(log, 0, 3); // acknowledged, not fsynced yet: close must do it
    SegmentFiles active = SegmentFiles.list(dir).get(0);
    Files.deleteIfExists(active.index());
    Files.createDirectory(active.index());
    assertThatThrownBy(log::close).isInstanceOf(LogFailedException.class);
    Files.delete(active.index());
    try (LocalLog reopened = LocalLog.open(dir)) { // the lock was released all the same
      assertRecordsIntact(reopened, 3);
    }
  }

  /**
   * A group commit whose fsync fails: its bytes are cut off the active segment, so a restart
   * (here without a reboot: the page cache still holds them) finds exactly the acknowledged
   * records, and appends made after it continue densely from there. Left in place, the failed
   * record read back as committed, and appends then followed bytes the kernel may have dropped.
   */
  @Test
  void aFailedFsyncCutsItsGroupOffSoARestartFindsOnlyAcknowledgedRecords() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean failSync = new java.util.concurrent.atomic.AtomicBoolean();
    LogConfig failing = LogConfig.builder(dir).syncFault(() -> {
      if (failSync.get()) {
        throw new IOException("injected fsync failure");
      }
    }).build();
    LocalLog log = LocalLog.open(failing);
    write(log, 0, 5);
    failSync.set(true);
    assertThatThrownBy(() -> log.append(key(5), value(5), List.of()).join())
        .hasCauseInstanceOf(LogFailedException.class);
    assertThat(log.isWritable()).isFalse();
    log.close();

    try (LocalLog reopened = LocalLog.open(config(LogConfig.DEFAULT_SEGMENT_BYTES))) {
      assertRecordsIntact(reopened, 5);
      write(reopened, 5, 8);
      assertRecordsIntact(reopened, 8);
    }
  }
}
