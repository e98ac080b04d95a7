package io.driftdb.log;

import io.driftdb.log.format.DecodedBatch;
import io.driftdb.log.segment.SegmentBatchReader;
import io.driftdb.log.segment.SegmentView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A cursor that follows the log: {@link #hasNext()} looks at the current view each time, so
 * after it returns false a later call sees records appended since (tail with
 * {@link LocalLog#awaitBeyond}). Reads one batch at a time; I/O and corruption errors surface
 * as {@link UncheckedIOException} (wrapping {@link LogCorruptedException} for bad data).
 */
final class LocalLogCursor implements LogCursor {
  private final LogViewHolder views;
  private long nextSeq;
  private SegmentBatchReader reader;
  /** Epoch of the view the reader's file was opened from (a merge may swap files later). */
  private long readerEpoch;
  private long nextBatchPosition;
  private List<LogRecord> batch = List.of();
  private int indexInBatch;
  private boolean closed;

  LocalLogCursor(LogViewHolder views, long fromSeq) {
    if (fromSeq < 0) {
      throw new IllegalArgumentException("SEQ must not be negative, got " + fromSeq);
    }
    this.views = views;
    this.nextSeq = fromSeq;
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      return false;
    }
    if (indexInBatch < batch.size()) {
      return true;
    }
    LogView view = views.get();
    nextSeq = Math.max(nextSeq, view.startSeq());
    if (nextSeq > view.headSeq()) {
      return false;
    }
    try {
      loadBatchHolding(view);
      return indexInBatch < batch.size();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void loadBatchHolding(LogView view) throws IOException {
    SegmentView segment = view.segmentFor(nextSeq);
    if (reader != null && readerEpoch == view.epoch() && reader.files().equals(segment.files())) {
      reader.refresh(segment); // continue right after the previous batch
    } else {
      closeReader();
      long seq = nextSeq;
      SegmentOpener.Opened o = SegmentOpener.open(views, v -> v.segmentFor(seq));
      reader = o.reader();
      readerEpoch = o.view().epoch();
      segment = o.segment();
      nextBatchPosition = reader.positionOf(segment, nextSeq).orElseThrow();
    }
    DecodedBatch b = reader.batchAt(nextBatchPosition);
    if (nextSeq < b.header().baseOffset() || nextSeq > b.header().lastOffset()) {
      throw new LogCorruptedException(segment.files().log(), nextBatchPosition, nextSeq, segment.files().log()
          + " holds offsets " + b.header().baseOffset() + ".." + b.header().lastOffset() + " at byte position "
          + nextBatchPosition + " where offset " + nextSeq + " was expected");
    }
    nextBatchPosition += b.header().sizeInBytes();
    batch = b.records();
    indexInBatch = (int) (nextSeq - b.header().baseOffset());
  }

  @Override
  public LogRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no record at SEQ " + nextSeq + " yet");
    }
    LogRecord r = batch.get(indexInBatch++);
    nextSeq = r.seq() + 1;
    return r;
  }

  private void closeReader() {
    if (reader != null) {
      reader.close();
      reader = null;
    }
  }

  @Override
  public void close() {
    closed = true;
    batch = List.of();
    closeReader();
  }
}
