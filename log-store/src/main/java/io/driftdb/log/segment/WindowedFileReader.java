package io.driftdb.log.segment;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Positional reads of a file through a reusable heap window, so walking many small batches
 * costs few system calls. Never reads at or beyond {@code readLimit}: bytes past it may belong
 * to a batch still being written, and a cached half-written batch must never be served later.
 */
public final class WindowedFileReader {
  private final FileChannel channel;
  private ByteBuffer window;
  private long windowStart;
  private int windowLength;
  private long readLimit;

  public WindowedFileReader(FileChannel channel, long readLimit, int windowBytes) {
    this.channel = channel;
    this.window = ByteBuffer.allocate(windowBytes);
    this.readLimit = readLimit;
  }

  /** Raises the limit (the durable end of an active segment moves forward). */
  public void extendLimit(long newLimit) {
    if (newLimit > readLimit) {
      readLimit = newLimit;
    }
  }

  public long limit() {
    return readLimit;
  }

  /** The window; use absolute gets at the index {@link #at} returned. */
  public ByteBuffer buffer() {
    return window;
  }

  /**
   * Makes bytes {@code [pos, pos + len)} available in {@link #buffer()} and returns the index
   * of {@code pos} in it. The range must lie below the read limit.
   */
  public int at(long pos, int len) throws IOException {
    if (pos < 0 || len < 0 || pos + len > readLimit) {
      throw new IllegalArgumentException(
          "range [" + pos + ", " + (pos + len) + ") is outside the readable " + readLimit + " bytes");
    }
    if (pos >= windowStart && pos + len <= windowStart + windowLength) {
      return (int) (pos - windowStart);
    }
    if (len > window.capacity()) {
      window = ByteBuffer.allocate(len);
    }
    int want = (int) Math.min(window.capacity(), readLimit - pos);
    window.clear().limit(want);
    while (window.hasRemaining()) {
      int n = channel.read(window, pos + window.position());
      if (n < 0) {
        break;
      }
    }
    windowStart = pos;
    windowLength = window.position();
    window.clear();
    if (windowLength < len) {
      long end = pos + windowLength;
      windowLength = 0;
      throw new EOFException("file ended at " + end + " while reading [" + pos + ", " + (pos + len) + ")");
    }
    return 0;
  }

  /** Adds bytes {@code [from, to)} to {@code crc}, streaming through the window. */
  public void updateCrc(CRC32C crc, long from, long to) throws IOException {
    long p = from;
    while (p < to) {
      int n = (int) Math.min(window.capacity(), to - p);
      int idx = at(p, n);
      crc.update(window.duplicate().limit(idx + n).position(idx));
      p += n;
    }
  }
}
