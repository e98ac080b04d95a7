package io.driftdb.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;

/**
 * Every TransactionRecord writer schema DriftDB has released, so a log written by an older
 * version stays readable. When the schema changes, copy the previous full schema to
 * {@code src/main/resources/io/driftdb/schemas/history/TransactionRecord-vN.avsc} and list it here.
 */
public final class SchemaHistory {
  private static final String[] RELEASED = {"TransactionRecord-v1.avsc"};

  private SchemaHistory() {}

  public static SchemaStore.Cache store() {
    SchemaStore.Cache cache = new SchemaStore.Cache();
    cache.addSchema(TransactionRecord.getClassSchema());
    for (String name : RELEASED) {
      cache.addSchema(load(name));
    }
    return cache;
  }

  static Schema load(String resource) {
    try (InputStream in = SchemaHistory.class.getResourceAsStream("history/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("missing schema resource " + resource);
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
