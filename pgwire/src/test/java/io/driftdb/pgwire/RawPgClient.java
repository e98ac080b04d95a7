package io.driftdb.pgwire;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A bare-socket protocol client for tests that need exact control of the bytes on the wire. */
final class RawPgClient implements AutoCloseable {

  /** A backend message: type byte and body (without the length). */
  record Msg(char type, byte[] body) {
    ByteBuffer buffer() {
      return ByteBuffer.wrap(body);
    }

    /** A field of an ErrorResponse/NoticeResponse, e.g. 'C' for the SQLSTATE. */
    String field(char code) {
      int i = 0;
      while (i < body.length && body[i] != 0) {
        char c = (char) body[i++];
        int end = i;
        while (body[end] != 0) {
          end++;
        }
        String value = new String(body, i, end - i, StandardCharsets.UTF_8);
        if (c == code) {
          return value;
        }
        i = end + 1;
      }
      return null;
    }

    String text() {
      int end = body.length;
      while (end > 0 && body[end - 1] == 0) {
        end--;
      }
      return new String(body, 0, end, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return type == 'E' || type == 'N' ? type + "[" + field('S') + " " + field('C') + " " + field('M') + "]" : String.valueOf(type);
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;

  RawPgClient(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    socket.setTcpNoDelay(true);
    in = new DataInputStream(socket.getInputStream());
    out = new DataOutputStream(socket.getOutputStream());
  }

  /** Connects in trust mode and reads through the first ReadyForQuery. */
  static RawPgClient connect(int port) throws IOException {
    RawPgClient c = new RawPgClient(port);
    c.startup(Map.of("user", "raw", "database", "db"));
    List<Msg> msgs = c.readUntil('Z');
    if (msgs.stream().noneMatch(m -> m.type() == 'K')) {
      throw new IllegalStateException("startup failed: " + msgs);
    }
    return c;
  }

  void startup(Map<String, String> params) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(body);
    d.writeInt(3 << 16);
    for (Map.Entry<String, String> e : params.entrySet()) {
      cstr(d, e.getKey());
      cstr(d, e.getValue());
    }
    d.writeByte(0);
    out.writeInt(body.size() + 4);
    out.write(body.toByteArray());
    out.flush();
  }

  void send(char type, byte[] body) throws IOException {
    out.writeByte(type);
    out.writeInt(body.length + 4);
    out.write(body);
    out.flush();
  }

  void raw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  void query(String sql) throws IOException {
    send('Q', cstring(sql));
  }

  void parse(String name, String sql, int... oids) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    cstr(d, name);
    cstr(d, sql);
    d.writeShort(oids.length);
    for (int oid : oids) {
      d.writeInt(oid);
    }
    send('P', b.toByteArray());
  }

  void bind(String portal, String statement, short[] paramFormats, List<byte[]> params, short[] resultFormats)
      throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    cstr(d, portal);
    cstr(d, statement);
    d.writeShort(paramFormats.length);
    for (short f : paramFormats) {
      d.writeShort(f);
    }
    d.writeShort(params.size());
    for (byte[] p : params) {
      if (p == null) {
        d.writeInt(-1);
      } else {
        d.writeInt(p.length);
        d.write(p);
      }
    }
    d.writeShort(resultFormats.length);
    for (short f : resultFormats) {
      d.writeShort(f);
    }
    send('B', b.toByteArray());
  }

  void describe(char kind, String name) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(kind);
    b.write(cstring(name));
    send('D', b.toByteArray());
  }

  void execute(String portal, int maxRows) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    cstr(d, portal);
    d.writeInt(maxRows);
    send('E', b.toByteArray());
  }

  void close(char kind, String name) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(kind);
    b.write(cstring(name));
    send('C', b.toByteArray());
  }

  void sync() throws IOException {
    send('S', new byte[0]);
  }

  void flush() throws IOException {
    send('H', new byte[0]);
  }

  void terminate() throws IOException {
    send('X', new byte[0]);
  }

  void copyData(String data) throws IOException {
    send('d', data.getBytes(StandardCharsets.UTF_8));
  }

  void copyDone() throws IOException {
    send('c', new byte[0]);
  }

  void copyFail(String message) throws IOException {
    send('f', cstring(message));
  }

  Msg read() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("server closed the connection");
    }
    int len = in.readInt();
    byte[] body = new byte[len - 4];
    in.readFully(body);
    return new Msg((char) type, body);
  }

  /** Reads one byte (the SSLRequest/GSSENCRequest answer). */
  int readByte() throws IOException {
    return in.read();
  }

  List<Msg> readUntil(char type) throws IOException {
    List<Msg> msgs = new ArrayList<>();
    while (true) {
      Msg m = read();
      msgs.add(m);
      if (m.type() == type) {
        return msgs;
      }
    }
  }

  /** Reads messages until the server closes the socket; returns them. */
  List<Msg> readUntilClosed() throws IOException {
    List<Msg> msgs = new ArrayList<>();
    while (true) {
      try {
        msgs.add(read());
      } catch (EOFException e) {
        return msgs;
      } catch (SocketTimeoutException e) {
        throw new IllegalStateException("server did not close the connection; got " + msgs, e);
      }
    }
  }

  static String types(List<Msg> msgs) {
    StringBuilder sb = new StringBuilder();
    for (Msg m : msgs) {
      sb.append(m.type());
    }
    return sb.toString();
  }

  /** The text values of a DataRow. */
  static List<String> row(Msg dataRow) {
    ByteBuffer b = dataRow.buffer();
    int n = b.getShort();
    List<String> values = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int len = b.getInt();
      if (len < 0) {
        values.add(null);
      } else {
        byte[] v = new byte[len];
        b.get(v);
        values.add(new String(v, StandardCharsets.UTF_8));
      }
    }
    return values;
  }

  /** The raw values of a DataRow. */
  static List<byte[]> rawRow(Msg dataRow) {
    ByteBuffer b = dataRow.buffer();
    int n = b.getShort();
    List<byte[]> values = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int len = b.getInt();
      if (len < 0) {
        values.add(null);
      } else {
        byte[] v = new byte[len];
        b.get(v);
        values.add(v);
      }
    }
    return values;
  }

  static byte[] cstring(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[b.length + 1];
    System.arraycopy(b, 0, out, 0, b.length);
    return out;
  }

  private static void cstr(DataOutputStream d, String s) throws IOException {
    d.write(s.getBytes(StandardCharsets.UTF_8));
    d.writeByte(0);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
