package io.driftdb.log;

import io.driftdb.log.format.DecodedBatch;
import io.driftdb.log.format.RecordBatchWriter;
import io.driftdb.log.segment.SegmentBatchReader;
import io.driftdb.log.segment.SegmentView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link EventLog} on a local directory: Kafka-format segments ({@code %020d.log} with
 * {@code .index} and {@code .timeindex}), group commit on one writer thread, recovery on open,
 * and an exclusive lock so only one process writes a directory.
 *
 * <p>Append futures complete on the writer thread right after their fsync, a group's newest
 * first (so that every continuation of the group runs before one that does more work): attach
 * slow or blocking continuations with the {@code *Async} variants, and never wait for another
 * append inside one (that would stall the writer).
 */
public final class LocalLog implements EventLog {
  private static final Logger LOG = LoggerFactory.getLogger(LocalLog.class);

  private final LogConfig config;
  private final DirectoryLock lock;
  private final AppendQueue queue;
  private final LogViewHolder views;
  private final Thread writerThread;
  private final GroupCommitWriter writer;
  private final LogCompactor compactor;
  /** Held by a compaction and by close, so the directory lock is never released under a merge. */
  private final ReentrantLock maintenance = new ReentrantLock();
  private volatile boolean closed;

  private LocalLog(LogConfig config, DirectoryLock lock, LogLoader.Loaded loaded) {
    this.config = config;
    this.lock = lock;
    this.views = new LogViewHolder(loaded.sealed(), loaded.active().view());
    LogView initial = views.get();
    this.queue = new AppendQueue(config.directory(), config.clock(), config.appendWaitSpinNanos(),
        initial.headSeq() + 1, loaded.lastTimestamp());
    this.writer = new GroupCommitWriter(config, queue, views, loaded.active());
    this.writerThread = new Thread(writer, "driftdb-log-writer-" + config.directory().getFileName());
    this.writerThread.setDaemon(true);
    this.compactor = new LogCompactor(config, views);
  }

  /** Opens (creating if needed) the log in {@code directory} with default settings. */
  public static LocalLog open(Path directory) throws IOException {
    return open(LogConfig.builder(directory).build());
  }

  /**
   * Opens the log: takes the directory lock, validates the segments (truncating a torn tail of
   * the last one), rebuilds indexes that do not match, and starts the writer thread.
   *
   * @throws LogDirectoryLockedException if another process (or this one) has it open
   * @throws LogCorruptedException if data is damaged where a crash cannot explain it
   */
  public static LocalLog open(LogConfig config) throws IOException {
    Files.createDirectories(config.directory());
    long start = System.nanoTime();
    DirectoryLock lock = DirectoryLock.acquire(config.directory());
    try {
      LogLoader.Loaded loaded = LogLoader.load(config);
      LocalLog log = new LocalLog(config, lock, loaded);
      log.writerThread.start();
      LogView v = log.views.get();
      LOG.info("Opened log {}: {} segment(s), {}, in {} ms", config.directory(), v.segmentCount(),
          v.isEmpty() ? "no records" : "SEQ " + v.startSeq() + ".." + v.headSeq(), (System.nanoTime() - start) / 1_000_000);
      return log;
    } catch (IOException | RuntimeException | Error e) {
      lock.close();
      throw e;
    }
  }

  public LogConfig config() {
    return config;
  }

  public Path directory() {
    return config.directory();
  }

  /**
   * {@inheritDoc}
   *
   * <p>The arrays are not copied: do not modify them after the call. A record larger than
   * {@link LogConfig#maxRecordBytes()} is refused with {@link IllegalArgumentException} before
   * it is sequenced.
   */
  @Override
  public CompletableFuture<Appended> append(byte[] key, byte[] value, List<RecordHeader> headers) {
    List<RecordHeader> hs = headers == null ? List.of() : List.copyOf(headers);
    for (RecordHeader h : hs) {
      if (h.key() == null) {
        throw new IllegalArgumentException("record header keys must not be null");
      }
    }
    long bound = RecordBatchWriter.maxEncodedSize(key, value, hs);
    if (bound > config.maxRecordBytes()) {
      throw new IllegalArgumentException("record of up to " + bound + " encoded bytes exceeds the limit of "
          + config.maxRecordBytes() + " bytes");
    }
    return queue.enqueue(key, value, hs, bound);
  }

  @Override
  public long headSeq() {
    return views.get().headSeq();
  }

  @Override
  public long startSeq() {
    return views.get().startSeq();
  }

  @Override
  public LogCursor read(long fromSeq) {
    return new LocalLogCursor(views, fromSeq);
  }

  @Override
  public OptionalLong seqAtOrBefore(long timestampMs) {
    // Timestamps never decrease with SEQ, so the answer sits just before the first record
    // that is later than timestampMs. First find its segment, then its batch (time index).
    try {
      SegmentOpener.Opened o = SegmentOpener.open(views, v -> firstSegmentAfter(v, timestampMs));
      LogView view = o.view();
      SegmentView segment = o.segment();
      if (segment == null) {
        return view.isEmpty() ? OptionalLong.empty() : OptionalLong.of(view.headSeq());
      }
      try (SegmentBatchReader reader = o.reader()) {
        int entry = segment.timeIndex().firstAfter(timestampMs);
        long offsetInLaterBatch = segment.timeIndex().offset(entry);
        DecodedBatch batch = reader.batchAt(reader.positionOf(segment, offsetInLaterBatch).orElseThrow());
        long answer = batch.header().baseOffset() - 1;
        for (LogRecord r : batch.records()) {
          if (r.timestampMs() > timestampMs) {
            break;
          }
          answer = r.seq();
        }
        return answer >= view.startSeq() ? OptionalLong.of(answer) : OptionalLong.empty();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first segment holding a record later than {@code timestampMs}, or null. */
  private static SegmentView firstSegmentAfter(LogView view, long timestampMs) {
    for (SegmentView s : view.nonEmptySegments()) {
      if (s.maxTimestamp() > timestampMs) {
        return s;
      }
    }
    return null;
  }

  /**
   * {@inheritDoc}
   *
   * @throws NoSuchElementException if {@code seq} is not between {@link #startSeq()} and
   *     {@link #headSeq()}
   */
  @Override
  public long timestampOf(long seq) {
    LogView view = views.get();
    if (seq < view.startSeq() || seq > view.headSeq()) {
      throw new NoSuchElementException("SEQ " + seq + " is not in the log (it holds SEQ " + view.startSeq() + ".."
          + view.headSeq() + ")");
    }
    try {
      SegmentOpener.Opened o = SegmentOpener.open(views, v -> v.segmentFor(seq));
      try (SegmentBatchReader reader = o.reader()) {
        DecodedBatch batch = reader.batchAt(reader.positionOf(o.segment(), seq).orElseThrow());
        return batch.records().get((int) (seq - batch.header().baseOffset())).timestampMs();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean isWritable() {
    return queue.isOpen();
  }

  /**
   * Blocks until a record with SEQ greater than {@code seq} is readable, the timeout passes,
   * or the log closes or fails. Returns the head SEQ at that moment (compare it with
   * {@code seq} to tell which). For tailing readers such as the materializer.
   */
  public long awaitBeyond(long seq, long timeoutMs) throws InterruptedException {
    return views.awaitBeyond(seq, timeoutMs);
  }

  /**
   * Seals the active segment (when it holds any record) after everything appended so far, so
   * that a following {@link #compact} can rewrite it too; appends go to a new segment. Waits
   * until the writer did it.
   */
  public void rollActiveSegment() throws IOException {
    try {
      queue.requestRoll().join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("could not roll the active segment of " + config.directory() + ": " + e.getCause(),
          e.getCause());
    }
  }

  /**
   * Merges and recompresses the sealed segments (never the active one) while appends and
   * readers go on: adjacent segments are packed into segments of up to
   * {@link LogConfig#segmentBytes()}, batches are rewritten as zstd batches of up to
   * {@link LogConfig#maxBatchBytes()}, and every record keeps its SEQ, timestamp, key and
   * headers; {@code rewriter} may change values. Each merged segment replaces the old ones
   * atomically: a crash at any moment leaves the old segments or the new one, and the next open
   * completes or discards an interrupted merge. Open cursors keep reading. Runs on the calling
   * thread; concurrent calls wait for each other.
   */
  public CompactionReport compact(RecordRewriter rewriter) throws IOException {
    return compact(rewriter, CompactionHook.NONE);
  }

  CompactionReport compact(RecordRewriter rewriter, CompactionHook hook) throws IOException {
    maintenance.lock();
    try {
      if (closed) {
        throw new IllegalStateException("log " + config.directory() + " is closed");
      }
      return compactor.compact(rewriter, hook);
    } finally {
      maintenance.unlock();
    }
  }

  /** Number of segment files, the active one included. */
  public int segmentCount() {
    return views.get().segmentCount();
  }

  /**
   * Stops accepting appends, writes and fsyncs everything already queued, completes their
   * futures, writes the active segment's indexes and releases the directory lock. Must not be
   * called from an append continuation or a {@link LogListener} callback (both run on the
   * writer thread).
   *
   * @throws LogFailedException if an I/O error failed the log while closing (its last writes,
   *     fsync or trim): under {@code interval:} and {@code none} acknowledged appends may then not
   *     be durable. The directory lock is released all the same.
   */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    if (Thread.currentThread() == writerThread) {
      throw new IllegalStateException("LocalLog.close() cannot run on the log's writer thread");
    }
    maintenance.lock(); // a running compaction finishes first
    closed = true;
    maintenance.unlock();
    boolean failedBefore = writer.failure() != null; // then the appenders were told already
    queue.close();
    boolean interrupted = false;
    while (writerThread.isAlive()) {
      try {
        writerThread.join();
      } catch (InterruptedException e) {
        interrupted = true; // finish closing: the lock must not be released under a live writer
      }
    }
    lock.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable failure = writer.failure();
    if (!failedBefore && failure != null) {
      // The final write, fsync (the only one since the last interval under interval:/none) or
      // trim failed: what was acknowledged may not be durable, and the caller must hear of it.
      throw new LogFailedException(config.directory(), failure);
    }
  }
}
