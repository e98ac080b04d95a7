package io.driftdb.sql.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Values in Avro single-object encoding whose fingerprint matches the table's schema. */
class KafkaAvroValuesTest {
  @TempDir
  Path dir;
  private KafkaDb db;

  @BeforeEach
  void open() {
    db = new KafkaDb(dir);
    db.exec("CREATE TABLE readings (id BIGINT PRIMARY KEY, sensor VARCHAR(8) NOT NULL, celsius DOUBLE PRECISION, "
        + "price NUMERIC(6,2), taken TIMESTAMP, taken_on DATE, raw BYTEA)");
  }

  @AfterEach
  void close() {
    db.close();
  }

  private Schema tableSchema() {
    return new Schema.Parser().parse((String) db.exec("SELECT driftdb_avro_schema('readings')").rows().get(0)[0]);
  }

  private static byte[] encode(Schema schema, GenericRecord r) throws Exception {
    ByteBuffer b = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(r);
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private GenericRecord reading(Schema schema, long id, String sensor) {
    GenericRecord r = new GenericData.Record(schema);
    r.put("id", id);
    r.put("sensor", sensor);
    r.put("celsius", 21.5);
    r.put("price", "12.30");
    r.put("taken", 1_761_307_200_123_000L); // 2025-10-24 12:00:00.123 UTC in microseconds
    r.put("taken_on", 20_385); // 2025-10-24
    r.put("raw", ByteBuffer.wrap(new byte[] {1, 2, 3}));
    return r;
  }

  @Test
  void anAvroRowIsInsertedAndReadBackThroughSql() throws Exception {
    Schema schema = tableSchema();
    long seq;
    try (KafkaProducer<String, byte[]> p = db.bytesProducer()) {
      seq = p.send(new ProducerRecord<>("readings", "7", encode(schema, reading(schema, 7, "s-1")))).get().offset();
    }
    assertThat(db.rows("SELECT id, sensor, celsius, price, taken, taken_on FROM readings FOR SYSTEM_TIME AS OF @SEQ:"
        + seq)).containsExactly("7|s-1|21.5|12.30|2025-10-24T12:00:00.123|2025-10-24");
    assertThat(db.exec("SELECT raw FROM readings").rows().get(0)[0]).isEqualTo(new byte[] {1, 2, 3});
  }

  @Test
  void aValueWrittenWithAnotherSchemaIsRejectedAndChangesNothing() throws Exception {
    Schema other = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"readings\",\"fields\":["
        + "{\"name\":\"id\",\"type\":\"long\"}]}");
    GenericRecord r = new GenericData.Record(other);
    r.put("id", 1L);
    Schema schema = tableSchema();
    byte[] tooLong = encode(schema, reading(schema, 2, "much-too-long"));
    long head = db.headSeq();
    try (KafkaProducer<String, byte[]> p = db.bytesProducer()) {
      for (byte[] bad : new byte[][] {encode(other, r), tooLong, new byte[] {(byte) 0xC3, 1, 0}}) {
        assertThatThrownBy(() -> p.send(new ProducerRecord<>("readings", "1", bad)).get())
            .isInstanceOf(ExecutionException.class).cause().isInstanceOf(InvalidRecordException.class);
      }
    }
    assertThat(db.headSeq()).isEqualTo(head);
    assertThat(db.rows("SELECT count(*) FROM readings")).containsExactly("0");
  }
}
