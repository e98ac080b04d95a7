package io.driftdb.server.e2e;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A bare-socket PostgreSQL v3 client that can send well-formed and deliberately broken messages. */
final class RawPg implements AutoCloseable {

  /** A backend message: type byte and body. */
  record Msg(char type, byte[] body) {
    /** Fields of an ErrorResponse/NoticeResponse by code ('S', 'C', 'M', ...). */
    Map<Character, String> fields() {
      Map<Character, String> out = new HashMap<>();
      int i = 0;
      while (i < body.length && body[i] != 0) {
        char code = (char) body[i++];
        int start = i;
        while (body[i] != 0) {
          i++;
        }
        out.put(code, new String(body, start, i - start, StandardCharsets.UTF_8));
        i++;
      }
      return out;
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;

  private RawPg(int port) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(30_000);
    socket.setTcpNoDelay(true);
    in = new DataInputStream(socket.getInputStream());
    out = new DataOutputStream(socket.getOutputStream());
  }

  /** Connects and completes startup (trust auth) up to the first ReadyForQuery. */
  static RawPg connect(int port) throws IOException {
    RawPg c = new RawPg(port);
    ByteArrayOutputStream params = new ByteArrayOutputStream();
    for (String s : new String[] {"user", "driftdb", "database", "driftdb", "application_name", "raw-e2e", ""}) {
      params.write(s.getBytes(StandardCharsets.UTF_8));
      params.write(0);
    }
    c.out.writeInt(8 + params.size());
    c.out.writeInt(3 << 16);
    c.out.write(params.toByteArray());
    c.out.flush();
    List<Msg> startup = c.readUntilReady();
    if (startup.stream().noneMatch(m -> m.type() == 'R')) {
      throw new IOException("no AuthenticationOk: " + types(startup));
    }
    return c;
  }

  /** A simple Query message. */
  void query(String sql) throws IOException {
    byte[] s = sql.getBytes(StandardCharsets.UTF_8);
    out.write('Q');
    out.writeInt(4 + s.length + 1);
    out.write(s);
    out.write(0);
    out.flush();
  }

  /** Raw bytes, exactly as given. */
  void raw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Closes our sending side only (the server sees EOF but can still answer). */
  void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  Msg read() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException();
    }
    int len = in.readInt();
    byte[] body = new byte[len - 4];
    in.readFully(body);
    return new Msg((char) type, body);
  }

  List<Msg> readUntilReady() throws IOException {
    List<Msg> msgs = new ArrayList<>();
    Msg m;
    do {
      m = read();
      msgs.add(m);
    } while (m.type() != 'Z');
    return msgs;
  }

  /** Everything the server sends until it closes the connection (reset counts as closed). */
  List<Msg> readUntilClosed() throws IOException {
    List<Msg> msgs = new ArrayList<>();
    try {
      while (true) {
        msgs.add(read());
      }
    } catch (EOFException | SocketException e) {
      return msgs;
    }
  }

  /** The value of the first DataRow's first column in {@code msgs}. */
  static String firstValue(List<Msg> msgs) throws IOException {
    for (Msg m : msgs) {
      if (m.type() == 'D') {
        DataInputStream d = new DataInputStream(new java.io.ByteArrayInputStream(m.body()));
        d.readShort();
        int len = d.readInt();
        byte[] v = new byte[len];
        d.readFully(v);
        return new String(v, StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  static String types(List<Msg> msgs) {
    StringBuilder b = new StringBuilder();
    for (Msg m : msgs) {
      b.append(m.type());
    }
    return b.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
