package io.driftdb.log.format;

import java.nio.ByteBuffer;

/** Zig-zag varints as used inside Kafka v2 records (protobuf style, 7 bits per byte). */
public final class Varints {
  public static final int MAX_VARINT_BYTES = 5;
  public static final int MAX_VARLONG_BYTES = 10;

  private Varints() {}

  /** Writes {@code value} zig-zag encoded at {@code at}; returns the position after it. */
  public static int writeVarint(int value, byte[] dst, int at) {
    int v = (value << 1) ^ (value >> 31);
    while ((v & ~0x7F) != 0) {
      dst[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    dst[at++] = (byte) v;
    return at;
  }

  public static int writeVarlong(long value, byte[] dst, int at) {
    long v = (value << 1) ^ (value >> 63);
    while ((v & ~0x7FL) != 0) {
      dst[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    dst[at++] = (byte) v;
    return at;
  }

  public static int sizeOfVarint(int value) {
    int v = (value << 1) ^ (value >> 31);
    int bytes = 1;
    while ((v & ~0x7F) != 0) {
      bytes++;
      v >>>= 7;
    }
    return bytes;
  }

  public static int sizeOfVarlong(long value) {
    long v = (value << 1) ^ (value >> 63);
    int bytes = 1;
    while ((v & ~0x7FL) != 0) {
      bytes++;
      v >>>= 7;
    }
    return bytes;
  }

  /** Reads a zig-zag varint at the buffer's position; rejects encodings longer than 5 bytes. */
  public static int readVarint(ByteBuffer in) {
    int raw = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (!in.hasRemaining()) {
        throw new BatchFormatException("varint runs past the end of the records");
      }
      byte b = in.get();
      raw |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new BatchFormatException("varint longer than 5 bytes");
  }

  public static long readVarlong(ByteBuffer in) {
    long raw = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (!in.hasRemaining()) {
        throw new BatchFormatException("varlong runs past the end of the records");
      }
      byte b = in.get();
      raw |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new BatchFormatException("varlong longer than 10 bytes");
  }
}
