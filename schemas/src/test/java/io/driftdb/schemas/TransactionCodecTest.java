package io.driftdb.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.junit.jupiter.api.Test;

class TransactionCodecTest {
  private final TransactionCodec codec = new TransactionCodec();

  static TransactionRecord sample() {
    Schemas.init();
    DdlEvent create = DdlEvent.newBuilder()
        .setKind(DdlKind.CREATE_TABLE).setTableId(7).setTableName("users")
        .setColumns(List.of(
            ColumnDef.newBuilder().setId(0).setName("id").setSqlType("VARCHAR").setNullable(false).build(),
            ColumnDef.newBuilder().setId(1).setName("age").setSqlType("INTEGER").setDefaultExpr("0").build()))
        .setPrimaryKey(List.of(0))
        .setProperties(Map.of("history_retention", "90 days"))
        .build();
    RowEvent insert = RowEvent.newBuilder().setTableId(7).setOp(RowOp.INSERT)
        .setRow(Arrays.asList("u1", 30, null, 1.5d, true, ByteBuffer.wrap(new byte[] {1, 2}))).build();
    RowEvent delete = RowEvent.newBuilder().setTableId(7).setOp(RowOp.DELETE).setKey(List.of("u2")).build();
    return TransactionRecord.newBuilder().setUser("alice").setApplication("psql").setClientAddress("127.0.0.1")
        .setReason("fix typo").setStartSeq(41).setEvents(List.of(create, insert, delete)).build();
  }

  @Test
  void roundTripsEveryEventKind() {
    TransactionRecord original = sample();
    byte[] bytes = codec.encode(original);
    assertThat(codec.decode(bytes)).isEqualTo(original);
  }

  @Test
  void usesSingleObjectEncodingHeaderAndFingerprint() {
    byte[] bytes = codec.encode(sample());
    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    long fingerprint = SchemaNormalization.parsingFingerprint64(TransactionRecord.getClassSchema());
    long stored = ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(stored).isEqualTo(fingerprint);
  }

  @Test
  void rejectsForeignBytes() {
    assertThatThrownBy(() -> codec.decode("{\"id\":1}".getBytes())).isInstanceOf(RuntimeException.class);
  }

  /** A record written by an older schema (fewer fields) is read with the defaults of the new fields. */
  @Test
  void readsRecordsWrittenWithAnOlderSchema() {
    // The older writer: the current schema without two optional fields added later.
    Schema older = withoutField(TransactionRecord.getClassSchema(), "reason", "startSeq");
    GenericRecord rec = new GenericData.Record(older);
    rec.put("user", "bob");
    rec.put("application", null);
    rec.put("clientAddress", null);
    rec.put("events", List.of());
    byte[] bytes;
    try {
      ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(rec);
      bytes = new byte[buf.remaining()];
      buf.get(bytes);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    SchemaStore.Cache store = SchemaHistory.store();
    store.addSchema(older);
    TransactionRecord read = new TransactionCodec(store).decode(bytes);
    assertThat(read.getUser()).isEqualTo("bob");
    assertThat(read.getReason()).isNull();
    assertThat(read.getStartSeq()).isEqualTo(-1L);
    // Without the older schema in the store the fingerprint is unknown and decoding fails loudly.
    assertThatThrownBy(() -> new TransactionCodec(new SchemaStore.Cache()).decode(bytes))
        .isInstanceOf(RuntimeException.class);
  }

  /** Logs written by release 0.1 (schema v1, before cluster-mode validation) stay readable. */
  @Test
  void readsRecordsWrittenWithTheReleasedV1Schema() throws java.io.IOException {
    Schema v1 = SchemaHistory.load("TransactionRecord-v1.avsc");
    assertThat(v1.getField("validation")).isNull();
    GenericRecord rec = new GenericData.Record(v1);
    rec.put("user", "carol");
    rec.put("startSeq", 12L);
    rec.put("events", List.of());
    ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(rec);
    byte[] bytes = new byte[buf.remaining()];
    buf.get(bytes);
    TransactionRecord read = codec.decode(bytes);
    assertThat(read.getStartSeq()).isEqualTo(12L);
    assertThat(read.getValidation()).isNull();
  }

  @Test
  void roundTripsCommitValidation() {
    CommitValidation v = CommitValidation.newBuilder().setDependencyTables(List.of(3L)).setReadTables(List.of(4L))
        .setReadKeys(List.of(ReadKey.newBuilder().setTableId(7).setKey(List.of("u1", 2L)).build())).build();
    TransactionRecord original = TransactionRecord.newBuilder(sample()).setValidation(v).build();
    assertThat(codec.decode(codec.encode(original))).isEqualTo(original);
  }

  private static Schema withoutField(Schema schema, String... drop) {
    List<String> dropped = List.of(drop);
    List<Schema.Field> fields = schema.getFields().stream()
        .filter(f -> !dropped.contains(f.name()))
        .map(f -> new Schema.Field(f.name(), f.schema(), f.doc(), f.defaultVal()))
        .toList();
    return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }
}
