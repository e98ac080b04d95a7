package io.driftdb.sql.kafka;

import io.driftdb.materializer.ColumnInfo;
import io.driftdb.materializer.ColumnType;
import io.driftdb.materializer.TableSchema;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads the most common produced value — a flat JSON object of ASCII field names and ASCII
 * strings without escapes, integers, booleans and nulls — straight from its bytes. Creating a
 * Jackson parser for every record (encoding detection, buffer recycling) cost more than the
 * parsing itself for 100-byte values.
 *
 * <p>It accepts strictly less than {@link RowCodec#decodeJsonStreaming} and returns what that
 * returns; on anything else (escapes, non-ASCII text, decimals, nested values, jsonb columns,
 * a value that does not convert, any syntax it does not know) it returns null and the Jackson
 * paths decode the value and word any error.
 */
final class FlatJsonRow {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private final TableSchema schema;
  private final byte[] in;
  private final int index;
  private int pos;

  private FlatJsonRow(TableSchema schema, byte[] in, int index) {
    this.schema = schema;
    this.in = in;
    this.index = index;
  }

  /** Column id → stored value for the value's fields, or null when the value is not in the fast subset. */
  static Map<Integer, Object> read(TableSchema schema, byte[] value, int index) {
    try {
      return new FlatJsonRow(schema, value, index).object();
    } catch (RuntimeException e) { // a value that does not convert: the Jackson path gives the error
      return null;
    }
  }

  private Map<Integer, Object> object() {
    skipSpace();
    if (!take('{')) {
      return null;
    }
    Map<Integer, Object> row = new ColumnValues(schema.rowWidth());
    skipSpace();
    if (!take('}')) {
      do {
        skipSpace();
        ColumnInfo c = fieldColumn();
        if (c == null || row.containsKey(c.id()) || c.type().kind() == ColumnType.Kind.JSONB) {
          return null;
        }
        skipSpace();
        if (!take(':')) {
          return null;
        }
        skipSpace();
        if (pos >= in.length) {
          return null;
        }
        Object v;
        byte b = in[pos];
        if (b == '"') {
          String text = string();
          if (text == null) {
            return null;
          }
          v = RowCodec.convert(c, text, index, "");
        } else if (b == '-' || (b >= '0' && b <= '9')) {
          Long n = integer();
          if (n == null) {
            return null;
          }
          v = RowCodec.convert(c, n, index, "");
        } else if (literal("true")) {
          v = RowCodec.convert(c, Boolean.TRUE, index, "");
        } else if (literal("false")) {
          v = RowCodec.convert(c, Boolean.FALSE, index, "");
        } else if (literal("null")) {
          v = null;
        } else {
          return null;
        }
        row.put(c.id(), v);
        skipSpace();
      } while (take(','));
      if (!take('}')) {
        return null;
      }
    }
    skipSpace();
    return pos == in.length ? row : null;
  }

  /** A quoted field name matched case-insensitively against the columns, or null. */
  private ColumnInfo fieldColumn() {
    if (!take('"')) {
      return null;
    }
    int start = pos;
    while (pos < in.length && in[pos] != '"') {
      byte b = in[pos];
      if (b < 0x20 || b == '\\') { // control, escape or non-ASCII (negative)
        return null;
      }
      pos++;
    }
    if (pos >= in.length) {
      return null;
    }
    int end = pos++;
    for (ColumnInfo c : schema.columns()) {
      if (asciiEqualsIgnoreCase(c.name(), start, end)) {
        return c;
      }
    }
    // No column, or one whose non-ASCII name Unicode case folding may still match (the Kelvin
    // sign and k): the general path decides.
    return null;
  }

  private boolean asciiEqualsIgnoreCase(String name, int start, int end) {
    if (name.length() != end - start) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      int b = in[start + i];
      if (ch >= 0x80) {
        return false;
      }
      if (ch != b && lower(ch) != lower(b)) {
        return false;
      }
    }
    return true;
  }

  private static int lower(int ch) {
    return ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch;
  }

  /** A string of printable ASCII without escapes, or null. */
  private String string() {
    int start = ++pos;
    // Eight bytes at a time while none of them needs a look (long payloads are most of the bytes).
    while (pos + 8 <= in.length && plainAscii((long) LONGS.get(in, pos))) {
      pos += 8;
    }
    while (pos < in.length) {
      byte b = in[pos];
      if (b == '"') {
        String s = new String(in, start, pos - start, StandardCharsets.ISO_8859_1);
        pos++;
        return s;
      }
      if (b < 0x20 || b == '\\') { // control, escape or non-ASCII (negative)
        return null;
      }
      pos++;
    }
    return null;
  }

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  /** No byte of {@code x} is a control character, non-ASCII, a quote or a backslash (SWAR tests). */
  private static boolean plainAscii(long x) {
    long quote = x ^ (ONES * '"');
    long backslash = x ^ (ONES * '\\');
    return ((x | ((x - ONES * 0x20) & ~x) | ((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash)) & HIGHS) == 0;
  }

  /** A JSON integer of at most 18 digits (so it fits a long), or null. */
  private Long integer() {
    boolean negative = take('-');
    int start = pos;
    long n = 0;
    while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
      n = n * 10 + (in[pos] - '0');
      pos++;
    }
    int digits = pos - start;
    if (digits < 1 || digits > 18 || (in[start] == '0' && digits > 1)) {
      return null;
    }
    if (pos < in.length && (in[pos] == '.' || in[pos] == 'e' || in[pos] == 'E')) {
      return null; // a decimal: the general path
    }
    return negative ? -n : n;
  }

  /** Takes {@code word} when it is followed by a delimiter (not by more letters). */
  private boolean literal(String word) {
    int end = pos + word.length();
    if (end > in.length) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      if (in[pos + i] != word.charAt(i)) {
        return false;
      }
    }
    if (end < in.length && !isDelimiter(in[end])) {
      return false;
    }
    pos = end;
    return true;
  }

  private static boolean isDelimiter(byte b) {
    return b == ',' || b == '}' || b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }

  private void skipSpace() {
    while (pos < in.length) {
      byte b = in[pos];
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return;
      }
      pos++;
    }
  }

  private boolean take(char ch) {
    if (pos < in.length && in[pos] == ch) {
      pos++;
      return true;
    }
    return false;
  }
}
