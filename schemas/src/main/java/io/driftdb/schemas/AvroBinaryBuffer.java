package io.driftdb.schemas;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.util.Utf8;

/**
 * A growable byte array that writes Avro binary primitives exactly as Avro's {@code BinaryEncoder}
 * does, without its per-call virtual dispatch. One per encoded record, never shared.
 */
final class AvroBinaryBuffer {
  private byte[] buf;
  private int pos;

  AvroBinaryBuffer(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  void writeByte(int b) {
    ensure(1);
    buf[pos++] = (byte) b;
  }

  /** Avro int: the same zig-zag varint as {@link #writeLong} of the sign-extended value. */
  void writeInt(int n) {
    writeLong(n);
  }

  /** Avro long: zig-zag varint. Also array block counts and union branch indexes. */
  void writeLong(long n) {
    ensure(10);
    long z = (n << 1) ^ (n >> 63);
    while ((z & ~0x7FL) != 0) {
      buf[pos++] = (byte) ((z & 0x7F) | 0x80);
      z >>>= 7;
    }
    buf[pos++] = (byte) z;
  }

  void writeBoolean(boolean b) {
    writeByte(b ? 1 : 0);
  }

  /** Raw bits, as Avro writes them: NaN payloads are kept, not canonicalised. */
  void writeFloat(float f) {
    writeFixedInt(Float.floatToRawIntBits(f));
  }

  void writeDouble(double d) {
    writeFixedLong(Double.doubleToRawLongBits(d));
  }

  /** Little-endian, not varint: the IEEE bits of floats and the schema fingerprint. */
  void writeFixedInt(int v) {
    ensure(4);
    buf[pos++] = (byte) v;
    buf[pos++] = (byte) (v >>> 8);
    buf[pos++] = (byte) (v >>> 16);
    buf[pos++] = (byte) (v >>> 24);
  }

  void writeFixedLong(long v) {
    writeFixedInt((int) v);
    writeFixedInt((int) (v >>> 32));
  }

  /**
   * Avro encodes strings with {@code String.getBytes(UTF_8)}, so a lone surrogate becomes '?';
   * using the same call keeps that exact. It is also the fastest path for ASCII (an intrinsic copy).
   */
  void writeString(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    writeBytes(utf8, 0, utf8.length);
  }

  void writeString(Utf8 s) {
    writeBytes(s.getBytes(), 0, s.getByteLength());
  }

  /** Length, then the bytes from position to limit; the buffer's position is left alone. */
  void writeBytes(ByteBuffer b) {
    int len = b.remaining();
    writeInt(len);
    ensure(len);
    b.get(b.position(), buf, pos, len); // absolute: honours arrayOffset, works for direct and read-only buffers
    pos += len;
  }

  private void writeBytes(byte[] bytes, int off, int len) {
    writeInt(len);
    ensure(len);
    System.arraycopy(bytes, off, buf, pos, len);
    pos += len;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }

  private void ensure(int more) {
    if (buf.length - pos < more) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
    }
  }
}
