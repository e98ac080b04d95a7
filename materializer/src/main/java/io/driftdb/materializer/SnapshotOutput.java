package io.driftdb.materializer;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The buffered sink a snapshot's payload is written through: big-endian fixed-width numbers
 * (as {@link java.io.DataOutputStream}) and LEB128 varints. Unsynchronized and one buffer copy,
 * because a snapshot writes tens of millions of small values from one thread.
 */
final class SnapshotOutput {
  private final OutputStream out;
  private final byte[] buf = new byte[1 << 16];
  private int pos;

  SnapshotOutput(OutputStream out) {
    this.out = out;
  }

  private void room(int n) throws IOException {
    if (buf.length - pos < n) {
      flush();
    }
  }

  void writeByte(int b) throws IOException {
    room(1);
    buf[pos++] = (byte) b;
  }

  void writeBoolean(boolean b) throws IOException {
    writeByte(b ? 1 : 0);
  }

  void writeShort(int v) throws IOException {
    room(2);
    buf[pos++] = (byte) (v >>> 8);
    buf[pos++] = (byte) v;
  }

  void writeInt(int v) throws IOException {
    room(4);
    for (int shift = 24; shift >= 0; shift -= 8) {
      buf[pos++] = (byte) (v >>> shift);
    }
  }

  void writeLong(long v) throws IOException {
    writeInt((int) (v >>> 32));
    writeInt((int) v);
  }

  /** An unsigned LEB128 varint of {@code v} read as unsigned (1–10 bytes). */
  void writeVarlong(long v) throws IOException {
    room(10);
    while ((v & ~0x7FL) != 0) {
      buf[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[pos++] = (byte) v;
  }

  /** A signed value as a zigzag varint: small magnitudes of either sign take few bytes. */
  void writeZigzag(long v) throws IOException {
    writeVarlong((v << 1) ^ (v >> 63));
  }

  void write(byte[] b) throws IOException {
    if (b.length > buf.length - pos) {
      flush();
      if (b.length > buf.length) {
        out.write(b);
        return;
      }
    }
    System.arraycopy(b, 0, buf, pos, b.length);
    pos += b.length;
  }

  void flush() throws IOException {
    if (pos > 0) {
      out.write(buf, 0, pos);
      pos = 0;
    }
  }
}
