package io.driftdb.log.format;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A big-endian byte builder over a heap array that grows on demand. Used to encode batches
 * and index entries without a ByteBuffer's fixed capacity. Not thread-safe; once bytes below
 * {@link #size()} are written they are never changed by later appends (only copied when the
 * array grows), so a reader holding an older array and size still sees a consistent prefix.
 */
public final class GrowableByteArray {
  private byte[] bytes;
  private int size;

  public GrowableByteArray(int initialCapacity) {
    this.bytes = new byte[Math.max(16, initialCapacity)];
  }

  public int size() {
    return size;
  }

  /** The backing array; valid up to {@link #size()} until the next append. */
  public byte[] array() {
    return bytes;
  }

  public void clear() {
    size = 0;
  }

  /** Makes room for {@code extra} more bytes. */
  public void ensureSpace(int extra) {
    long needed = (long) size + extra;
    if (needed > bytes.length) {
      if (needed > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("buffer would exceed 2 GiB");
      }
      long grown = Math.max(needed, Math.min((long) bytes.length * 2, Integer.MAX_VALUE - 16));
      bytes = Arrays.copyOf(bytes, (int) grown);
    }
  }

  /** Reserves {@code n} bytes (content undefined) and returns their start. */
  public int skip(int n) {
    ensureSpace(n);
    int at = size;
    size += n;
    return at;
  }

  public void putByte(int v) {
    ensureSpace(1);
    bytes[size++] = (byte) v;
  }

  public void putShort(int v) {
    ensureSpace(2);
    bytes[size++] = (byte) (v >>> 8);
    bytes[size++] = (byte) v;
  }

  public void putInt(int v) {
    ensureSpace(4);
    setInt(size, v);
    size += 4;
  }

  public void putLong(long v) {
    ensureSpace(8);
    setLong(size, v);
    size += 8;
  }

  public void putBytes(byte[] src) {
    putBytes(src, 0, src.length);
  }

  public void putBytes(byte[] src, int offset, int length) {
    ensureSpace(length);
    System.arraycopy(src, offset, bytes, size, length);
    size += length;
  }

  public void putVarint(int v) {
    ensureSpace(Varints.MAX_VARINT_BYTES);
    size = Varints.writeVarint(v, bytes, size);
  }

  public void putVarlong(long v) {
    ensureSpace(Varints.MAX_VARLONG_BYTES);
    size = Varints.writeVarlong(v, bytes, size);
  }

  public void setShort(int at, int v) {
    bytes[at] = (byte) (v >>> 8);
    bytes[at + 1] = (byte) v;
  }

  public void setInt(int at, int v) {
    bytes[at] = (byte) (v >>> 24);
    bytes[at + 1] = (byte) (v >>> 16);
    bytes[at + 2] = (byte) (v >>> 8);
    bytes[at + 3] = (byte) v;
  }

  public void setLong(int at, long v) {
    setInt(at, (int) (v >>> 32));
    setInt(at + 4, (int) v);
  }

  /** A read-only big-endian view of bytes [from, to) sharing the current array. */
  public ByteBuffer view(int from, int to) {
    return ByteBuffer.wrap(bytes, from, to - from).slice().asReadOnlyBuffer();
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(bytes, size);
  }
}
