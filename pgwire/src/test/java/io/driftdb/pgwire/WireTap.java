package io.driftdb.pgwire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A one-connection TCP proxy that records what the client sends, so tests can assert what a real
 * driver put on the wire (statement names, parameter and result format codes).
 */
final class WireTap implements AutoCloseable {

  /** A frontend message: type and body. */
  record Sent(char type, byte[] body) {
    /** For Parse: statement name. For Bind: statement name (second cstring). */
    String statementName() {
      int firstEnd = indexOfZero(0);
      if (type == 'P') {
        return new String(body, 0, firstEnd, StandardCharsets.UTF_8);
      }
      int secondEnd = indexOfZero(firstEnd + 1);
      return new String(body, firstEnd + 1, secondEnd - firstEnd - 1, StandardCharsets.UTF_8);
    }

    /** For Bind: the parameter format codes. */
    List<Short> parameterFormats() {
      ByteBuffer b = afterNames();
      return shorts(b);
    }

    /** For Bind: the result-column format codes. */
    List<Short> resultFormats() {
      ByteBuffer b = afterNames();
      shorts(b);
      int n = b.getShort();
      for (int i = 0; i < n; i++) {
        int len = b.getInt();
        if (len > 0) {
          b.position(b.position() + len);
        }
      }
      return shorts(b);
    }

    private ByteBuffer afterNames() {
      int firstEnd = indexOfZero(0);
      int secondEnd = indexOfZero(firstEnd + 1);
      ByteBuffer b = ByteBuffer.wrap(body);
      b.position(secondEnd + 1);
      return b;
    }

    private static List<Short> shorts(ByteBuffer b) {
      int n = b.getShort();
      List<Short> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        out.add(b.getShort());
      }
      return out;
    }

    private int indexOfZero(int from) {
      for (int i = from; i < body.length; i++) {
        if (body[i] == 0) {
          return i;
        }
      }
      return body.length;
    }
  }

  private final ServerSocket listener;
  private final ByteArrayOutputStream recorded = new ByteArrayOutputStream();
  private final Thread acceptor;

  WireTap(int targetPort) throws IOException {
    listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    acceptor = new Thread(() -> {
      try (Socket client = listener.accept(); Socket upstream = new Socket("127.0.0.1", targetPort)) {
        Thread back = new Thread(() -> pump(upstream, client, null));
        back.setDaemon(true);
        back.start();
        pump(client, upstream, recorded);
        back.join(2000);
      } catch (IOException | InterruptedException ignored) {
        // test proxy: the test asserts on what was recorded
      }
    }, "wiretap");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  private static void pump(Socket from, Socket to, ByteArrayOutputStream copy) {
    byte[] buf = new byte[8192];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buf)) > 0) {
        if (copy != null) {
          synchronized (copy) {
            copy.write(buf, 0, n);
          }
        }
        out.write(buf, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException ignored) {
      // connection ended
    }
  }

  /** The typed messages the client sent after its startup packets (SSLRequest, StartupMessage). */
  List<Sent> messages() {
    byte[] bytes;
    synchronized (recorded) {
      bytes = recorded.toByteArray();
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    // Untyped pre-startup packets: SSLRequest (8 bytes) and the StartupMessage.
    while (b.remaining() >= 8) {
      int len = b.getInt(b.position());
      int code = b.getInt(b.position() + 4);
      b.position(b.position() + len);
      if (code == (3 << 16)) {
        break;
      }
    }
    List<Sent> out = new ArrayList<>();
    while (b.remaining() >= 5) {
      char type = (char) b.get();
      int len = b.getInt();
      if (b.remaining() < len - 4) {
        break;
      }
      byte[] body = new byte[len - 4];
      b.get(body);
      out.add(new Sent(type, body));
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
