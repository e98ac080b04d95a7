package io.driftdb.log.format;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import io.driftdb.log.Compression;
import io.driftdb.log.LogRecord;
import io.driftdb.log.RecordHeader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Encodes records with consecutive SEQs into one Kafka RecordBatch v2, optionally compressing
 * the records section with zstd. One instance per writing thread: it keeps a compression
 * context and a scratch buffer between batches (close it to free the native context).
 */
public final class RecordBatchWriter implements AutoCloseable {
  public static final int DEFAULT_ZSTD_LEVEL = 3;
  /** DriftDB is its own leader; brokers accept epoch 0 in a segment they did not write. */
  static final int PARTITION_LEADER_EPOCH = 0;
  static final long NO_PRODUCER_ID = -1L;
  static final short NO_PRODUCER_EPOCH = -1;
  static final int NO_SEQUENCE = -1;

  private final Compression compression;
  private final ZstdCompressCtx zstd;
  private final GrowableByteArray uncompressed;

  public RecordBatchWriter(Compression compression) {
    this(compression, DEFAULT_ZSTD_LEVEL);
  }

  public RecordBatchWriter(Compression compression, int zstdLevel) {
    this.compression = compression;
    if (compression == Compression.ZSTD) {
      this.zstd = new ZstdCompressCtx().setLevel(zstdLevel).setContentSize(true).setChecksum(false);
      this.uncompressed = new GrowableByteArray(64 * 1024);
    } else {
      this.zstd = null;
      this.uncompressed = null;
    }
  }

  public Compression compression() {
    return compression;
  }

  /**
   * Upper bound of the bytes {@code r} takes inside an uncompressed records section; cheap
   * enough to call per append, used to split group commits into batches and to reject
   * oversized records before they are sequenced.
   */
  public static long maxEncodedSize(byte[] key, byte[] value, List<RecordHeader> headers) {
    long size = Varints.MAX_VARINT_BYTES + 1 + Varints.MAX_VARLONG_BYTES + Varints.MAX_VARINT_BYTES;
    size += Varints.MAX_VARINT_BYTES + (key == null ? 0 : key.length);
    size += Varints.MAX_VARINT_BYTES + (value == null ? 0 : value.length);
    size += Varints.MAX_VARINT_BYTES;
    for (RecordHeader h : headers) {
      size += Varints.MAX_VARINT_BYTES + 3L * h.key().length();
      size += Varints.MAX_VARINT_BYTES + (h.value() == null ? 0 : h.value().length);
    }
    return size;
  }

  /**
   * Appends one batch holding {@code records} to {@code out}. The records must have
   * consecutive SEQs; the first SEQ becomes the batch's base offset.
   *
   * @return the header that was written (its CRC filled in)
   */
  public BatchHeader write(List<LogRecord> records, GrowableByteArray out) {
    if (records.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one record");
    }
    LogRecord first = records.get(0);
    long baseOffset = first.seq();
    long baseTimestamp = first.timestampMs();
    long maxTimestamp = baseTimestamp;
    for (int i = 0; i < records.size(); i++) {
      LogRecord r = records.get(i);
      if (r.seq() != baseOffset + i) {
        throw new IllegalArgumentException(
            "records of a batch need consecutive SEQs: got " + r.seq() + " at index " + i
                + " after base " + baseOffset);
      }
      maxTimestamp = Math.max(maxTimestamp, r.timestampMs());
    }

    int start = out.skip(BatchHeader.SIZE);
    if (compression == Compression.NONE) {
      writeRecords(records, baseOffset, baseTimestamp, out);
    } else {
      uncompressed.clear();
      writeRecords(records, baseOffset, baseTimestamp, uncompressed);
      int bound = (int) Math.min(Integer.MAX_VALUE - 64, Zstd.compressBound(uncompressed.size()));
      out.ensureSpace(bound);
      int n = zstd.compressByteArray(
          out.array(), out.size(), bound, uncompressed.array(), 0, uncompressed.size());
      out.skip(n);
    }
    int end = out.size();
    long batchSize = (long) end - start;
    if (batchSize - BatchHeader.LOG_OVERHEAD > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("batch exceeds 2 GiB");
    }

    int lastOffsetDelta = records.size() - 1;
    out.setLong(start, baseOffset);
    out.setInt(start + 8, (int) (batchSize - BatchHeader.LOG_OVERHEAD));
    out.setInt(start + 12, PARTITION_LEADER_EPOCH);
    out.array()[start + 16] = BatchHeader.MAGIC;
    out.setShort(start + 21, compression.attributeId()); // CreateTime, not transactional
    out.setInt(start + 23, lastOffsetDelta);
    out.setLong(start + 27, baseTimestamp);
    out.setLong(start + 35, maxTimestamp);
    out.setLong(start + 43, NO_PRODUCER_ID);
    out.setShort(start + 51, NO_PRODUCER_EPOCH);
    out.setInt(start + 53, NO_SEQUENCE);
    out.setInt(start + 57, records.size());
    CRC32C crc = new CRC32C();
    crc.update(out.array(), start + BatchHeader.ATTRIBUTES_OFFSET, end - start - BatchHeader.ATTRIBUTES_OFFSET);
    int crcValue = (int) crc.getValue();
    out.setInt(start + 17, crcValue);

    return new BatchHeader(
        baseOffset,
        (int) (batchSize - BatchHeader.LOG_OVERHEAD),
        PARTITION_LEADER_EPOCH,
        BatchHeader.MAGIC,
        crcValue,
        (short) compression.attributeId(),
        lastOffsetDelta,
        baseTimestamp,
        maxTimestamp,
        NO_PRODUCER_ID,
        NO_PRODUCER_EPOCH,
        NO_SEQUENCE,
        records.size());
  }

  /**
   * Exact bytes {@code r} takes in an uncompressed records section of a batch whose first
   * record has {@code baseOffset} and {@code baseTimestamp} (length prefix included). A merge
   * packs batches with it.
   */
  public static long recordSize(LogRecord r, long baseOffset, long baseTimestamp) {
    long body = 1;
    body += Varints.sizeOfVarlong(r.timestampMs() - baseTimestamp);
    body += Varints.sizeOfVarint((int) (r.seq() - baseOffset));
    body += lengthPrefixed(r.key());
    body += lengthPrefixed(r.value());
    List<RecordHeader> headers = r.headers() == null ? List.of() : r.headers();
    body += Varints.sizeOfVarint(headers.size());
    for (RecordHeader h : headers) {
      body += lengthPrefixed(h.key().getBytes(StandardCharsets.UTF_8));
      body += lengthPrefixed(h.value());
    }
    return Varints.sizeOfVarint((int) Math.min(body, Integer.MAX_VALUE)) + body;
  }

  private static void writeRecords(
      List<LogRecord> records, long baseOffset, long baseTimestamp, GrowableByteArray out) {
    for (LogRecord r : records) {
      writeRecord(r, (int) (r.seq() - baseOffset), r.timestampMs() - baseTimestamp, out);
    }
  }

  private static void writeRecord(LogRecord r, int offsetDelta, long timestampDelta, GrowableByteArray out) {
    byte[] key = r.key();
    byte[] value = r.value();
    List<RecordHeader> headers = r.headers() == null ? List.of() : r.headers();
    byte[][] headerKeys = new byte[headers.size()][];

    long body = 1; // attributes (unused, always 0)
    body += Varints.sizeOfVarlong(timestampDelta);
    body += Varints.sizeOfVarint(offsetDelta);
    body += lengthPrefixed(key);
    body += lengthPrefixed(value);
    body += Varints.sizeOfVarint(headers.size());
    for (int i = 0; i < headers.size(); i++) {
      RecordHeader h = headers.get(i);
      headerKeys[i] = h.key().getBytes(StandardCharsets.UTF_8);
      body += lengthPrefixed(headerKeys[i]);
      body += lengthPrefixed(h.value());
    }
    if (body > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("record of " + body + " bytes is too large");
    }

    out.putVarint((int) body);
    out.putByte(0);
    out.putVarlong(timestampDelta);
    out.putVarint(offsetDelta);
    putLengthPrefixed(key, out);
    putLengthPrefixed(value, out);
    out.putVarint(headers.size());
    for (int i = 0; i < headers.size(); i++) {
      putLengthPrefixed(headerKeys[i], out);
      putLengthPrefixed(headers.get(i).value(), out);
    }
  }

  /** Bytes of a varint length (-1 for null) followed by the content. */
  private static long lengthPrefixed(byte[] b) {
    return b == null ? Varints.sizeOfVarint(-1) : Varints.sizeOfVarint(b.length) + (long) b.length;
  }

  private static void putLengthPrefixed(byte[] b, GrowableByteArray out) {
    if (b == null) {
      out.putVarint(-1);
    } else {
      out.putVarint(b.length);
      out.putBytes(b);
    }
  }

  @Override
  public void close() {
    if (zstd != null) {
      zstd.close();
    }
  }
}
