package io.driftdb.log.format;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import io.driftdb.log.Compression;
import io.driftdb.log.LogRecord;
import io.driftdb.log.RecordHeader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes Kafka RecordBatch v2 bytes back into records. Stateless; every problem (checksum,
 * structure, decompression) is reported as a {@link BatchFormatException} naming what is wrong.
 */
public final class RecordBatchReader {
  /** Refuse to inflate a batch beyond this, whatever its frame header claims. */
  static final int MAX_UNCOMPRESSED_BYTES = 1 << 30;

  private RecordBatchReader() {}

  /**
   * Checks the header and the CRC of the batch that occupies {@code batch} from its position
   * to its limit, and returns the header.
   */
  public static BatchHeader verify(ByteBuffer batch) {
    ByteBuffer b = batch.slice();
    if (b.remaining() < BatchHeader.SIZE) {
      throw new BatchFormatException(
          "only " + b.remaining() + " bytes, a batch header needs " + BatchHeader.SIZE);
    }
    BatchHeader h = BatchHeader.read(b, 0);
    h.structuralProblem(b.remaining()).ifPresent(p -> {
      throw new BatchFormatException(p);
    });
    if (h.sizeInBytes() != b.remaining()) {
      throw new BatchFormatException(
          "batch length says " + h.sizeInBytes() + " bytes but " + b.remaining() + " were given");
    }
    int computed = BatchHeader.computeCrc(b, 0, b.remaining());
    if (computed != h.crc()) {
      throw new BatchFormatException(String.format(
          "CRC32C mismatch: stored 0x%08x, computed 0x%08x", h.crc(), computed));
    }
    return h;
  }

  /** Verifies and decodes one whole batch (position..limit of {@code batch}). */
  public static DecodedBatch decode(ByteBuffer batch) {
    BatchHeader h = verify(batch);
    ByteBuffer recordsSection = batch.slice().position(BatchHeader.SIZE);
    ByteBuffer records =
        h.compression() == Compression.ZSTD ? decompress(recordsSection.slice()) : recordsSection.slice();
    List<LogRecord> out = new ArrayList<>(h.recordCount());
    for (int i = 0; i < h.recordCount(); i++) {
      out.add(readRecord(records, h, i));
    }
    if (records.hasRemaining()) {
      throw new BatchFormatException(
          records.remaining() + " bytes left after the " + h.recordCount() + " records of the batch");
    }
    return new DecodedBatch(h, List.copyOf(out));
  }

  private static LogRecord readRecord(ByteBuffer in, BatchHeader h, int index) {
    int length = Varints.readVarint(in);
    if (length < 0 || length > in.remaining()) {
      throw new BatchFormatException("record " + index + " has length " + length + " but only "
          + in.remaining() + " bytes remain");
    }
    int end = in.position() + length;
    ByteBuffer r = in.slice().limit(length);
    in.position(end);

    r.get(); // record attributes: unused in v2
    long timestampDelta = Varints.readVarlong(r);
    int offsetDelta = Varints.readVarint(r);
    if (offsetDelta != index) {
      throw new BatchFormatException(
          "record " + index + " has offset delta " + offsetDelta + " (DriftDB batches are dense)");
    }
    byte[] key = readLengthPrefixed(r, "key");
    byte[] value = readLengthPrefixed(r, "value");
    int headerCount = Varints.readVarint(r);
    if (headerCount < 0 || headerCount > r.remaining()) {
      throw new BatchFormatException("record " + index + " claims " + headerCount + " headers");
    }
    List<RecordHeader> headers = new ArrayList<>(headerCount);
    for (int i = 0; i < headerCount; i++) {
      byte[] hk = readLengthPrefixed(r, "header key");
      if (hk == null) {
        throw new BatchFormatException("record " + index + " has a null header key");
      }
      headers.add(new RecordHeader(utf8(hk), readLengthPrefixed(r, "header value")));
    }
    if (r.hasRemaining()) {
      throw new BatchFormatException(
          "record " + index + " has " + r.remaining() + " unread bytes after its headers");
    }
    return new LogRecord(
        h.baseOffset() + offsetDelta, h.baseTimestamp() + timestampDelta, key, value, List.copyOf(headers));
  }

  private static byte[] readLengthPrefixed(ByteBuffer r, String what) {
    int len = Varints.readVarint(r);
    if (len == -1) {
      return null;
    }
    if (len < 0 || len > r.remaining()) {
      throw new BatchFormatException(what + " length " + len + " exceeds the record");
    }
    byte[] b = new byte[len];
    r.get(b);
    return b;
  }

  private static String utf8(byte[] b) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      throw new BatchFormatException("header key is not valid UTF-8", e);
    }
  }

  private static ByteBuffer decompress(ByteBuffer compressed) {
    byte[] src;
    int off;
    int len = compressed.remaining();
    if (compressed.hasArray()) {
      src = compressed.array();
      off = compressed.arrayOffset() + compressed.position();
    } else {
      src = new byte[len];
      compressed.duplicate().get(src);
      off = 0;
    }
    long declared = Zstd.getFrameContentSize(src, off, len);
    if (declared > MAX_UNCOMPRESSED_BYTES) {
      throw new BatchFormatException("zstd frame declares " + declared + " bytes, over the limit");
    }
    if (declared >= 0) {
      byte[] dst = new byte[(int) declared];
      long n = Zstd.decompressByteArray(dst, 0, dst.length, src, off, len);
      if (Zstd.isError(n)) {
        throw new BatchFormatException("zstd: " + Zstd.getErrorName(n));
      }
      if (n != declared) {
        throw new BatchFormatException("zstd frame inflated to " + n + " bytes, declared " + declared);
      }
      return ByteBuffer.wrap(dst);
    }
    // Frames written by a streaming compressor (e.g. a Kafka producer) omit the content size.
    return ByteBuffer.wrap(inflateStreaming(src, off, len));
  }

  private static byte[] inflateStreaming(byte[] src, int off, int len) {
    try (InputStream in = new ZstdInputStreamNoFinalizer(new ByteArrayInputStream(src, off, len))) {
      byte[] out = in.readNBytes(MAX_UNCOMPRESSED_BYTES);
      if (in.read() != -1) {
        throw new BatchFormatException("zstd stream inflates beyond " + MAX_UNCOMPRESSED_BYTES + " bytes");
      }
      return out;
    } catch (IOException | RuntimeException e) {
      if (e instanceof BatchFormatException bfe) {
        throw bfe;
      }
      throw new BatchFormatException("zstd: " + e.getMessage(), e);
    }
  }
}
