package io.driftdb.server.e2e;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay between a client and the server that decodes what the client sends (PostgreSQL v3
 * frontend messages), so a test can see which protocol a driver actually used: named or unnamed
 * statements, text or binary result formats. Bytes pass through unchanged in both directions.
 */
final class FrontendTap implements AutoCloseable {
  private static final int SSL_REQUEST = 80877103;
  private static final int GSSENC_REQUEST = 80877104;

  /** One frontend message: its type byte and body (without the length). */
  record Message(char type, byte[] body) {}

  /** A decoded Parse. */
  record Parse(String statement, String sql) {}

  /** A decoded Bind: statement name and the result-column format codes the client asked for. */
  record Bind(String statement, List<Short> parameterFormats, List<Short> resultFormats) {}

  private final ServerSocket listener;
  private final int upstreamPort;
  private final List<Message> messages = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  FrontendTap(int upstreamPort) {
    this.upstreamPort = upstreamPort;
    try {
      listener = new ServerSocket();
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    acceptor = new Thread(this::acceptLoop, "frontend-tap-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(server);
        start("tap-backend", () -> pump(server.getInputStream(), client.getOutputStream(), client));
        start("tap-frontend", () -> decodeAndPump(client.getInputStream(), server.getOutputStream(), server));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private interface IoTask {
    void run() throws IOException;
  }

  private static void start(String name, IoTask task) {
    Thread t = new Thread(() -> {
      try {
        task.run();
      } catch (IOException e) {
        // connection closed
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }

  private static void pump(InputStream in, OutputStream out, Socket peer) throws IOException {
    byte[] buf = new byte[16384];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } finally {
      peer.close();
    }
  }

  private void decodeAndPump(InputStream rawIn, OutputStream out, Socket peer) throws IOException {
    DataInputStream in = new DataInputStream(rawIn);
    try {
      boolean startup = true;
      while (true) {
        char type;
        int length;
        if (startup) {
          type = 0;
          length = in.readInt();
        } else {
          int t = in.read();
          if (t < 0) {
            return;
          }
          type = (char) t;
          length = in.readInt();
        }
        byte[] body = new byte[length - 4];
        in.readFully(body);
        if (startup) {
          int code = body.length >= 4 ? ByteBuffer.wrap(body).getInt() : 0;
          // SSLRequest/GSSENCRequest are followed by another untyped packet (the test server has no
          // TLS, so it answers 'N' and the conversation stays in plain text).
          startup = code == SSL_REQUEST || code == GSSENC_REQUEST;
          out.write(ByteBuffer.allocate(4).putInt(length).array());
        } else {
          messages.add(new Message(type, body));
          out.write(type);
          out.write(ByteBuffer.allocate(4).putInt(length).array());
        }
        out.write(body);
        out.flush();
      }
    } catch (EOFException e) {
      // client went away
    } finally {
      peer.close();
    }
  }

  List<Message> messages() {
    return List.copyOf(messages);
  }

  List<Parse> parses() {
    List<Parse> out = new ArrayList<>();
    for (Message m : messages) {
      if (m.type() == 'P') {
        ByteBuffer b = ByteBuffer.wrap(m.body());
        out.add(new Parse(cstring(b), cstring(b)));
      }
    }
    return out;
  }

  List<Bind> binds() {
    List<Bind> out = new ArrayList<>();
    for (Message m : messages) {
      if (m.type() == 'B') {
        ByteBuffer b = ByteBuffer.wrap(m.body());
        cstring(b); // portal
        String statement = cstring(b);
        List<Short> paramFormats = shorts(b);
        int params = b.getShort();
        for (int i = 0; i < params; i++) {
          int len = b.getInt();
          if (len > 0) {
            b.position(b.position() + len);
          }
        }
        out.add(new Bind(statement, paramFormats, shorts(b)));
      }
    }
    return out;
  }

  private static List<Short> shorts(ByteBuffer b) {
    int n = b.getShort();
    List<Short> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(b.getShort());
    }
    return out;
  }

  private static String cstring(ByteBuffer b) {
    int start = b.position();
    while (b.get() != 0) {
      // scan to the NUL
    }
    return new String(b.array(), start, b.position() - start - 1, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
