package io.driftdb.materializer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * A table's row as an Avro record, for producers that send Avro single-object encoded values
 * to the Kafka gateway. Field types are the log's own value encodings (RowEvent.avsc), so a
 * decoded field is a log value; nullable columns are {@code ["null", T]} with default null.
 * The schema follows the table's current columns; its fingerprint (CRC-64-AVRO of the parsing
 * canonical form) is what a value's header must carry.
 */
public record TableAvroSchema(Schema schema, long fingerprint) {
  private static final Pattern AVRO_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** The Avro schema of {@code table}'s rows; throws IllegalArgumentException if a name is not a valid Avro name. */
  public static TableAvroSchema of(TableSchema table) {
    requireName(table.name(), "table");
    List<Schema.Field> fields = new ArrayList<>();
    for (ColumnInfo c : table.columns()) {
      requireName(c.name(), "column");
      Schema type = avroType(c.type());
      if (c.nullable()) {
        fields.add(new Schema.Field(c.name(), Schema.createUnion(Schema.create(Schema.Type.NULL), type), null,
            JsonProperties.NULL_VALUE));
      } else {
        fields.add(new Schema.Field(c.name(), type));
      }
    }
    Schema s = Schema.createRecord(table.name(), "Rows of DriftDB table " + table.name(), "io.driftdb.tables", false,
        fields);
    return new TableAvroSchema(s, SchemaNormalization.parsingFingerprint64(s));
  }

  private static void requireName(String name, String what) {
    if (!AVRO_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(what + " name \"" + name + "\" is not a valid Avro name, so the table has "
          + "no Avro schema; send JSON values");
    }
  }

  private static Schema avroType(ColumnType t) {
    return switch (t.kind()) {
      case SMALLINT, INTEGER -> Schema.create(Schema.Type.INT);
      case BIGINT -> Schema.create(Schema.Type.LONG);
      case REAL -> Schema.create(Schema.Type.FLOAT);
      case DOUBLE -> Schema.create(Schema.Type.DOUBLE);
      case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
      case BYTEA -> Schema.create(Schema.Type.BYTES);
      case DATE -> LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
      case TIMESTAMP, TIMESTAMPTZ -> LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
      case NUMERIC, TEXT, VARCHAR, CHAR, JSONB, UUID -> Schema.create(Schema.Type.STRING);
    };
  }
}
