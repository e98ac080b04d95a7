package io.driftdb.materializer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * Value encoding inside snapshot files: one tag byte per value, then the value. Only the
 * in-memory value types of {@link ColumnType} occur.
 */
final class SnapshotFormat {
  static final long MAGIC = 0x4452494654534E50L; // "DRIFTSNP"
  static final int VERSION = 1;

  private SnapshotFormat() {}

  static void writeValue(DataOutputStream out, Object v) throws IOException {
    if (v == null) {
      out.writeByte(0);
    } else if (v instanceof Boolean b) {
      out.writeByte(1);
      out.writeBoolean(b);
    } else if (v instanceof Short s) {
      out.writeByte(2);
      out.writeShort(s);
    } else if (v instanceof Integer i) {
      out.writeByte(3);
      out.writeInt(i);
    } else if (v instanceof Long l) {
      out.writeByte(4);
      out.writeLong(l);
    } else if (v instanceof Float f) {
      out.writeByte(5);
      out.writeFloat(f);
    } else if (v instanceof Double d) {
      out.writeByte(6);
      out.writeDouble(d);
    } else if (v instanceof BigDecimal d) {
      out.writeByte(7);
      writeString(out, d.toString());
    } else if (v instanceof String s) {
      out.writeByte(8);
      writeString(out, s);
    } else if (v instanceof byte[] b) {
      out.writeByte(9);
      out.writeInt(b.length);
      out.write(b);
    } else {
      throw new IOException("cannot snapshot a value of " + v.getClass());
    }
  }

  static Object readValue(DataInputStream in) throws IOException {
    int tag = in.readByte();
    return switch (tag) {
      case 0 -> null;
      case 1 -> in.readBoolean();
      case 2 -> in.readShort();
      case 3 -> in.readInt();
      case 4 -> in.readLong();
      case 5 -> in.readFloat();
      case 6 -> in.readDouble();
      case 7 -> new BigDecimal(readString(in));
      case 8 -> readString(in);
      case 9 -> {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        yield b;
      }
      default -> throw new IOException("bad value tag " + tag);
    };
  }

  /** Strings may exceed writeUTF's 64 KiB limit. */
  static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  static String readString(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }

  static void writeNullableString(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      writeString(out, s);
    }
  }

  static String readNullableString(DataInputStream in) throws IOException {
    return in.readBoolean() ? readString(in) : null;
  }
}
