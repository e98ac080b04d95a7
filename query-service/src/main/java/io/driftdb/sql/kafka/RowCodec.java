package io.driftdb.sql.kafka;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftdb.log.kafka.TopicBackend.ProducedRecord;
import io.driftdb.log.kafka.TopicBackendException;
import io.driftdb.materializer.ColumnInfo;
import io.driftdb.materializer.TableAvroSchema;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import io.driftdb.materializer.ColumnType;
import io.driftdb.materializer.RowKey;
import io.driftdb.materializer.TableSchema;
import io.driftdb.materializer.ValueComparator;
import io.driftdb.sql.SqlError;
import io.driftdb.sql.exec.Values;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Kafka record bytes ↔ table rows, as JSON.
 *
 * <p><b>Produce (decode).</b> The value is a JSON object whose fields are column names
 * (case-insensitive); a null value is a tombstone (delete). Missing columns get their default,
 * or NULL; a field that is not a column is an error (also for document tables: add columns with
 * SQL first). Values are converted by the column's type with PostgreSQL's assignment rules
 * ({@link Values#toColumn}): JSON numbers, strings ({@code "2025-01-02 10:00:00"} for
 * timestamps, {@code "\x0a0b"} for bytea) and booleans; objects and arrays only for jsonb
 * columns, which store any JSON value as its text. The key names the primary key: a JSON
 * object of the key columns ({@code {"id": 5}}), a JSON array of them in key order, a JSON
 * scalar ({@code "u1"}, {@code 5}) or, when it is not JSON at all, the raw UTF-8 text
 * ({@code u1}) for a one-column key; a one-column text key is always the key's text as sent, also
 * when it reads as a JSON number ({@code 12e4} stays {@code 12e4}). Without a key the key columns
 * are taken from the value.
 * A key column present in the value must equal the key.
 *
 * <p><b>Fetch (encode).</b> Values are JSON objects of every column in table order;
 * timestamps as {@code 2025-01-02T10:00:00.000} (timestamptz with {@code Z}), dates as
 * {@code 2025-01-02}, bytea as {@code "\x..."}, jsonb embedded, NaN/Infinity as strings, so
 * that an event can be produced back unchanged. Keys are the JSON scalar of a one-column key,
 * a JSON object for composite keys, or the hidden row id (a JSON number) for tables without a
 * primary key.
 *
 * <p>The change feed ({@code io.driftdb.sql.changefeed}) encodes with the same two public
 * methods and headers, so a change topic and a gateway fetch carry byte-identical events.
 */
public final class RowCodec {
  /** Header of every change event: the transaction's SEQ, as decimal text. */
  public static final String SEQ_HEADER = "driftdb.seq";
  /** Header of every change event: {@code INSERT}, {@code UPDATE} or {@code DELETE}. */
  public static final String OP_HEADER = "driftdb.op";

  static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  /** Reads one value inside a document being streamed (the rest of the document follows it). */
  private static final ObjectReader NESTED = JSON.readerFor(JsonNode.class)
      .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS", Locale.ROOT)
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter TSTZ = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'",
      Locale.ROOT).withZone(ZoneOffset.UTC);

  private RowCodec() {}

  /**
   * One decoded record. {@code key} is null for tables without a primary key; {@code row} maps
   * column ids to stored values (only the columns the record gave, key columns always), or is
   * null for a delete.
   */
  record Change(int index, RowKey key, Map<Integer, Object> row) {}

  static TopicBackendException invalid(int index, String message) {
    return new TopicBackendException(TopicBackendException.Kind.INVALID_RECORD, index,
        "record " + index + ": " + message, null);
  }

  // ---- decode ----

  static Change decode(TableSchema s, ProducedRecord r, int index) {
    Map<Integer, Object> row = r.value() == null ? null : decodeValue(s, r.value(), index);
    if (!s.hasPrimaryKey()) {
      if (row == null) {
        throw invalid(index, "table \"" + s.name() + "\" has no primary key, so a null value (delete by key) is "
            + "not possible");
      }
      checkNotNull(s, row, index);
      return new Change(index, null, row);
    }
    Object[] key;
    if (r.key() == null) {
      if (row == null) {
        throw invalid(index, "a delete (null value) needs a key");
      }
      key = new Object[s.primaryKey().size()];
      for (int i = 0; i < key.length; i++) {
        ColumnInfo c = s.columnById(s.primaryKey().get(i));
        key[i] = row.get(c.id());
        if (key[i] == null) {
          throw invalid(index, "the record has no key and its value has no \"" + c.name() + "\" (the primary key of \""
              + s.name() + "\")");
        }
      }
    } else {
      key = decodeKey(s, r.key(), index);
    }
    RowKey rowKey = new RowKey(key);
    if (row != null) {
      for (int i = 0; i < key.length; i++) {
        ColumnInfo c = s.columnById(s.primaryKey().get(i));
        Object given = row.get(c.id());
        if (given != null && ValueComparator.compareValues(given, key[i]) != 0) { // as RowKey compares
          throw invalid(index, "the key says " + c.name() + " = " + key[i] + " but the value has " + c.name() + " = "
              + given);
        }
        row.put(c.id(), key[i]);
      }
      checkNotNull(s, row, index);
    }
    return new Change(index, rowKey, row);
  }

  /** NOT NULL columns without a default must be given (a clearer message than the SQL one, with the record). */
  private static void checkNotNull(TableSchema s, Map<Integer, Object> row, int index) {
    for (ColumnInfo c : s.columns()) {
      if (!c.nullable() && row.get(c.id()) == null && (row.containsKey(c.id()) || c.defaultExpr() == null)) {
        throw invalid(index, "null value in column \"" + c.name() + "\" of relation \"" + s.name()
            + "\" violates not-null constraint");
      }
    }
  }

  private static Map<Integer, Object> decodeValue(TableSchema s, byte[] value, int index) {
    if (value.length >= 2 && (value[0] & 0xff) == 0xC3 && value[1] == 0x01) {
      return decodeAvro(s, value, index);
    }
    Map<Integer, Object> flat = FlatJsonRow.read(s, value, index);
    if (flat != null) {
      return flat;
    }
    Map<Integer, Object> streamed = decodeJsonStreaming(s, value, index);
    return streamed != null ? streamed : decodeJsonTree(s, value, index);
  }

  /** The reference JSON decoding (and the one that words every error). */
  static Map<Integer, Object> decodeJsonTree(TableSchema s, byte[] value, int index) {
    JsonNode doc;
    try {
      doc = JSON.readTree(value);
    } catch (IOException e) {
      throw invalid(index, "the value is not valid JSON: " + firstLine(e));
    }
    if (doc == null || !doc.isObject()) {
      throw invalid(index, "the value must be a JSON object (one row), not " + kind(doc));
    }
    Map<Integer, Object> row = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      ColumnInfo c = s.column(f.getKey()).orElseThrow(() -> invalid(index, "column \"" + f.getKey()
          + "\" of relation \"" + s.name() + "\" does not exist"));
      if (row.containsKey(c.id())) {
        throw invalid(index, "column \"" + c.name() + "\" is given twice");
      }
      row.put(c.id(), toColumn(c, f.getValue(), index, ""));
    }
    return row;
  }

  /**
   * The common case without building a JSON tree (which cost about as much as the rest of the
   * decoding): a well-formed object of known, distinct columns whose values convert. Strings,
   * integers, booleans and nulls are read straight from the parser; other values (decimals,
   * objects, arrays) and every value of a jsonb column go through the tree path's
   * {@link #toColumn}. Null on anything else, and the tree path then decodes the value again
   * and gives its exact error.
   */
  static Map<Integer, Object> decodeJsonStreaming(TableSchema s, byte[] value, int index) {
    try (JsonParser p = JSON.getFactory().createParser(value)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      Map<Integer, Object> row = new LinkedHashMap<>();
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        ColumnInfo c = s.column(p.currentName()).orElse(null);
        if (c == null || row.containsKey(c.id())) {
          return null;
        }
        JsonToken v = p.nextToken();
        Object java;
        if (v == JsonToken.VALUE_NULL) {
          java = null;
        } else if (c.type().kind() == ColumnType.Kind.JSONB || !v.isScalarValue() || v == JsonToken.VALUE_NUMBER_FLOAT) {
          java = toColumn(c, NESTED.readTree(p), index, "");
        } else if (v == JsonToken.VALUE_STRING) {
          java = convert(c, p.getText(), index, "");
        } else if (v == JsonToken.VALUE_NUMBER_INT) {
          JsonParser.NumberType nt = p.getNumberType();
          java = convert(c, nt == JsonParser.NumberType.INT || nt == JsonParser.NumberType.LONG ? (Object) p.getLongValue()
              : new BigDecimal(p.getBigIntegerValue()), index, "");
        } else if (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE) {
          java = convert(c, v == JsonToken.VALUE_TRUE, index, "");
        } else {
          return null;
        }
        row.put(c.id(), java);
      }
      return t == JsonToken.END_OBJECT && p.nextToken() == null ? row : null;
    } catch (IOException | RuntimeException e) { // syntax, or a value that does not convert (TopicBackendException)
      return null;
    }
  }

  /**
   * An Avro single-object encoded row: C3 01, the 8-byte little-endian fingerprint of the
   * writer schema, then the binary record. The fingerprint must be that of the table's current
   * schema ({@link TableAvroSchema}); every column is then present in the value.
   */
  private static Map<Integer, Object> decodeAvro(TableSchema s, byte[] value, int index) {
    TableAvroSchema avro;
    try {
      avro = TableAvroSchema.of(s);
    } catch (IllegalArgumentException e) {
      throw invalid(index, e.getMessage());
    }
    if (value.length < 10) {
      throw invalid(index, "the Avro single-object header is truncated (" + value.length + " bytes)");
    }
    long fingerprint = ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (fingerprint != avro.fingerprint()) {
      throw invalid(index, String.format(Locale.ROOT, "the value's Avro schema fingerprint %016x is not the schema of "
          + "table \"%s\" (fingerprint %016x; SELECT driftdb_avro_schema('%s') shows it)", fingerprint, s.name(),
          avro.fingerprint(), s.name()));
    }
    GenericRecord rec;
    try {
      BinaryDecoder in = DecoderFactory.get().binaryDecoder(value, 10, value.length - 10, null);
      rec = new GenericDatumReader<GenericRecord>(avro.schema()).read(null, in);
      if (!in.isEnd()) {
        throw invalid(index, "the Avro value has bytes after the record");
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof TopicBackendException t) {
        throw t;
      }
      throw invalid(index, "the Avro value does not decode with the schema of table \"" + s.name() + "\": " + e);
    }
    Map<Integer, Object> row = new LinkedHashMap<>();
    for (ColumnInfo c : s.columns()) {
      Object v = rec.get(c.name());
      row.put(c.id(), v == null ? null : fromAvro(c, v instanceof CharSequence cs ? cs.toString() : v, index));
    }
    return row;
  }

  /** Avro fields carry the log's value encodings; text and numerics still get the column's checks. */
  private static Object fromAvro(ColumnInfo c, Object v, int index) {
    return switch (c.type().kind()) {
      case NUMERIC -> {
        try {
          yield convert(c, new BigDecimal((String) v), index, "");
        } catch (NumberFormatException e) {
          throw invalid(index, "column \"" + c.name() + "\": invalid input syntax for type numeric: \"" + v + "\"");
        }
      }
      case TEXT, VARCHAR, CHAR, JSONB, UUID -> convert(c, v, index, "");
      case SMALLINT -> {
        int i = (Integer) v;
        if (i < Short.MIN_VALUE || i > Short.MAX_VALUE) {
          throw invalid(index, "column \"" + c.name() + "\": smallint out of range: " + i);
        }
        yield c.type().fromLog(v);
      }
      default -> c.type().fromLog(v);
    };
  }

  private static Object[] decodeKey(TableSchema s, byte[] bytes, int index) {
    if (s.primaryKey().size() == 1) {
      ColumnInfo only = s.columnById(s.primaryKey().get(0));
      Long n = jsonLong(bytes);
      if (n != null) {
        // The usual numeric key: what the tree path does with a JSON integer, without the tree.
        // A text key keeps the key's own characters ("-0" is not "0").
        return new Object[] {convert(only, isText(only) ? new String(bytes, StandardCharsets.US_ASCII) : n, index,
            "key: ")};
      }
    }
    List<ColumnInfo> pk = new ArrayList<>();
    for (int id : s.primaryKey()) {
      pk.add(s.columnById(id));
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw invalid(index, "the key is not UTF-8 text");
    }
    Object[] out = new Object[pk.size()];
    JsonNode k;
    try {
      k = JSON.readTree(text);
    } catch (IOException e) {
      k = null; // not JSON: the raw text is the key
    }
    if (k != null && k.isObject()) {
      for (Iterator<String> it = k.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (pk.stream().noneMatch(c -> c.name().equalsIgnoreCase(name))) {
          throw invalid(index, "the key has \"" + name + "\", which is not part of the primary key "
              + pkText(s, pk));
        }
      }
      for (int i = 0; i < out.length; i++) {
        JsonNode v = field(k, pk.get(i).name());
        if (v == null || v.isNull()) {
          throw invalid(index, "the key has no \"" + pk.get(i).name() + "\" (primary key " + pkText(s, pk) + ")");
        }
        out[i] = toColumn(pk.get(i), v, index, "key: ");
      }
      return out;
    }
    if (k != null && k.isArray()) {
      if (k.size() != out.length) {
        throw invalid(index, "the key array has " + k.size() + " elements; the primary key " + pkText(s, pk)
            + " has " + out.length);
      }
      for (int i = 0; i < out.length; i++) {
        if (k.get(i).isNull()) {
          throw invalid(index, "the key has a null \"" + pk.get(i).name() + "\"");
        }
        out[i] = toColumn(pk.get(i), k.get(i), index, "key: ");
      }
      return out;
    }
    if (out.length != 1) {
      throw invalid(index, "table \"" + s.name() + "\" has the composite primary key " + pkText(s, pk)
          + ": the key must be a JSON object or array");
    }
    if (k != null && k.isNull()) {
      throw invalid(index, "the key is JSON null");
    }
    // A JSON number for a text key is the key's text as sent: Jackson would normalize it ("12e4" to
    // "1.2E+5", "1.50" to "1.5"), and the row's key would no longer be the record's key.
    boolean asJson = k != null && k.isValueNode() && !(k.isNumber() && isText(pk.get(0)));
    out[0] = asJson ? toColumn(pk.get(0), k, index, "key: ") : convert(pk.get(0), text, index, "key: ");
    return out;
  }

  /** Columns whose values are text: a key for them is never read as a number. */
  private static boolean isText(ColumnInfo c) {
    ColumnType.Kind kind = c.type().kind();
    return kind == ColumnType.Kind.TEXT || kind == ColumnType.Kind.VARCHAR || kind == ColumnType.Kind.CHAR;
  }

  /** A JSON integer that fits a long, -?(0|[1-9][0-9]*) with at most 18 digits (JSON allows no leading zeros), or null. */
  private static Long jsonLong(byte[] text) {
    int i = text.length > 0 && text[0] == '-' ? 1 : 0;
    int digits = text.length - i;
    if (digits < 1 || digits > 18 || (text[i] == '0' && digits > 1)) {
      return null;
    }
    long n = 0;
    for (; i < text.length; i++) {
      byte b = text[i];
      if (b < '0' || b > '9') {
        return null;
      }
      n = n * 10 + (b - '0');
    }
    return text[0] == '-' ? -n : n;
  }

  private static JsonNode field(JsonNode obj, String name) {
    for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (f.getKey().equalsIgnoreCase(name)) {
        return f.getValue();
      }
    }
    return null;
  }

  private static String pkText(TableSchema s, List<ColumnInfo> pk) {
    List<String> names = new ArrayList<>();
    pk.forEach(c -> names.add(c.name()));
    return "(" + String.join(", ", names) + ") of \"" + s.name() + "\"";
  }

  /** A JSON value to the column's stored form. */
  private static Object toColumn(ColumnInfo c, JsonNode v, int index, String where) {
    if (v == null || v.isNull()) {
      return null;
    }
    Object java;
    if (c.type().kind() == ColumnType.Kind.JSONB) {
      java = v.toString();
    } else if (v.isTextual()) {
      java = v.textValue();
    } else if (v.isBoolean()) {
      java = v.booleanValue();
    } else if (v.isIntegralNumber()) {
      java = v.canConvertToLong() ? (Object) v.longValue() : new BigDecimal(v.bigIntegerValue());
    } else if (v.isNumber()) {
      java = v.decimalValue();
    } else {
      throw invalid(index, where + "column \"" + c.name() + "\" is of type " + Values.pgName(c.type())
          + " and cannot take a JSON " + kind(v));
    }
    return convert(c, java, index, where);
  }

  static Object convert(ColumnInfo c, Object v, int index, String where) {
    try {
      return Values.toColumn(v, c);
    } catch (SqlError | ArithmeticException | IllegalArgumentException e) {
      throw invalid(index, where + "column \"" + c.name() + "\": " + e.getMessage());
    }
  }

  private static String kind(JsonNode n) {
    return n == null ? "an empty value" : n.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  private static String firstLine(IOException e) {
    String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    return m == null ? e.toString() : m.lines().findFirst().orElse(m);
  }

  // ---- encode ----

  /** The event key: scalar, object for composite keys, or the hidden row id. */
  public static byte[] encodeKey(TableSchema s, RowKey key) {
    try {
      if (!s.hasPrimaryKey()) {
        return JSON.writeValueAsBytes(key.values()[0]);
      }
      if (s.primaryKey().size() == 1) {
        return JSON.writeValueAsBytes(jsonValue(s.columnById(s.primaryKey().get(0)), key.values()[0]));
      }
      ObjectNode o = JSON.createObjectNode();
      for (int i = 0; i < s.primaryKey().size(); i++) {
        ColumnInfo c = s.columnById(s.primaryKey().get(i));
        o.set(c.name(), jsonValue(c, key.values()[i]));
      }
      return JSON.writeValueAsBytes(o);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The row as a JSON object of every column of {@code s}, in table order. */
  public static byte[] encodeRow(TableSchema s, Object[] image) {
    ObjectNode o = JSON.createObjectNode();
    for (ColumnInfo c : s.columns()) {
      o.set(c.name(), jsonValue(c, c.id() < image.length ? image[c.id()] : null));
    }
    try {
      return JSON.writeValueAsBytes(o);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode jsonValue(ColumnInfo c, Object v) {
    var f = JSON.getNodeFactory();
    if (v == null) {
      return f.nullNode();
    }
    return switch (c.type().kind()) {
      case SMALLINT, INTEGER, BIGINT -> f.numberNode(((Number) v).longValue());
      case REAL, DOUBLE -> {
        double d = ((Number) v).doubleValue();
        yield Double.isFinite(d) ? f.numberNode(d) : f.textNode(Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity"
            : "-Infinity");
      }
      case NUMERIC -> f.numberNode(v instanceof BigDecimal b ? b : new BigDecimal(v.toString()));
      case BOOLEAN -> f.booleanNode((Boolean) v);
      case DATE -> f.textNode(LocalDate.ofEpochDay(((Number) v).longValue()).toString());
      case TIMESTAMP, TIMESTAMPTZ -> {
        long ms = ((Number) v).longValue();
        if (ms == Long.MAX_VALUE || ms == Long.MIN_VALUE) {
          yield f.textNode(ms > 0 ? "infinity" : "-infinity");
        }
        yield f.textNode((c.type().kind() == ColumnType.Kind.TIMESTAMP ? TS : TSTZ).format(Instant.ofEpochMilli(ms)));
      }
      case BYTEA -> f.textNode(hex(v instanceof byte[] b ? b : v.toString().getBytes(StandardCharsets.UTF_8)));
      case JSONB -> {
        try {
          yield JSON.readTree(v.toString());
        } catch (IOException e) {
          yield f.textNode(v.toString());
        }
      }
      default -> f.textNode(v.toString());
    };
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder(2 + 2 * b.length).append("\\x");
    for (byte x : b) {
      s.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    }
    return s.toString();
  }
}
