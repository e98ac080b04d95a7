package io.driftdb.log.segment;

import io.driftdb.log.LogCorruptedException;
import io.driftdb.log.format.BatchFormatException;
import io.driftdb.log.format.BatchHeader;
import io.driftdb.log.format.DecodedBatch;
import io.driftdb.log.format.RecordBatchReader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Reads batches of one segment through its own file channel (a reader thread being
 * interrupted then closes only this channel, never the writer's). Every batch read is
 * CRC-checked; damage surfaces as {@link LogCorruptedException}.
 */
public final class SegmentBatchReader implements Closeable {
  private static final int WINDOW_BYTES = 256 * 1024;

  private final SegmentFiles files;
  private final FileChannel channel;
  private final WindowedFileReader in;

  public SegmentBatchReader(SegmentView segment) throws IOException {
    this.files = segment.files();
    this.channel = FileChannel.open(files.log(), StandardOpenOption.READ);
    this.in = new WindowedFileReader(channel, segment.sizeBytes(), WINDOW_BYTES);
  }

  public SegmentFiles files() {
    return files;
  }

  /** Reads may now go up to the newer view's size (only ever grows). */
  public void refresh(SegmentView segment) {
    in.extendLimit(segment.sizeBytes());
  }

  /**
   * Byte position of the batch that holds {@code offset}: from the offset index, then forward
   * over batch headers. Empty if the offset is not below the segment's readable end.
   */
  public Optional<Long> positionOf(SegmentView segment, long offset) throws IOException {
    refresh(segment);
    if (!segment.contains(offset)) {
      return Optional.empty();
    }
    long pos = segment.offsetIndex().scanStartFor(offset);
    while (pos < in.limit()) {
      BatchHeader h = headerAt(pos);
      if (h.lastOffset() >= offset) {
        if (h.baseOffset() > offset) {
          throw corrupted(pos, offset, "offset " + offset + " falls between batches (next starts at "
              + h.baseOffset() + ")");
        }
        return Optional.of(pos);
      }
      pos += h.sizeInBytes();
    }
    throw corrupted(pos, offset, "offset " + offset + " not found although the segment should hold it");
  }

  /** The header at {@code pos}, structure-checked (not CRC-checked). */
  public BatchHeader headerAt(long pos) throws IOException {
    long available = in.limit() - pos;
    if (available < BatchHeader.SIZE) {
      throw corrupted(pos, -1, "no complete batch header at position " + pos);
    }
    BatchHeader h = BatchHeader.read(in.buffer(), in.at(pos, BatchHeader.SIZE));
    Optional<String> problem = h.structuralProblem(available);
    if (problem.isPresent()) {
      throw corrupted(pos, h.baseOffset(), problem.get());
    }
    return h;
  }

  /** Reads, verifies and decodes the batch at {@code pos}. */
  public DecodedBatch batchAt(long pos) throws IOException {
    BatchHeader h = headerAt(pos);
    int size = (int) h.sizeInBytes();
    int at = in.at(pos, size);
    ByteBuffer batch = in.buffer().duplicate();
    batch.limit(at + size).position(at);
    try {
      return RecordBatchReader.decode(batch);
    } catch (BatchFormatException e) {
      throw corrupted(pos, h.baseOffset(), e.getMessage());
    }
  }

  private LogCorruptedException corrupted(long pos, long offset, String problem) {
    return new LogCorruptedException(files.log(), pos, offset,
        files.log() + " is corrupted at byte position " + pos
            + (offset >= 0 ? " (offset " + offset + ")" : "") + ": " + problem);
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // read-only channel: nothing was pending
    }
  }
}
