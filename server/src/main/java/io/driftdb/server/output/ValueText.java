package io.driftdb.server.output;

import io.driftdb.pgwire.codec.TextCodec;
import io.driftdb.sql.PgType;
import java.time.ZoneId;

/**
 * Renders values the way PostgreSQL's output functions do (the same text psql would show for
 * the same value sent over pgwire), by reusing pgwire's text codec. NULL renders as null.
 */
public final class ValueText {
  private final TextCodec codec;

  public ValueText(ZoneId zone) {
    this.codec = new TextCodec(zone);
  }

  /** The text of {@code value}, or null for SQL NULL. */
  public String text(PgType type, Object value) {
    return value == null ? null : codec.encode(type, value);
  }

  /** Numbers are right-aligned in tables and unquoted in JSON. */
  public static boolean isNumeric(PgType type) {
    switch (type) {
      case INT2: case INT4: case INT8: case OID: case FLOAT4: case FLOAT8: case NUMERIC:
        return true;
      default:
        return false;
    }
  }
}
