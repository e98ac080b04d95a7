package io.driftdb.sql.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdb.log.kafka.TopicBackend.ProducedRecord;
import io.driftdb.log.kafka.TopicBackendException;
import io.driftdb.materializer.ColumnInfo;
import io.driftdb.materializer.ColumnType;
import io.driftdb.materializer.RowKey;
import io.driftdb.materializer.TableSchema;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JSON ↔ row conversion of the Kafka gateway, without an engine. */
class RowCodecTest {
  private static final String[][] COLUMNS = {
      {"id", "varchar(10)"}, {"n", "smallint"}, {"i", "integer"}, {"b", "bigint"}, {"r", "real"},
      {"d", "double precision"}, {"num", "numeric(8,3)"}, {"ok", "boolean"}, {"t", "text"}, {"day", "date"},
      {"ts", "timestamp"}, {"tz", "timestamptz"}, {"raw", "bytea"}, {"doc", "jsonb"}, {"u", "uuid"}, {"c", "char(3)"}};

  private static TableSchema schema(List<Integer> pk, String[][] cols) {
    List<ColumnInfo> list = new ArrayList<>();
    for (int i = 0; i < cols.length; i++) {
      list.add(new ColumnInfo(i, cols[i][0], ColumnType.parse(cols[i][1]), true, null));
    }
    return new TableSchema(1, "t", list, pk, false, List.of(), List.of(), Map.of(), cols.length);
  }

  private static ProducedRecord rec(String key, String value) {
    return new ProducedRecord(key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        value == null ? null : value.getBytes(StandardCharsets.UTF_8), 0);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void anEncodedEventDecodesBackToTheSameRow() {
    TableSchema s = schema(List.of(0), COLUMNS);
    String json = "{\"id\":\"k1\",\"n\":7,\"i\":-5,\"b\":9007199254740993,\"r\":1.5,\"d\":\"NaN\",\"num\":12.345,"
        + "\"ok\":true,\"t\":\"h\u00e9llo \\\"q\\\"\",\"day\":\"2025-02-28\",\"ts\":\"2025-02-28T13:14:15.123\","
        + "\"tz\":\"2025-02-28T13:14:15.123Z\",\"raw\":\"\\\\x00ff10\",\"doc\":{\"a\":[1,true,null]},"
        + "\"u\":\"123e4567-e89b-12d3-a456-426614174000\",\"c\":\"ab \"}";
    RowCodec.Change c = RowCodec.decode(s, rec("k1", json), 0);
    Object[] image = new Object[COLUMNS.length];
    c.row().forEach((id, v) -> image[id] = v);
    assertThat(image[1]).isEqualTo((short) 7);
    assertThat(image[3]).isEqualTo(9007199254740993L);
    assertThat(image[6]).isEqualTo(new BigDecimal("12.345"));
    assertThat((double) image[5]).isNaN();
    assertThat(image[12]).isEqualTo(new byte[] {0, (byte) 0xff, 0x10});
    assertThat(image[13]).isEqualTo("{\"a\":[1,true,null]}");
    String encoded = text(RowCodec.encodeRow(s, image));
    assertThat(encoded).isEqualTo(json);
    RowCodec.Change again = RowCodec.decode(s, rec(text(RowCodec.encodeKey(s, c.key())), encoded), 0);
    assertThat(again.key()).isEqualTo(c.key());
    assertThat(text(RowCodec.encodeRow(s, toImage(again)))).isEqualTo(json);
  }

  private static Object[] toImage(RowCodec.Change c) {
    Object[] image = new Object[COLUMNS.length];
    c.row().forEach((id, v) -> image[id] = v);
    return image;
  }

  @Test
  void keysComeAsRawTextJsonScalarsObjectsOrArrays() {
    TableSchema one = schema(List.of(0), new String[][] {{"id", "integer"}, {"v", "text"}});
    for (String k : new String[] {"42", "\"42\"", "{\"id\": 42}", "{\"ID\": \"42\"}", "[42]"}) {
      assertThat(RowCodec.decode(one, rec(k, "{}"), 0).key()).as(k).isEqualTo(RowKey.of(42));
    }
    assertThat(RowCodec.decode(one, rec(null, "{\"id\": 42}"), 0).key()).isEqualTo(RowKey.of(42));
    TableSchema text = schema(List.of(0), new String[][] {{"id", "text"}});
    assertThat(RowCodec.decode(text, rec("user 1", null), 0).key()).isEqualTo(RowKey.of("user 1"));
    assertThat(RowCodec.decode(text, rec("\"user 1\"", null), 0).key()).isEqualTo(RowKey.of("user 1"));
    assertThat(text(RowCodec.encodeKey(text, RowKey.of("user 1")))).isEqualTo("\"user 1\"");

    TableSchema two = schema(List.of(1, 0), new String[][] {{"a", "integer"}, {"b", "text"}});
    assertThat(RowCodec.decode(two, rec("{\"a\": 1, \"b\": \"x\"}", null), 0).key()).isEqualTo(RowKey.of("x", 1));
    assertThat(RowCodec.decode(two, rec("[\"x\", 1]", null), 0).key()).isEqualTo(RowKey.of("x", 1));
    assertThat(text(RowCodec.encodeKey(two, RowKey.of("x", 1)))).isEqualTo("{\"b\":\"x\",\"a\":1}");
  }

  @Test
  void badRecordsNameTheRecordAndTheProblem() {
    TableSchema s = schema(List.of(0), new String[][] {{"id", "integer"}, {"v", "text"}});
    Object[][] cases = {
        {rec("1", "{\"v\": \"a\", \"v\": \"b\"}"), "Duplicate field 'v'"},
        {rec("1", "{\"v\": \"a\"} trailing"), "not valid JSON"},
        {rec("1", "\"just a string\""), "must be a JSON object (one row), not string"},
        {rec("1", "{\"w\": 1}"), "column \"w\" of relation \"t\" does not exist"},
        {rec("1", "{\"id\": 2}"), "the key says id = 1 but the value has id = 2"},
        {rec("x", "{}"), "key: column \"id\": invalid input syntax for type integer: \"x\""},
        {rec("{\"id\": 1, \"z\": 2}", "{}"), "\"z\", which is not part of the primary key"},
        {rec("null", "{}"), "the key is JSON null"},
        {rec(null, null), "a delete (null value) needs a key"},
        {rec(null, "{\"v\": \"a\"}"), "the record has no key and its value has no \"id\""},
        {rec("1", "{\"v\": [1]}"), "column \"v\" is of type text and cannot take a JSON array"},
        {new ProducedRecord("1".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xC3, 1, 2, 3}, 0),
            "the Avro single-object header is truncated"},
        {new ProducedRecord("1".getBytes(StandardCharsets.UTF_8),
            new byte[] {(byte) 0xC3, 1, 1, 2, 3, 4, 5, 6, 7, 8, 2}, 0), "is not the schema of table \"t\""},
        {new ProducedRecord(new byte[] {(byte) 0xff}, null, 0), "the key is not UTF-8 text"},
    };
    for (Object[] c : cases) {
      assertThatThrownBy(() -> RowCodec.decode(s, (ProducedRecord) c[0], 3))
          .isInstanceOf(TopicBackendException.class)
          .hasMessageStartingWith("record 3: ")
          .hasMessageContaining((String) c[1])
          .satisfies(e -> assertThat(((TopicBackendException) e).recordIndex()).isEqualTo(3));
    }
    TableSchema keyless = schema(List.of(), new String[][] {{"v", "text"}});
    assertThatThrownBy(() -> RowCodec.decode(keyless, rec("k", null), 0)).hasMessageContaining("has no primary key");
  }

  @Test
  void streamingDecodingGivesWhatTheTreeDecodingGives() {
    TableSchema s = schema(List.of(2), COLUMNS);
    String[] docs = {
        "{\"i\": 1, \"b\": -9223372036854775808, \"num\": 1.50, \"d\": 2.5e3, \"r\": 7, \"t\": \"x\", \"ok\": false}",
        "{\"d\": 123456789012345678901234567890, \"i\": 2, \"doc\": \"text\", \"n\": null}",
        "{\"doc\": [1, {\"a\": 2.50}], \"I\": 3, \"id\": 12, \"c\": \"ab\", \"day\": \"2025-01-02\"}",
        "{\"doc\": 1.0, \"i\": 4, \"ts\": \"2025-01-02 10:00:00\", \"raw\": \"\\\\x0a\", \"ok\": \"true\"}",
        "{}"};
    for (String d : docs) {
      byte[] b = d.getBytes(StandardCharsets.UTF_8);
      Map<Integer, Object> streamed = RowCodec.decodeJsonStreaming(s, b, 0);
      assertThat(streamed).as(d).isNotNull();
      assertThat(streamed.keySet()).as(d).containsExactlyElementsOf(RowCodec.decodeJsonTree(s, b, 0).keySet());
      RowCodec.decodeJsonTree(s, b, 0).forEach((id, v) -> assertThat(streamed.get(id)).as(d + " column " + id)
          .isEqualTo(v));
    }
    // Whatever the streaming decoder does not take, the tree decoder words the error of.
    for (String bad : new String[] {"{\"i\": 1} {}", "{\"i\": 1, \"i\": 2}", "{\"i\": 1, \"I\": 2}", "[1]", "{\"x\": 1}",
        "{\"i\": \"one\"}", "{\"i\": [1]}", "{\"i\": 1", "null", ""}) {
      assertThat(RowCodec.decodeJsonStreaming(s, bad.getBytes(StandardCharsets.UTF_8), 0)).as(bad).isNull();
      assertThatThrownBy(() -> RowCodec.decode(s, rec("1", bad), 0)).as(bad).isInstanceOf(TopicBackendException.class);
    }
    // Numeric keys take a short cut; "007" is not JSON, so it stays text.
    TableSchema textKey = schema(List.of(0), new String[][] {{"id", "text"}});
    assertThat(RowCodec.decode(textKey, rec("007", null), 0).key()).isEqualTo(RowKey.of("007"));
    assertThat(RowCodec.decode(textKey, rec("-12", null), 0).key()).isEqualTo(RowKey.of("-12"));
    TableSchema intKey = schema(List.of(0), new String[][] {{"id", "bigint"}});
    assertThat(RowCodec.decode(intKey, rec("-0", null), 0).key()).isEqualTo(RowKey.of(0L));
    assertThat(RowCodec.decode(intKey, rec("123456789012345678", null), 0).key())
        .isEqualTo(RowKey.of(123456789012345678L));
  }
}
