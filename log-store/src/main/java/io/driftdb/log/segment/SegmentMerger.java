package io.driftdb.log.segment;

import com.github.luben.zstd.Zstd;
import io.driftdb.log.Compression;
import io.driftdb.log.LogCorruptedException;
import io.driftdb.log.LogRecord;
import io.driftdb.log.RecordRewriter;
import io.driftdb.log.format.BatchHeader;
import io.driftdb.log.format.DecodedBatch;
import io.driftdb.log.format.GrowableByteArray;
import io.driftdb.log.format.RecordBatchWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes adjacent sealed segments as one new segment file: every record with its SEQ,
 * timestamp, key and headers, its value as the rewriter decides, repacked into zstd batches of
 * up to {@code maxBatchBytes} uncompressed bytes (bigger batches compress better than the
 * small ones group commit writes). The file is fsynced and then scanned back like recovery
 * would, so only a verified file is ever swapped in. The inputs are read through their own
 * channels and CRC-checked; nothing of theirs changes.
 */
public final class SegmentMerger {
  /** Packing stops short of the limit by this factor when judging whether repacking pays off. */
  private static final double REPACK_SLACK = 0.9;

  private SegmentMerger() {}

  /** Called once the first batch is in the output file (tests stop there to leave a partial file). */
  @FunctionalInterface
  public interface Progress {
    void firstBatchWritten() throws IOException;
  }

  /** The merged file as written and verified. */
  public record Merged(SegmentFiles files, long sizeBytes, long nextOffset, long maxTimestamp,
                       SegmentIndexBuilder indexes, long recordsChanged) {
    /** A reader's view of the merged segment under {@code as} (its name after a rename). */
    public SegmentView view(SegmentFiles as) {
      return new SegmentView(as, nextOffset, sizeBytes, maxTimestamp, indexes.offsetView(), indexes.timeView());
    }
  }

  /**
   * Writes {@code group} (adjacent, sealed, oldest first) to {@code out.log()}, which must not
   * exist. The caller deletes the file if this throws.
   */
  public static Merged merge(List<SegmentView> group, SegmentFiles out, RecordRewriter rewriter, int zstdLevel,
      int maxBatchBytes, Progress progress) throws IOException {
    long base = group.get(0).baseOffset();
    if (out.baseOffset() != base) {
      throw new IllegalArgumentException("merged segment " + out.log() + " must start at offset " + base);
    }
    long last = group.get(group.size() - 1).nextOffset() - 1;
    boolean rewrite = rewriter.mayRewrite(base, last);
    SegmentIndexBuilder indexes = new SegmentIndexBuilder(base);
    long changed = 0;
    try (FileChannel ch = FileChannel.open(out.log(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
         RecordBatchWriter encoder = new RecordBatchWriter(Compression.ZSTD, zstdLevel)) {
      Packer packer = new Packer(ch, encoder, indexes, maxBatchBytes, progress);
      long expected = base;
      for (SegmentView s : group) {
        if (s.baseOffset() != expected) {
          throw new IllegalArgumentException("segments to merge are not adjacent: " + s.files().log() + " starts at "
              + s.baseOffset() + ", expected " + expected);
        }
        try (SegmentBatchReader reader = new SegmentBatchReader(s)) {
          long pos = 0;
          while (pos < s.sizeBytes()) {
            DecodedBatch batch = reader.batchAt(pos);
            for (LogRecord r : batch.records()) {
              if (r.seq() != expected) {
                throw new LogCorruptedException(s.files().log(), pos, expected, s.files().log() + " holds offset "
                    + r.seq() + " at byte position " + pos + " where offset " + expected + " was expected");
              }
              LogRecord kept = r;
              if (rewrite) {
                byte[] value = rewriter.rewrite(r);
                if (value != r.value() && !Arrays.equals(value, r.value())) {
                  kept = new LogRecord(r.seq(), r.timestampMs(), r.key(), value, r.headers());
                  changed++;
                }
              }
              packer.add(kept);
              expected++;
            }
            pos += batch.header().sizeInBytes();
          }
        }
      }
      if (expected != last + 1) {
        throw new IllegalStateException("read offsets up to " + (expected - 1) + ", the segments end at " + last);
      }
      packer.flush();
      ch.force(true);
      Merged merged = new Merged(out, packer.position, last + 1, indexes.maxTimestamp(), indexes, changed);
      verify(merged, base);
      return merged;
    }
  }

  /** Reads the written file back as recovery would; any difference is a bug, never swapped in. */
  private static void verify(Merged m, long base) throws IOException {
    ScanResult scan = SegmentScanner.scan(m.files(), base, SegmentIndexBuilder.NO_TIMESTAMP, true);
    if (scan.damage().isPresent() || scan.validBytes() != m.sizeBytes() || scan.nextOffset() != m.nextOffset()
        || !scan.indexes().offsetBytes().equals(m.indexes().offsetBytes())
        || !scan.indexes().timeBytes().equals(m.indexes().timeBytes())) {
      throw new IOException("the merged segment " + m.files().log() + " does not read back as written"
          + scan.damage().map(d -> ": " + d.describe()).orElse(""));
    }
  }

  /**
   * Whether rewriting a single sealed segment on its own pays off: it has a batch that is not
   * zstd (or a zstd frame of unknown size, as Kafka producers write), or two neighbouring
   * batches that would fit into one. A segment a merge wrote never qualifies again.
   */
  public static boolean worthRepacking(SegmentView s, int maxBatchBytes) throws IOException {
    try (FileChannel ch = FileChannel.open(s.files().log(), StandardOpenOption.READ)) {
      WindowedFileReader in = new WindowedFileReader(ch, s.sizeBytes(), 64 * 1024);
      long pos = 0;
      long previous = -1;
      byte[] frameHeader = new byte[18];
      while (pos < s.sizeBytes()) {
        BatchHeader h = BatchHeader.read(in.buffer(), in.at(pos, BatchHeader.SIZE));
        long records = h.sizeInBytes() - BatchHeader.SIZE;
        if (h.compressionId() != Compression.ZSTD.attributeId()) {
          return true;
        }
        int n = (int) Math.min(frameHeader.length, records);
        int at = in.at(pos + BatchHeader.SIZE, n);
        in.buffer().get(at, frameHeader, 0, n);
        long uncompressed = Zstd.getFrameContentSize(frameHeader, 0, n);
        if (uncompressed < 0) {
          return true;
        }
        if (previous >= 0 && previous + uncompressed <= maxBatchBytes * REPACK_SLACK) {
          return true;
        }
        previous = uncompressed;
        pos += h.sizeInBytes();
      }
      return false;
    }
  }

  /** Packs records into batches by their exact encoded size and appends them to the file. */
  private static final class Packer {
    private final FileChannel channel;
    private final RecordBatchWriter encoder;
    private final SegmentIndexBuilder indexes;
    private final int maxBatchBytes;
    private final Progress progress;
    private final GrowableByteArray buffer = new GrowableByteArray(256 * 1024);
    private final List<LogRecord> pending = new ArrayList<>();
    private long pendingBytes;
    private long position;

    Packer(FileChannel channel, RecordBatchWriter encoder, SegmentIndexBuilder indexes, int maxBatchBytes,
        Progress progress) {
      this.channel = channel;
      this.encoder = encoder;
      this.indexes = indexes;
      this.maxBatchBytes = maxBatchBytes;
      this.progress = progress;
    }

    void add(LogRecord r) throws IOException {
      long size = pending.isEmpty() ? RecordBatchWriter.recordSize(r, r.seq(), r.timestampMs())
          : RecordBatchWriter.recordSize(r, pending.get(0).seq(), pending.get(0).timestampMs());
      if (!pending.isEmpty() && pendingBytes + size > maxBatchBytes) {
        flush();
        size = RecordBatchWriter.recordSize(r, r.seq(), r.timestampMs());
      }
      pending.add(r);
      pendingBytes += size;
    }

    void flush() throws IOException {
      if (pending.isEmpty()) {
        return;
      }
      buffer.clear();
      BatchHeader h = encoder.write(pending, buffer);
      ByteBuffer src = ByteBuffer.wrap(buffer.array(), 0, buffer.size());
      long start = position;
      while (src.hasRemaining()) {
        position += channel.write(src, position);
      }
      if (position > Integer.MAX_VALUE) {
        throw new IOException("the merged segment outgrows 32-bit index positions");
      }
      indexes.add(h.lastOffset(), start, h.maxTimestamp());
      pending.clear();
      pendingBytes = 0;
      if (start == 0) {
        progress.firstBatchWritten();
      }
    }
  }
}
