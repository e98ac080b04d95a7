package io.driftdb.materializer;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Reads what {@link SnapshotOutput} wrote, from a buffered stream. */
final class SnapshotInput {
  private final InputStream in;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int limit;

  SnapshotInput(InputStream in) {
    this.in = in;
  }

  private void need(int n) throws IOException {
    if (limit - pos >= n) {
      return;
    }
    System.arraycopy(buf, pos, buf, 0, limit - pos);
    limit -= pos;
    pos = 0;
    while (limit < n) {
      int r = in.read(buf, limit, buf.length - limit);
      if (r < 0) {
        throw new EOFException("snapshot payload ends early");
      }
      limit += r;
    }
  }

  byte readByte() throws IOException {
    need(1);
    return buf[pos++];
  }

  boolean readBoolean() throws IOException {
    return readByte() != 0;
  }

  short readShort() throws IOException {
    need(2);
    short v = (short) (((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF));
    pos += 2;
    return v;
  }

  int readInt() throws IOException {
    need(4);
    int v = 0;
    for (int i = 0; i < 4; i++) {
      v = (v << 8) | (buf[pos++] & 0xFF);
    }
    return v;
  }

  long readLong() throws IOException {
    return ((long) readInt() << 32) | (readInt() & 0xFFFFFFFFL);
  }

  long readVarlong() throws IOException {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = readByte();
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
    }
    throw new IOException("varint longer than 10 bytes");
  }

  /** A non-negative count or length that must fit an int. */
  int readCount() throws IOException {
    long v = readVarlong();
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new IOException("bad count " + v);
    }
    return (int) v;
  }

  long readZigzag() throws IOException {
    long v = readVarlong();
    return (v >>> 1) ^ -(v & 1);
  }

  void readFully(byte[] b) throws IOException {
    int off = 0;
    while (off < b.length) {
      if (pos == limit) {
        need(1);
      }
      int n = Math.min(b.length - off, limit - pos);
      System.arraycopy(buf, pos, b, off, n);
      pos += n;
      off += n;
    }
  }
}
