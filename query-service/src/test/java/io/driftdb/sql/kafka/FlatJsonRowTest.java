package io.driftdb.sql.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdb.materializer.ColumnInfo;
import io.driftdb.materializer.ColumnType;
import io.driftdb.materializer.TableSchema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The flat-JSON short cut decodes exactly what the Jackson streaming path decodes, or declines. */
class FlatJsonRowTest {
  private static final TableSchema S = schema(new String[][] {
      {"id", "bigint"}, {"Payload", "varchar(40)"}, {"n", "integer"}, {"ok", "boolean"}, {"t", "text"},
      {"doc", "jsonb"}, {"d", "double precision"}, {"k\u212a", "text"}});

  private static TableSchema schema(String[][] cols) {
    List<ColumnInfo> list = new ArrayList<>();
    for (int i = 0; i < cols.length; i++) {
      list.add(new ColumnInfo(i, cols[i][0], ColumnType.parse(cols[i][1]), true, null));
    }
    return new TableSchema(1, "t", list, List.of(0), false, List.of(), List.of(), Map.of(), cols.length);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theCommonShapesTakeTheShortCutAndDecodeAsJacksonDoes() {
    String[] docs = {
        "{\"id\":1,\"payload\":\"abc\"}",
        " {\n\t\"ID\" : -42 , \"PAYLOAD\": \"x y ~ \u007f\" ,\"n\":0,\"ok\":true,\"t\":null}\r\n",
        "{\"ok\":false,\"n\":-0,\"id\":123456789012345678}",
        "{\"d\":7,\"t\":\"\"}",
        "{}",
        "{\"n\":\"12\",\"ok\":\"yes\",\"d\":\"NaN\"}"};
    for (String d : docs) {
      Map<Integer, Object> flat = FlatJsonRow.read(S, utf8(d), 0);
      assertThat(flat).as(d).isNotNull();
      Map<Integer, Object> streamed = RowCodec.decodeJsonStreaming(S, utf8(d), 0);
      assertThat(List.copyOf(flat.keySet())).as(d).isEqualTo(List.copyOf(streamed.keySet()));
      assertThat(flat).as(d).isEqualTo(streamed);
    }
  }

  @Test
  void everythingElseIsLeftToTheGeneralPath() {
    String[] declined = {
        "{\"t\":\"a\\\"b\"}", "{\"t\":\"h\u00e9\"}", "{\"d\":1.5}", "{\"d\":1e3}", "{\"doc\":{\"a\":1}}",
        "{\"doc\":\"x\"}", "{\"t\":[1]}", "{\"n\":01}", "{\"id\":1234567890123456789}", "{\"id\":1,}",
        "{\"id\":1} x", "{\"id\":1}{}", "\ufeff{\"id\":1}", "{\"id\":tru}", "{\"id\":truex}", "{\"nope\":1}",
        "{\"id\":1,\"ID\":2}", "{\"n\":\"x\"}", "{\"n\":99999999999}", "{\"t\":\"a\tb\"}", "{\"kk\":\"x\"}",
        "{\"k\u212a\":\"x\"}", "[1]", "\"s\"", "", "{", "{\"id\"", "{\"id\":", "{\"id\" 1}", "{'id':1}", "{id:1}"};
    for (String d : declined) {
      assertThat(FlatJsonRow.read(S, utf8(d), 0)).as(d).isNull();
    }
  }

  @Test
  void randomFlatDocumentsDecodeAsJacksonDoesWheneverTheShortCutTakesThem() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    String[] names = {"id", "ID", "payload", "Payload", "n", "ok", "t", "d", "doc", "zz"};
    String[] values = {"0", "-1", "17", "007", "-", "1.0", "2e2", "true", "false", "null", "nul", "\"\"",
        "\"abc\"", "\"12\"", "\"a\\nb\"", "\"\u00fc\"", "\"true\"", "{}", "[]", "99999999999999999999"};
    int taken = 0;
    for (int i = 0; i < 3000; i++) {
      StringBuilder d = new StringBuilder(r.nextInt(10) == 0 ? " {" : "{");
      int fields = r.nextInt(5);
      for (int f = 0; f < fields; f++) {
        if (f > 0) {
          d.append(r.nextInt(8) == 0 ? " , " : ",");
        }
        d.append('"').append(names[r.nextInt(names.length)]).append('"').append(r.nextBoolean() ? ":" : " : ")
            .append(values[r.nextInt(values.length)]);
      }
      d.append(r.nextInt(20) == 0 ? "," : "").append('}').append(r.nextInt(20) == 0 ? "\n" : "");
      byte[] b = utf8(d.toString());
      Map<Integer, Object> flat = FlatJsonRow.read(S, b, 0);
      if (flat != null) {
        taken++;
        Map<Integer, Object> streamed = RowCodec.decodeJsonStreaming(S, b, 0);
        assertThat(streamed).as("seed %d: %s", seed, d).isNotNull();
        assertThat(List.copyOf(flat.keySet())).as("seed %d: %s", seed, d).isEqualTo(List.copyOf(streamed.keySet()));
        assertThat(flat).as("seed %d: %s", seed, d).isEqualTo(streamed);
      }
    }
    assertThat(taken).as("seed %d", seed).isGreaterThan(100);
  }

  @Test
  void longStringsAreScannedEightBytesAtATimeWithoutMissingASpecialByte() {
    String[] specials = {"\\\"", "\\n", "\t", "\u0001", "\u00e9", "\u20ac", "\u007f", "~", " "};
    for (String special : specials) {
      boolean plain = special.length() == 1 && special.charAt(0) >= 0x20 && special.charAt(0) < 0x80;
      for (int at = 0; at < 30; at++) {
        String text = "x".repeat(at) + special + "y".repeat(29 - at);
        String doc = "{\"t\":\"" + text + "\"}";
        Map<Integer, Object> flat = FlatJsonRow.read(S, utf8(doc), 0);
        assertThat(flat != null).as(doc).isEqualTo(plain);
        if (plain) {
          assertThat(flat).as(doc).isEqualTo(RowCodec.decodeJsonStreaming(S, utf8(doc), 0));
          assertThat(flat.get(4)).isEqualTo(text);
        }
      }
    }
  }
}
