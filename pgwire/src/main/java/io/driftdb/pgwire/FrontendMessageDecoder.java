package io.driftdb.pgwire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Frames the byte stream into {@link FrontendMessage}s. Before startup, packets are
 * {@code int32 length, int32 code, body}; afterwards {@code byte type, int32 length, body}. Any
 * malformation (bad length, truncated body, unknown type byte, oversized message) becomes a single
 * {@link FrontendMessage.ProtocolViolation}; the decoder then discards all further input because
 * the framing can no longer be trusted.
 */
final class FrontendMessageDecoder extends ByteToMessageDecoder {

  static final int SSL_REQUEST_CODE = 80877103;
  static final int GSSENC_REQUEST_CODE = 80877104;
  static final int CANCEL_REQUEST_CODE = 80877102;
  /** PostgreSQL's MAX_STARTUP_PACKET_LENGTH: startup packets are small. */
  static final int MAX_STARTUP_PACKET = 10_000;

  private final int maxMessageSize;
  private boolean startupPhase = true;
  private boolean failed;

  FrontendMessageDecoder(int maxMessageSize) {
    this.maxMessageSize = maxMessageSize;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    try {
      FrontendMessage msg = startupPhase ? decodeStartupPacket(in) : decodeMessage(in);
      if (msg != null) {
        out.add(msg);
      }
    } catch (Malformed e) {
      fail(in, out, e.getMessage());
    } catch (NotUtf8 e) {
      if (startupPhase) {
        fail(in, out, "invalid byte sequence for encoding \"UTF8\" in startup packet");
      } else {
        out.add(new FrontendMessage.InvalidEncoding(e.type)); // framing is intact: keep going
      }
    }
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (!failed && in.isReadable()) {
      decode(ctx, in, out); // a complete trailing message still counts
    }
    if (!failed && in.isReadable()) {
      fail(in, out, "unexpected EOF within message");
    }
  }

  private void fail(ByteBuf in, List<Object> out, String message) {
    failed = true;
    in.skipBytes(in.readableBytes());
    out.add(new FrontendMessage.ProtocolViolation(message));
  }

  private FrontendMessage decodeStartupPacket(ByteBuf in) {
    if (in.readableBytes() < 4) {
      return null;
    }
    int length = in.getInt(in.readerIndex());
    if (length < 8 || length > MAX_STARTUP_PACKET) {
      throw new Malformed("invalid length of startup packet");
    }
    if (in.readableBytes() < length) {
      return null;
    }
    in.skipBytes(4);
    ByteBuf body = in.readSlice(length - 4);
    int code = body.readInt();
    switch (code) {
      case SSL_REQUEST_CODE:
        expectEmpty(body, "SSLRequest");
        return new FrontendMessage.SslRequest();
      case GSSENC_REQUEST_CODE:
        expectEmpty(body, "GSSENCRequest");
        return new FrontendMessage.GssEncRequest();
      case CANCEL_REQUEST_CODE:
        if (body.readableBytes() != 8) {
          throw new Malformed("invalid length of cancel request packet");
        }
        return new FrontendMessage.CancelRequest(body.readInt(), body.readInt());
      default:
        break;
    }
    Map<String, String> params = new LinkedHashMap<>();
    if (code >> 16 == 3) {
      // Parameters are name/value cstring pairs ended by an empty name.
      while (true) {
        String name = readCString(body);
        if (name.isEmpty()) {
          break;
        }
        params.put(name, readCString(body));
      }
      expectEmpty(body, "StartupMessage");
      startupPhase = false;
    }
    // Other major versions are answered with an error by the connection, not as bad framing.
    return new FrontendMessage.Startup(code, Collections.unmodifiableMap(params));
  }

  private FrontendMessage decodeMessage(ByteBuf in) {
    if (in.readableBytes() < 5) {
      return null;
    }
    int start = in.readerIndex();
    char type = (char) in.getUnsignedByte(start);
    long length = in.getUnsignedInt(start + 1);
    if (length < 4 || length > maxMessageSize) {
      throw new Malformed(length < 4
          ? "invalid message length " + length
          : "message of " + length + " bytes exceeds the limit of " + maxMessageSize);
    }
    if (!isKnownType(type)) {
      throw new Malformed(String.format("invalid frontend message type %d", (int) type));
    }
    if (in.readableBytes() < 1 + length) {
      return null;
    }
    in.skipBytes(5);
    ByteBuf body = in.readSlice((int) length - 4);
    try {
      FrontendMessage msg = parseBody(type, body);
      expectEmpty(body, describe(type));
      return msg;
    } catch (NotUtf8 e) {
      throw new NotUtf8(type);
    }
  }

  private static boolean isKnownType(char type) {
    return "pQPBDECSHXdcfF".indexOf(type) >= 0;
  }

  private static FrontendMessage parseBody(char type, ByteBuf body) {
    switch (type) {
      case 'p': {
        byte[] payload = new byte[body.readableBytes()];
        body.readBytes(payload);
        return new FrontendMessage.AuthResponse(payload);
      }
      case 'Q':
        return new FrontendMessage.Query(readCString(body));
      case 'P': {
        String name = readCString(body);
        String sql = readCString(body);
        int count = readCount(body, 4);
        List<Integer> oids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          oids.add(body.readInt());
        }
        return new FrontendMessage.Parse(name, sql, Collections.unmodifiableList(oids));
      }
      case 'B': {
        String portal = readCString(body);
        String statement = readCString(body);
        short[] paramFormats = readShorts(body);
        int paramCount = readCount(body, 4);
        List<byte[]> params = new ArrayList<>(paramCount);
        for (int i = 0; i < paramCount; i++) {
          need(body, 4);
          int len = body.readInt();
          if (len == -1) {
            params.add(null);
          } else if (len < 0 || len > body.readableBytes()) {
            throw new Malformed("invalid parameter length in Bind message");
          } else {
            byte[] value = new byte[len];
            body.readBytes(value);
            params.add(value);
          }
        }
        short[] resultFormats = readShorts(body);
        return new FrontendMessage.Bind(portal, statement, paramFormats, Collections.unmodifiableList(params),
            resultFormats);
      }
      case 'D': {
        need(body, 1);
        char kind = (char) body.readByte();
        if (kind != 'S' && kind != 'P') {
          throw new Malformed("invalid DESCRIBE message subtype " + (int) kind);
        }
        return new FrontendMessage.Describe(kind, readCString(body));
      }
      case 'E': {
        String portal = readCString(body);
        need(body, 4);
        return new FrontendMessage.Execute(portal, body.readInt());
      }
      case 'C': {
        need(body, 1);
        char kind = (char) body.readByte();
        if (kind != 'S' && kind != 'P') {
          throw new Malformed("invalid CLOSE message subtype " + (int) kind);
        }
        return new FrontendMessage.Close(kind, readCString(body));
      }
      case 'S':
        return new FrontendMessage.Sync();
      case 'H':
        return new FrontendMessage.Flush();
      case 'X':
        return new FrontendMessage.Terminate();
      case 'd': {
        byte[] data = new byte[body.readableBytes()];
        body.readBytes(data);
        return new FrontendMessage.CopyData(data);
      }
      case 'c':
        return new FrontendMessage.CopyDone();
      case 'f':
        return new FrontendMessage.CopyFail(readCString(body));
      case 'F':
        body.skipBytes(body.readableBytes());
        return new FrontendMessage.FunctionCall();
      default:
        throw new Malformed("invalid frontend message type " + (int) type);
    }
  }

  private static String describe(char type) {
    return switch (type) {
      case 'Q' -> "Query";
      case 'P' -> "Parse";
      case 'B' -> "Bind";
      case 'D' -> "Describe";
      case 'E' -> "Execute";
      case 'C' -> "Close";
      case 'S' -> "Sync";
      case 'H' -> "Flush";
      case 'X' -> "Terminate";
      case 'c' -> "CopyDone";
      case 'f' -> "CopyFail";
      default -> "'" + type + "'";
    };
  }

  private static short[] readShorts(ByteBuf body) {
    int count = readCount(body, 2);
    short[] values = new short[count];
    for (int i = 0; i < count; i++) {
      values[i] = body.readShort();
    }
    return values;
  }

  /** Reads an int16 count and checks that {@code count * minEach} bytes can follow. */
  private static int readCount(ByteBuf body, int minEach) {
    need(body, 2);
    int count = body.readUnsignedShort();
    if ((long) count * minEach > body.readableBytes()) {
      throw new Malformed("invalid message format");
    }
    return count;
  }

  private static void need(ByteBuf body, int bytes) {
    if (body.readableBytes() < bytes) {
      throw new Malformed("invalid message format");
    }
  }

  private static String readCString(ByteBuf body) {
    int end = body.indexOf(body.readerIndex(), body.writerIndex(), (byte) 0);
    if (end < 0) {
      throw new Malformed("invalid string in message");
    }
    if (!ByteBufUtil.isText(body, body.readerIndex(), end - body.readerIndex(), StandardCharsets.UTF_8)) {
      throw new NotUtf8('?');
    }
    String s = body.toString(body.readerIndex(), end - body.readerIndex(), StandardCharsets.UTF_8);
    body.readerIndex(end + 1);
    return s;
  }

  private static void expectEmpty(ByteBuf body, String what) {
    if (body.isReadable()) {
      throw new Malformed("invalid message format: " + what + " has trailing bytes");
    }
  }

  /** Internal signal for text that is not UTF-8 inside an otherwise well-formed message. */
  private static final class NotUtf8 extends RuntimeException {
    private final char type;

    NotUtf8(char type) {
      super(null, null, false, false);
      this.type = type;
    }

    private static final long serialVersionUID = 1L;
  }

  /** Internal signal for a malformed frame. */
  private static final class Malformed extends RuntimeException {
    Malformed(String message) {
      super(message, null, false, false);
    }

    private static final long serialVersionUID = 1L;
  }
}
