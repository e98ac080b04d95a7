package io.driftdb.log.format;

import io.driftdb.log.Compression;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The fixed 61-byte header of a Kafka RecordBatch (magic 2). Field order and widths are the
 * on-disk layout; all integers are big-endian.
 */
public record BatchHeader(
    long baseOffset,
    int batchLength,
    int partitionLeaderEpoch,
    byte magic,
    int crc,
    short attributes,
    int lastOffsetDelta,
    long baseTimestamp,
    long maxTimestamp,
    long producerId,
    short producerEpoch,
    int baseSequence,
    int recordCount) {

  public static final int SIZE = 61;
  /** baseOffset + batchLength: the bytes not counted in batchLength. */
  public static final int LOG_OVERHEAD = 12;
  public static final byte MAGIC = 2;
  /** Smallest legal batchLength: the header after the length field, with no records. */
  public static final int MIN_BATCH_LENGTH = SIZE - LOG_OVERHEAD;

  static final int LENGTH_OFFSET = 8;
  static final int MAGIC_OFFSET = 16;
  static final int CRC_OFFSET = 17;
  /** The CRC covers everything from the attributes to the end of the batch. */
  public static final int ATTRIBUTES_OFFSET = 21;

  static final int COMPRESSION_MASK = 0x07;
  static final int TRANSACTIONAL_FLAG = 0x10;
  static final int CONTROL_FLAG = 0x20;

  /** Reads a header at absolute index {@code at} of {@code buf} (needs 61 readable bytes). */
  public static BatchHeader read(ByteBuffer buf, int at) {
    return new BatchHeader(
        buf.getLong(at),
        buf.getInt(at + 8),
        buf.getInt(at + 12),
        buf.get(at + 16),
        buf.getInt(at + 17),
        buf.getShort(at + 21),
        buf.getInt(at + 23),
        buf.getLong(at + 27),
        buf.getLong(at + 35),
        buf.getLong(at + 43),
        buf.getShort(at + 51),
        buf.getInt(at + 53),
        buf.getInt(at + 57));
  }

  /** Total bytes of the batch on disk, header included. */
  public long sizeInBytes() {
    return (long) batchLength + LOG_OVERHEAD;
  }

  public long lastOffset() {
    return baseOffset + lastOffsetDelta;
  }

  public long nextOffset() {
    return lastOffset() + 1;
  }

  public int compressionId() {
    return attributes & COMPRESSION_MASK;
  }

  public Compression compression() {
    int id = compressionId();
    for (Compression c : Compression.values()) {
      if (c.attributeId() == id) {
        return c;
      }
    }
    throw new BatchFormatException("unsupported compression codec id " + id);
  }

  /**
   * Checks what can be checked without the batch body: magic, lengths, record count and
   * offset span. {@code availableBytes} is how many bytes the file holds from this batch's
   * start. Returns a description of the first problem, or empty.
   */
  public Optional<String> structuralProblem(long availableBytes) {
    if (magic != MAGIC) {
      return Optional.of("magic byte is " + magic + ", expected " + MAGIC);
    }
    if (batchLength < MIN_BATCH_LENGTH) {
      return Optional.of("batch length " + batchLength + " is below the minimum " + MIN_BATCH_LENGTH);
    }
    if (sizeInBytes() > availableBytes) {
      return Optional.of(
          "batch of " + sizeInBytes() + " bytes extends past the end of the file (" + availableBytes
              + " bytes left)");
    }
    if (recordCount <= 0) {
      return Optional.of("record count " + recordCount + " is not positive");
    }
    if (lastOffsetDelta != recordCount - 1) {
      return Optional.of(
          "lastOffsetDelta " + lastOffsetDelta + " does not match record count " + recordCount);
    }
    if (baseOffset < 0) {
      return Optional.of("negative base offset " + baseOffset);
    }
    if (maxTimestamp < baseTimestamp) {
      return Optional.of("max timestamp " + maxTimestamp + " is before base timestamp " + baseTimestamp);
    }
    int codec = compressionId();
    if (codec != Compression.NONE.attributeId() && codec != Compression.ZSTD.attributeId()) {
      return Optional.of("unsupported compression codec id " + codec);
    }
    if ((attributes & (TRANSACTIONAL_FLAG | CONTROL_FLAG)) != 0) {
      return Optional.of("transactional or control batches are not used by DriftDB");
    }
    return Optional.empty();
  }

  /** CRC32C of a whole batch held at {@code buf[at, at + size)}, over attributes..end. */
  public static int computeCrc(ByteBuffer buf, int at, int size) {
    CRC32C crc = new CRC32C();
    ByteBuffer region = buf.duplicate();
    region.limit(at + size).position(at + ATTRIBUTES_OFFSET);
    crc.update(region);
    return (int) crc.getValue();
  }
}
