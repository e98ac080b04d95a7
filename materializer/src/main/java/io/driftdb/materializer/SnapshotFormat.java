package io.driftdb.materializer;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * Value encoding inside snapshot files: one tag byte per value, then the value. Only the
 * in-memory value types of {@link ColumnType} occur.
 *
 * <p>Version 2 (written now) encodes integers, lengths and counts as varints, and a cell that
 * a row version shares with its key's previous version as the single tag {@link #SAME}: a
 * snapshot is most of its table's history, and an UPDATE usually changes one column. That made
 * the raw payload of the restart benchmark's 10M versions about a third as large, and with it
 * the zstd work that was half of a CHECKPOINT. Version 1 (fixed-width, every cell written out)
 * is still read.
 */
final class SnapshotFormat {
  static final long MAGIC = 0x4452494654534E50L; // "DRIFTSNP"
  static final int VERSION = 2;
  /** The oldest version this build still reads. */
  static final int OLDEST_READABLE = 1;
  /** Version 2: the cell is the one at the same position of the key's previous row version. */
  static final int SAME = 10;

  private SnapshotFormat() {}

  static void writeValue(SnapshotOutput out, Object v) throws IOException {
    if (v == null) {
      out.writeByte(0);
    } else if (v instanceof Long l) {
      out.writeByte(4);
      out.writeZigzag(l);
    } else if (v instanceof String s) {
      out.writeByte(8);
      writeString(out, s);
    } else if (v instanceof Integer i) {
      out.writeByte(3);
      out.writeZigzag(i);
    } else if (v instanceof Boolean b) {
      out.writeByte(1);
      out.writeBoolean(b);
    } else if (v instanceof Short s) {
      out.writeByte(2);
      out.writeZigzag(s);
    } else if (v instanceof Float f) {
      out.writeByte(5);
      out.writeInt(Float.floatToIntBits(f));
    } else if (v instanceof Double d) {
      out.writeByte(6);
      out.writeLong(Double.doubleToLongBits(d));
    } else if (v instanceof BigDecimal d) {
      out.writeByte(7);
      writeString(out, d.toString());
    } else if (v instanceof byte[] b) {
      out.writeByte(9);
      out.writeVarlong(b.length);
      out.write(b);
    } else {
      throw new IOException("cannot snapshot a value of " + v.getClass());
    }
  }

  /**
   * A cell of {@code version}. {@code previous} is the key's previous row image (null for the
   * first), which a version-2 {@link #SAME} cell at {@code index} refers to.
   */
  static Object readValue(SnapshotInput in, int version, Object[] previous, int index) throws IOException {
    int tag = in.readByte();
    boolean v1 = version == 1; // fixed-width integers; version 2 has them as zigzag varints
    return switch (tag) {
      case 0 -> null;
      case 1 -> in.readBoolean();
      case 2 -> v1 ? in.readShort() : (short) in.readZigzag();
      case 3 -> v1 ? in.readInt() : (int) in.readZigzag();
      case 4 -> v1 ? in.readLong() : in.readZigzag();
      case 5 -> Float.intBitsToFloat(in.readInt());
      case 6 -> Double.longBitsToDouble(in.readLong());
      case 7 -> new BigDecimal(readString(in, version));
      case 8 -> readString(in, version);
      case 9 -> readBytes(in, readCount(in, version));
      case SAME -> {
        if (v1) {
          throw new IOException("bad value tag " + tag);
        }
        if (previous == null || index >= previous.length) {
          throw new IOException("a cell refers to a previous version that has none");
        }
        yield previous[index];
      }
      default -> throw new IOException("bad value tag " + tag);
    };
  }

  /** A count or length: a varint in version 2, a big-endian int in version 1. */
  static int readCount(SnapshotInput in, int version) throws IOException {
    if (version == 1) {
      int n = in.readInt();
      if (n < 0) {
        throw new IOException("bad count " + n);
      }
      return n;
    }
    return in.readCount();
  }

  /** {@code n} bytes; callers pass a {@link #readCount}, never negative. */
  private static byte[] readBytes(SnapshotInput in, int n) throws IOException {
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }

  /** Strings may exceed writeUTF's 64 KiB limit. */
  static void writeString(SnapshotOutput out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeVarlong(b.length);
    out.write(b);
  }

  static String readString(SnapshotInput in, int version) throws IOException {
    return new String(readBytes(in, readCount(in, version)), StandardCharsets.UTF_8);
  }

  static void writeNullableString(SnapshotOutput out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      writeString(out, s);
    }
  }

  static String readNullableString(SnapshotInput in, int version) throws IOException {
    return in.readBoolean() ? readString(in, version) : null;
  }
}
