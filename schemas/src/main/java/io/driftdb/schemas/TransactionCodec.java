package io.driftdb.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;

/**
 * Encodes transaction records as Avro single-object encoding (header {@code C3 01} + the
 * CRC-64-AVRO fingerprint of the writer schema, little-endian), with no schema registry:
 * older writer schemas are resolved from a {@link SchemaStore.Cache} that knows every schema
 * DriftDB ever wrote ({@link SchemaHistory}).
 */
public final class TransactionCodec {
  static {
    Schemas.init();
  }

  private final TransactionRecordEncoder rowEncoder = new TransactionRecordEncoder();
  private final BinaryMessageEncoder<TransactionRecord> encoder =
      new BinaryMessageEncoder<>(SpecificData.get(), TransactionRecord.getClassSchema());
  private final BinaryMessageDecoder<TransactionRecord> decoder;

  public TransactionCodec() {
    this(SchemaHistory.store());
  }

  public TransactionCodec(SchemaStore olderSchemas) {
    decoder = new BinaryMessageDecoder<>(SpecificData.get(), TransactionRecord.getClassSchema(), olderSchemas);
  }

  /**
   * Records of row events only go through a hand-written encoder (same bytes, much less CPU on
   * the produce path); DDL, commit validation and unusual values use Avro's generic writer.
   */
  public byte[] encode(TransactionRecord record) {
    byte[] fast = rowEncoder.encode(record);
    return fast != null ? fast : encodeWithAvroWriter(record);
  }

  /** Avro's own writer: the fallback, and the reference the hand-written encoder must match byte for byte. */
  public byte[] encodeWithAvroWriter(TransactionRecord record) {
    try {
      ByteBuffer buf = encoder.encode(record);
      byte[] out = new byte[buf.remaining()];
      buf.get(out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Decodes a record; throws {@link org.apache.avro.message.MissingSchemaException} or BadHeaderException on foreign bytes. */
  public TransactionRecord decode(byte[] bytes) {
    try {
      return decoder.decode(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("not a DriftDB transaction record: " + e.getMessage(), e);
    }
  }
}
