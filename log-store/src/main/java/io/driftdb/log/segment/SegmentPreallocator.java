package io.driftdb.log.segment;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zero-fills the next segment's file in the background, so that a roll renames a file that is
 * already zero-filled and durable instead of making the log's writer write those zeros itself,
 * 4 MiB at a time between two group commits (a measured quarter of the writer thread at
 * ~100 MB/s of 1 KiB records), and fsync them with the next group. PostgreSQL recycles WAL
 * files for the same reason. The spare file is named {@link #SPARE_NAME}, which no segment
 * pattern matches; a crash leaves at most that file, deleted on the next open. Used by the
 * writer thread only, apart from the one background thread that fills the spare.
 */
public final class SegmentPreallocator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentPreallocator.class);
  public static final String SPARE_NAME = "next-segment.prealloc";

  private final Path dir;
  private final Path spare;
  private final long bytes;
  /** The spare being filled or filled (its length), or null when none was asked for. */
  private CompletableFuture<Long> filling;
  private volatile boolean closed;
  private Thread thread;

  /** Deletes a spare a crash left behind (it may be only partly filled; a fill overwrites it anyway). */
  public SegmentPreallocator(Path dir, long segmentBytes) {
    this.dir = dir;
    this.spare = dir.resolve(SPARE_NAME);
    this.bytes = Math.min(segmentBytes, Integer.MAX_VALUE);
    deleteSpare();
  }

  private void deleteSpare() {
    try {
      Files.deleteIfExists(spare);
    } catch (IOException e) {
      LOG.warn("Could not delete {}: {}", spare, e.toString());
    }
  }

  /**
   * Starts filling a spare unless one is filled or being filled. The writer calls it once the
   * active segment is a quarter full: small logs (most tests, short-lived tools) never get one.
   */
  public void prepare() {
    if (filling != null || closed) {
      return;
    }
    CompletableFuture<Long> f = new CompletableFuture<>();
    filling = f;
    thread = new Thread(() -> fill(f), "driftdb-log-prealloc-" + dir.getFileName());
    thread.setDaemon(true);
    thread.setPriority(Thread.MIN_PRIORITY); // the writer's group commits come first
    thread.start();
  }

  private void fill(CompletableFuture<Long> f) {
    try (FileChannel ch = FileChannel.open(spare, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      long pos = 0;
      while (pos < bytes && !closed) { // in steps, so that close() need not wait for the whole file
        long end = Math.min(pos + ActiveSegment.PREALLOCATE_BYTES, bytes);
        ActiveSegment.writeZeros(ch, pos, end);
        pos = end;
      }
      ch.force(false);
      f.complete(pos);
    } catch (IOException | RuntimeException e) {
      f.completeExceptionally(e);
    }
  }

  /**
   * The filled spare as the new active segment {@code files} (renamed, its directory entry
   * durable), or empty when none is ready yet, which the writer does not wait for: it creates
   * the segment itself, as without a preallocator, and the spare serves the next roll.
   */
  public Optional<ActiveSegment> take(SegmentFiles files) throws IOException {
    CompletableFuture<Long> f = filling;
    if (f == null || !f.isDone() || closed) { // closed: close() deleted the spare
      return Optional.empty();
    }
    filling = null;
    long length;
    try {
      length = f.join();
    } catch (RuntimeException e) {
      LOG.warn("Could not preallocate the next segment in {} (creating it directly): {}", dir,
          e.getCause() == null ? e.toString() : e.getCause().toString());
      deleteSpare();
      return Optional.empty();
    }
    if (length < bytes) { // closed while filling
      deleteSpare();
      return Optional.empty();
    }
    if (Files.exists(files.log())) { // rename would replace it; creating the segment refuses too
      throw new java.nio.file.FileAlreadyExistsException(files.log().toString());
    }
    try {
      Files.move(spare, files.log(), StandardCopyOption.ATOMIC_MOVE);
    } catch (java.nio.file.NoSuchFileException e) { // deleted behind the log's back: not worth failing it
      LOG.warn("The preallocated next segment {} is gone (creating the segment directly)", spare);
      return Optional.empty();
    }
    return Optional.of(ActiveSegment.adopt(files, length));
  }

  /** Stops a fill under way and deletes the spare: a closed log holds only its segments. */
  @Override
  public void close() {
    closed = true;
    Thread t = thread;
    if (t != null) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    deleteSpare();
  }
}
