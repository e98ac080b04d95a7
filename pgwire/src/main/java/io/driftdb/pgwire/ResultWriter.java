package io.driftdb.pgwire;

import io.driftdb.pgwire.codec.BinaryCodec;
import io.driftdb.pgwire.codec.TextCodec;
import io.driftdb.sql.Column;
import io.driftdb.sql.PgType;
import io.driftdb.sql.SqlError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.List;

/** Encodes result rows as DataRow messages in the text or binary format the client asked for. */
final class ResultWriter {

  private ResultWriter() {}

  /**
   * Appends one DataRow. If a value cannot be encoded, the partly written message is removed
   * before the exception propagates, so the stream stays well-formed for the ErrorResponse.
   */
  static void dataRow(ByteBuf out, List<Column> columns, Object[] row, short[] formats, TextCodec text) {
    if (row.length != columns.size()) {
      throw new SqlError(SqlError.INTERNAL_ERROR,
          "engine returned a row of " + row.length + " values for " + columns.size() + " columns");
    }
    int rowStart = out.writerIndex();
    try {
      int at = BackendMessages.begin(out, 'D');
      out.writeShort(columns.size());
      for (int i = 0; i < row.length; i++) {
        Object value = row[i];
        if (value == null) {
          out.writeInt(-1);
          continue;
        }
        PgType type = columns.get(i).type() == null ? PgType.UNKNOWN : columns.get(i).type();
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        if (BackendMessages.formatOf(formats, i) == 1) {
          BinaryCodec.encode(type, value, out, text);
        } else {
          ByteBufUtil.writeUtf8(out, text.encode(type, value));
        }
        out.setInt(lengthIndex, out.writerIndex() - lengthIndex - 4);
      }
      BackendMessages.end(out, at);
    } catch (RuntimeException e) {
      out.writerIndex(rowStart);
      if (e instanceof SqlError) {
        throw e;
      }
      throw new SqlError(SqlError.INTERNAL_ERROR, "cannot encode result value: " + e.getMessage(), e);
    }
  }
}
