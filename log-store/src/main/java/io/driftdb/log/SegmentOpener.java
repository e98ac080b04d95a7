package io.driftdb.log;

import io.driftdb.log.segment.SegmentBatchReader;
import io.driftdb.log.segment.SegmentView;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.io.InterruptedIOException;
import java.util.function.Function;

/**
 * Opens a reader on the segment a view names. Readers open segment files by name, and a merge
 * swaps files under those names (see {@link LogCompactor}): it publishes a view without a file
 * before it deletes or replaces that file. So a reader that opened a file and then still sees
 * the epoch of the view it chose from holds the right file; otherwise (or if the file is
 * already gone) it tries again with the newer view. An open channel keeps reading its file
 * after the name moves on, so readers that hold one are never disturbed.
 */
final class SegmentOpener {
  /** Swaps are rare and quick; a reader losing this many races in a row means something is wrong. */
  private static final int MAX_ATTEMPTS = 1000;
  /** A rename of a swap file is followed by its view within microseconds; this is a bound, not a pace. */
  private static final long SWAP_WAIT_MS = 30_000;

  /** A reader on {@code segment}, valid for the offsets {@code view} promises. */
  record Opened(LogView view, SegmentView segment, SegmentBatchReader reader) {}

  private SegmentOpener() {}

  /**
   * {@code choose} picks the segment of a view (called once per attempt); when it picks none
   * the result has a null segment and reader.
   */
  static Opened open(LogViewHolder views, Function<LogView, SegmentView> choose) throws IOException {
    for (int attempt = 1; ; attempt++) {
      LogView v = views.get();
      SegmentView segment = choose.apply(v);
      if (segment == null) {
        return new Opened(v, null, null);
      }
      SegmentBatchReader reader;
      try {
        reader = new SegmentBatchReader(segment);
      } catch (NoSuchFileException e) {
        if (attempt >= MAX_ATTEMPTS || !awaitSwap(views, v.epoch())) {
          throw e;
        }
        continue;
      }
      if (views.get().epoch() == v.epoch()) {
        return new Opened(v, segment, reader);
      }
      reader.close();
      if (attempt >= MAX_ATTEMPTS) {
        throw new IOException("the segments of " + segment.files().directory() + " kept being swapped while a reader "
            + "tried to open " + segment.files().log());
      }
    }
  }

  /** Whether a newer view may name the missing file's replacement (waiting while a merge installs one). */
  private static boolean awaitSwap(LogViewHolder views, long epoch) throws InterruptedIOException {
    try {
      return views.awaitSwapAfter(epoch, SWAP_WAIT_MS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while a log segment was being swapped");
    }
  }
}
