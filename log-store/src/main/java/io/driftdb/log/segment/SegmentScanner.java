package io.driftdb.log.segment;

import io.driftdb.log.format.BatchHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Walks a segment file batch by batch, from the first byte, checking that each batch is a
 * well-formed v2 batch (and, when asked, that its CRC32C matches) and that offsets continue
 * densely and timestamps never go back. Builds the index entries on the way. Read-only.
 * Zeros from a batch boundary to the end of the file are the active segment's preallocated
 * space, not damage: the valid bytes end there ({@link ScanResult#validBytes()} is then less
 * than {@link ScanResult#fileBytes()} with no damage).
 */
public final class SegmentScanner {
  private static final int WINDOW_BYTES = 1 << 20;

  private SegmentScanner() {}

  /**
   * @param expectedBaseOffset offset the first batch must start at (the file's base offset,
   *     which must also continue the previous segment)
   * @param minTimestamp the largest timestamp before this segment; no batch may start below it
   * @param verifyChecksums whether to compute each batch's CRC32C (else only headers are read)
   */
  public static ScanResult scan(
      SegmentFiles files, long expectedBaseOffset, long minTimestamp, boolean verifyChecksums)
      throws IOException {
    SegmentIndexBuilder indexes = new SegmentIndexBuilder(files.baseOffset());
    try (FileChannel ch = FileChannel.open(files.log(), StandardOpenOption.READ)) {
      long size = ch.size();
      WindowedFileReader in = new WindowedFileReader(ch, size, WINDOW_BYTES);
      CRC32C crc = new CRC32C();
      long pos = 0;
      long next = expectedBaseOffset;
      long maxTs = minTimestamp;
      Damage damage = null;
      while (pos < size) {
        long available = size - pos;
        if (available < BatchHeader.SIZE) {
          damage = new Damage(files.log(), pos, next, Damage.Kind.INCOMPLETE,
              "the file ends " + available + " bytes into a batch header");
          break;
        }
        BatchHeader h = BatchHeader.read(in.buffer(), in.at(pos, BatchHeader.SIZE));
        Optional<String> problem = h.structuralProblem(available);
        if (problem.isPresent()) {
          boolean cutShort = h.magic() == BatchHeader.MAGIC
              && h.batchLength() >= BatchHeader.MIN_BATCH_LENGTH
              && h.sizeInBytes() > available;
          damage = new Damage(files.log(), pos, next,
              cutShort ? Damage.Kind.INCOMPLETE : Damage.Kind.BAD_HEADER, problem.get());
          break;
        }
        if (verifyChecksums) {
          crc.reset();
          in.updateCrc(crc, pos + BatchHeader.ATTRIBUTES_OFFSET, pos + h.sizeInBytes());
          int computed = (int) crc.getValue();
          if (computed != h.crc()) {
            damage = new Damage(files.log(), pos, next, Damage.Kind.BAD_CHECKSUM, String.format(
                "CRC32C mismatch in the batch with offsets %d..%d (stored 0x%08x, computed 0x%08x)",
                h.baseOffset(), h.lastOffset(), h.crc(), computed));
            break;
          }
        }
        if (h.baseOffset() != next) {
          damage = new Damage(files.log(), pos, next, Damage.Kind.OUT_OF_SEQUENCE,
              "a valid batch starts at offset " + h.baseOffset() + " instead of " + next);
          break;
        }
        if (h.baseTimestamp() < maxTs) {
          damage = new Damage(files.log(), pos, next, Damage.Kind.OUT_OF_SEQUENCE,
              "timestamp goes back from " + maxTs + " to " + h.baseTimestamp());
          break;
        }
        if (pos > Integer.MAX_VALUE || h.lastOffset() - files.baseOffset() > Integer.MAX_VALUE) {
          damage = new Damage(files.log(), pos, next, Damage.Kind.OUT_OF_SEQUENCE,
              "the segment outgrows 32-bit index entries");
          break;
        }
        indexes.add(h.lastOffset(), pos, h.maxTimestamp());
        maxTs = Math.max(maxTs, h.maxTimestamp());
        next = h.nextOffset();
        pos += h.sizeInBytes();
      }
      if (damage != null && zeroTail(in, pos, size)) {
        damage = null; // zeros from a batch boundary to the end: preallocated space (ActiveSegment), not data
      }
      return new ScanResult(files, size, pos, next, indexes.maxTimestamp(), indexes, Optional.ofNullable(damage));
    }
  }

  /** True when every byte of {@code [from, size)} is zero. */
  private static boolean zeroTail(WindowedFileReader in, long from, long size) throws IOException {
    long p = from;
    while (p < size) {
      int n = (int) Math.min(WINDOW_BYTES, size - p);
      int at = in.at(p, n);
      ByteBuffer b = in.buffer();
      int i = at;
      int end = at + n;
      for (; i + 8 <= end; i += 8) {
        if (b.getLong(i) != 0) {
          return false;
        }
      }
      for (; i < end; i++) {
        if (b.get(i) != 0) {
          return false;
        }
      }
      p += n;
    }
    return true;
  }

  /**
   * Searches byte by byte from {@code fromPosition} for a batch with a valid header and CRC
   * whose base offset is at least {@code minBaseOffset}. Used to tell a torn tail (nothing
   * valid after the damage) from corruption in the middle of the data.
   */
  public static Optional<BatchLocation> findValidBatch(SegmentFiles files, long fromPosition, long minBaseOffset)
      throws IOException {
    try (FileChannel ch = FileChannel.open(files.log(), StandardOpenOption.READ)) {
      long size = ch.size();
      return findValidBatch(new WindowedFileReader(ch, size, WINDOW_BYTES), size, fromPosition, minBaseOffset);
    }
  }

  /** What {@link #census} recognised: valid batches and the offsets they cover (-1 if none). */
  public record Census(int batches, long records, long firstOffset, long lastOffset) {}

  /**
   * Counts the valid batches from {@code fromPosition} on, skipping over damaged bytes, for
   * reporting what a repair drops. Offsets below {@code minBaseOffset} are not counted.
   */
  public static Census census(SegmentFiles files, long fromPosition, long minBaseOffset) throws IOException {
    try (FileChannel ch = FileChannel.open(files.log(), StandardOpenOption.READ)) {
      long size = ch.size();
      WindowedFileReader in = new WindowedFileReader(ch, size, WINDOW_BYTES);
      int batches = 0;
      long records = 0;
      long first = -1;
      long last = -1;
      long pos = fromPosition;
      Optional<BatchLocation> found;
      while ((found = findValidBatch(in, size, pos, minBaseOffset)).isPresent()) {
        BatchLocation b = found.get();
        batches++;
        records += b.header().recordCount();
        first = first < 0 ? b.header().baseOffset() : Math.min(first, b.header().baseOffset());
        last = Math.max(last, b.header().lastOffset());
        pos = b.end();
      }
      return new Census(batches, records, first, last);
    }
  }

  private static Optional<BatchLocation> findValidBatch(
      WindowedFileReader in, long size, long fromPosition, long minBaseOffset) throws IOException {
    CRC32C crc = new CRC32C();
    for (long q = Math.max(0, fromPosition); q + BatchHeader.SIZE <= size; q++) {
      int at = in.at(q, BatchHeader.SIZE);
      ByteBuffer b = in.buffer();
      if (b.get(at + 16) != BatchHeader.MAGIC) {
        continue; // cheapest filter first: almost every position fails here
      }
      long base = b.getLong(at);
      if (base < minBaseOffset || base - minBaseOffset > Integer.MAX_VALUE) {
        continue;
      }
      BatchHeader h = BatchHeader.read(b, at);
      if (h.structuralProblem(size - q).isPresent()) {
        continue;
      }
      crc.reset();
      in.updateCrc(crc, q + BatchHeader.ATTRIBUTES_OFFSET, q + h.sizeInBytes());
      if ((int) crc.getValue() == h.crc()) {
        return Optional.of(new BatchLocation(q, h));
      }
    }
    return Optional.empty();
  }
}
