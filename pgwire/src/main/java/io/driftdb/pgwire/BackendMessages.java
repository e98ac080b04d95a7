package io.driftdb.pgwire;

import io.driftdb.sql.Column;
import io.driftdb.sql.PgType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.List;

/**
 * Encoders for the server-to-client messages, appending to a ByteBuf. Each message is
 * {@code byte type, int32 length (including itself), body}; {@link #begin} reserves the length
 * and {@link #end} fills it in once the body is written.
 */
final class BackendMessages {

  static final int AUTH_OK = 0;
  static final int AUTH_MD5 = 5;
  static final int AUTH_SASL = 10;
  static final int AUTH_SASL_CONTINUE = 11;
  static final int AUTH_SASL_FINAL = 12;

  private BackendMessages() {}

  /** Starts a message of {@code type}; returns the index of its length field for {@link #end}. */
  static int begin(ByteBuf out, char type) {
    out.writeByte(type);
    int lengthIndex = out.writerIndex();
    out.writeInt(0);
    return lengthIndex;
  }

  static void end(ByteBuf out, int lengthIndex) {
    out.setInt(lengthIndex, out.writerIndex() - lengthIndex);
  }

  static void cstring(ByteBuf out, String s) {
    ByteBufUtil.writeUtf8(out, s);
    out.writeByte(0);
  }

  static void authentication(ByteBuf out, int code, byte[] data) {
    int at = begin(out, 'R');
    out.writeInt(code);
    if (data != null) {
      out.writeBytes(data);
    }
    end(out, at);
  }

  static void parameterStatus(ByteBuf out, String name, String value) {
    int at = begin(out, 'S');
    cstring(out, name);
    cstring(out, value);
    end(out, at);
  }

  static void backendKeyData(ByteBuf out, int processId, int secretKey) {
    int at = begin(out, 'K');
    out.writeInt(processId);
    out.writeInt(secretKey);
    end(out, at);
  }

  static void negotiateProtocolVersion(ByteBuf out, int newestMinor, List<String> unsupportedOptions) {
    int at = begin(out, 'v');
    out.writeInt(newestMinor);
    out.writeInt(unsupportedOptions.size());
    for (String option : unsupportedOptions) {
      cstring(out, option);
    }
    end(out, at);
  }

  static void readyForQuery(ByteBuf out, char status) {
    int at = begin(out, 'Z');
    out.writeByte(status);
    end(out, at);
  }

  /** RowDescription; {@code formats} as Bind sent them (0, 1 or one entry per column). */
  static void rowDescription(ByteBuf out, List<Column> columns, short[] formats) {
    int at = begin(out, 'T');
    out.writeShort(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      Column column = columns.get(i);
      PgType type = column.type() == null ? PgType.UNKNOWN : column.type();
      cstring(out, column.name());
      out.writeInt(0); // table OID: not a plain table column as far as the protocol is concerned
      out.writeShort(0); // attribute number
      out.writeInt(type.oid());
      out.writeShort(type.size());
      out.writeInt(-1); // type modifier
      out.writeShort(formatOf(formats, i));
    }
    end(out, at);
  }

  static short formatOf(short[] formats, int index) {
    if (formats == null || formats.length == 0) {
      return 0;
    }
    return formats.length == 1 ? formats[0] : formats[index];
  }

  static void parameterDescription(ByteBuf out, List<PgType> types) {
    int at = begin(out, 't');
    out.writeShort(types.size());
    for (PgType type : types) {
      // An undetermined parameter is described as text so clients send it as a string.
      out.writeInt(type == null || type == PgType.UNKNOWN ? PgType.TEXT.oid() : type.oid());
    }
    end(out, at);
  }

  static void commandComplete(ByteBuf out, String tag) {
    int at = begin(out, 'C');
    cstring(out, tag);
    end(out, at);
  }

  static void empty(ByteBuf out, char type) {
    out.writeByte(type);
    out.writeInt(4);
  }

  static void parseComplete(ByteBuf out) {
    empty(out, '1');
  }

  static void bindComplete(ByteBuf out) {
    empty(out, '2');
  }

  static void closeComplete(ByteBuf out) {
    empty(out, '3');
  }

  static void noData(ByteBuf out) {
    empty(out, 'n');
  }

  static void portalSuspended(ByteBuf out) {
    empty(out, 's');
  }

  static void emptyQueryResponse(ByteBuf out) {
    empty(out, 'I');
  }

  static void copyDone(ByteBuf out) {
    empty(out, 'c');
  }

  /** CopyInResponse ('G') or CopyOutResponse ('H'), text format for every column. */
  static void copyResponse(ByteBuf out, char type, int columnCount) {
    int at = begin(out, type);
    out.writeByte(0);
    out.writeShort(columnCount);
    for (int i = 0; i < columnCount; i++) {
      out.writeShort(0);
    }
    end(out, at);
  }

  static void copyData(ByteBuf out, byte[] data) {
    int at = begin(out, 'd');
    out.writeBytes(data);
    end(out, at);
  }

  /** ErrorResponse ('E') or NoticeResponse ('N') fields: severity, SQLSTATE, message, detail, hint. */
  static void error(ByteBuf out, PgException error) {
    notice(out, 'E', error.severity(), error.sqlState(), error.getMessage(), error.detail(), error.hint());
  }

  static void notice(ByteBuf out, char type, String severity, String sqlState, String message, String detail,
                     String hint) {
    int at = begin(out, type);
    field(out, 'S', severity);
    field(out, 'V', severity);
    field(out, 'C', sqlState);
    field(out, 'M', message == null ? "" : message);
    if (detail != null) {
      field(out, 'D', detail);
    }
    if (hint != null) {
      field(out, 'H', hint);
    }
    out.writeByte(0);
    end(out, at);
  }

  private static void field(ByteBuf out, char code, String value) {
    out.writeByte(code);
    cstring(out, value);
  }
}
