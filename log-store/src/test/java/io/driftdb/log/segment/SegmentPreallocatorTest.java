package io.driftdb.log.segment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentPreallocatorTest {
  @TempDir Path dir;

  private static Optional<ActiveSegment> takeWhenFilled(SegmentPreallocator p, SegmentFiles files) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      Optional<ActiveSegment> s = p.take(files);
      if (s.isPresent()) {
        return s;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("the spare was not filled within 30 s");
  }

  @Test
  void theFilledSpareBecomesTheNextSegmentAndItsZerosAreTrimmed() throws Exception {
    long bytes = 3 << 20;
    try (SegmentPreallocator p = new SegmentPreallocator(dir, bytes)) {
      SegmentFiles files = new SegmentFiles(dir, 42);
      assertThat(p.take(files)).isEmpty(); // nothing asked for: the writer creates the segment itself
      p.prepare();
      ActiveSegment s = takeWhenFilled(p, files).orElseThrow();
      assertThat(Files.exists(dir.resolve(SegmentPreallocator.SPARE_NAME))).isFalse();
      assertThat(Files.size(files.log())).isEqualTo(bytes);
      assertThat(s.size()).isZero();
      assertThat(s.nextOffset()).isEqualTo(42);
      assertThat(p.take(new SegmentFiles(dir, 43))).isEmpty(); // used up until prepared again

      assertThat(s.trimPreallocated()).isTrue();
      s.force();
      assertThat(Files.size(files.log())).isZero();
      s.closeQuietly();
    }
  }

  @Test
  void aSpareIsNeverRenamedOverAnExistingSegment() throws Exception {
    try (SegmentPreallocator p = new SegmentPreallocator(dir, 64 * 1024)) {
      SegmentFiles files = new SegmentFiles(dir, 0);
      Files.write(files.log(), new byte[] {7});
      p.prepare();
      long deadline = System.nanoTime() + 30_000_000_000L;
      Throwable thrown = null;
      while (thrown == null && System.nanoTime() < deadline) {
        try {
          assertThat(p.take(files)).isEmpty();
          Thread.sleep(5);
        } catch (FileAlreadyExistsException e) {
          thrown = e;
        }
      }
      assertThat(thrown).isInstanceOf(FileAlreadyExistsException.class);
      assertThat(Files.readAllBytes(files.log())).containsExactly(7);
    }
  }

  @Test
  void aSpareDeletedBehindItsBackIsNotAnError() throws Exception {
    long bytes = 64 * 1024;
    Path spare = dir.resolve(SegmentPreallocator.SPARE_NAME);
    try (SegmentPreallocator p = new SegmentPreallocator(dir, bytes)) {
      p.prepare();
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!(Files.exists(spare) && Files.size(spare) == bytes) && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      Thread.sleep(500); // its fdatasync
      Files.delete(spare);
      SegmentFiles files = new SegmentFiles(dir, 0);
      assertThat(p.take(files)).isEmpty(); // the writer then creates the segment itself
      assertThat(Files.exists(files.log())).isFalse();
    }
  }

  @Test
  void aSpareLeftByACrashIsDeletedAndAClosedPreallocatorFillsNothing() throws Exception {
    Path spare = dir.resolve(SegmentPreallocator.SPARE_NAME);
    Files.write(spare, new byte[] {9, 9, 9});
    SegmentPreallocator p = new SegmentPreallocator(dir, 1 << 20);
    assertThat(Files.exists(spare)).isFalse();
    p.prepare();
    p.close();
    assertThat(Files.exists(spare)).isFalse();
    p.prepare();
    Thread.sleep(50);
    assertThat(Files.exists(spare)).isFalse();
    assertThat(p.take(new SegmentFiles(dir, 0))).isEmpty();
  }
}
