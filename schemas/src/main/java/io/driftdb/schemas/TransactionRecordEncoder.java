package io.driftdb.schemas;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.util.Utf8;

/**
 * Hand-written single-object encoding of the common transaction record: row events only, no
 * commit validation. It writes byte for byte what {@code BinaryMessageEncoder} with the specific
 * writer writes, without resolving a union per value through the generic writer (the produce
 * path spends a noticeable share of its CPU there). Anything else returns {@code null} and the
 * caller uses the generic writer, which also keeps its exceptions for values it cannot write.
 *
 * <p>Stateless; each call works in its own buffer, so it is safe from any thread.
 */
final class TransactionRecordEncoder {
  private static final long FINGERPRINT =
      SchemaNormalization.parsingFingerprint64(TransactionRecord.getClassSchema());

  // Union branch indexes, in schema order.
  private static final int NULL = 0;
  private static final int NON_NULL = 1; // second branch of ["null", x]
  private static final int ROW_EVENT = 0; // events: [RowEvent, DdlEvent]
  private static final int BOOLEAN = 1; // values: ["null", "boolean", "int", "long", "float", "double", "string", "bytes"]
  private static final int INT = 2;
  private static final int LONG = 3;
  private static final int FLOAT = 4;
  private static final int DOUBLE = 5;
  private static final int STRING = 6;
  private static final int BYTES = 7;
  /** The largest buffer allocated up front; a larger record grows it by doubling. */
  private static final int MAX_INITIAL_BYTES = 4 << 20;

  /** The encoded record, or {@code null} when it needs the generic writer. */
  byte[] encode(TransactionRecord record) {
    List<Object> events = record.getEvents();
    if (record.getClass() != TransactionRecord.class || record.getValidation() != null
        || record.getUser() == null || events == null) {
      return null;
    }
    // Sized from the values, so that large rows do not regrow the buffer several times; the
    // result is trimmed anyway.
    AvroBinaryBuffer out = new AvroBinaryBuffer(estimatedSize(events));
    out.writeByte(0xC3); // single-object encoding marker
    out.writeByte(0x01);
    out.writeFixedLong(FINGERPRINT);
    out.writeString(record.getUser());
    writeOptional(out, record.getApplication());
    writeOptional(out, record.getClientAddress());
    writeOptional(out, record.getReason());
    out.writeLong(record.getStartSeq());
    out.writeLong(NULL); // validation
    // The generic writer writes arrays as one block: count (omitted when empty), items, 0.
    int size = events.size();
    if (size > 0) {
      out.writeLong(size);
    }
    int written = 0;
    for (Object event : events) {
      if (event == null || event.getClass() != RowEvent.class || !writeRowEvent(out, (RowEvent) event)) {
        return null;
      }
      written++;
    }
    if (written != size) {
      return null; // changed while we wrote; the generic writer reports that
    }
    out.writeLong(0);
    return out.toByteArray();
  }

  /**
   * Bytes the record will about take, extrapolated from its first event: a transaction's rows
   * are mostly alike (a produced batch's rows are of one table), and the buffer grows if they
   * are not. Summing every value instead cost as much CPU as encoding them. Capped, so that one
   * large first row among many small ones cannot make a huge buffer.
   */
  private static int estimatedSize(List<Object> events) {
    long perEvent = 24;
    if (!events.isEmpty() && events.get(0) instanceof RowEvent r) {
      perEvent += estimatedValuesSize(r.getKey()) + estimatedValuesSize(r.getRow());
    }
    return (int) Math.min(128 + perEvent * events.size(), MAX_INITIAL_BYTES);
  }

  private static long estimatedValuesSize(List<Object> values) {
    if (values == null) {
      return 0;
    }
    long n = 8;
    for (Object v : values) {
      n += v instanceof String s ? s.length() + 6 : v instanceof ByteBuffer b ? b.remaining() + 6 : 10;
    }
    return n;
  }

  private static void writeOptional(AvroBinaryBuffer out, String s) {
    if (s == null) {
      out.writeLong(NULL);
    } else {
      out.writeLong(NON_NULL);
      out.writeString(s);
    }
  }

  private static boolean writeRowEvent(AvroBinaryBuffer out, RowEvent event) {
    RowOp op = event.getOp();
    if (op == null) {
      return false;
    }
    out.writeLong(ROW_EVENT);
    out.writeLong(event.getTableId());
    out.writeInt(op.ordinal()); // as SpecificDatumWriter: the Java ordinal is the symbol index
    return writeValues(out, event.getKey()) && writeValues(out, event.getRow());
  }

  private static boolean writeValues(AvroBinaryBuffer out, List<Object> values) {
    if (values == null) {
      out.writeLong(NULL);
      return true;
    }
    out.writeLong(NON_NULL);
    int size = values.size();
    if (size > 0) {
      out.writeLong(size);
    }
    int written = 0;
    for (Object v : values) {
      if (!writeValue(out, v)) {
        return false;
      }
      written++;
    }
    out.writeLong(0);
    return written == size;
  }

  /** The branch GenericData.resolveUnion would pick, by the value's class; false for any other class. */
  private static boolean writeValue(AvroBinaryBuffer out, Object v) {
    if (v == null) {
      out.writeLong(NULL);
    } else if (v instanceof String s) {
      out.writeLong(STRING);
      out.writeString(s);
    } else if (v instanceof Long l) {
      out.writeLong(LONG);
      out.writeLong(l);
    } else if (v instanceof Integer i) {
      out.writeLong(INT);
      out.writeInt(i);
    } else if (v instanceof Double d) {
      out.writeLong(DOUBLE);
      out.writeDouble(d);
    } else if (v instanceof Boolean b) {
      out.writeLong(BOOLEAN);
      out.writeBoolean(b);
    } else if (v instanceof ByteBuffer b) {
      out.writeLong(BYTES);
      out.writeBytes(b);
    } else if (v instanceof Float f) {
      out.writeLong(FLOAT);
      out.writeFloat(f);
    } else if (v instanceof Utf8 u) {
      out.writeLong(STRING);
      out.writeString(u);
    } else if (isPlainCharSequence(v)) {
      out.writeLong(STRING);
      out.writeString(v.toString()); // Avro's Encoder does the same for a CharSequence
    } else {
      return false;
    }
    return true;
  }

  /** A CharSequence that Avro would not first take for a record, enum, array, map or fixed. */
  private static boolean isPlainCharSequence(Object v) {
    return v instanceof CharSequence && !(v instanceof GenericContainer || v instanceof Enum
        || v instanceof Collection || v instanceof Map);
  }
}
