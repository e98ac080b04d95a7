package io.driftdb.server.http;

import com.sun.net.httpserver.HttpExchange;
import io.driftdb.server.output.JsonText;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writing small responses; HEAD gets the headers only. */
final class Responses {
  static final String JSON = "application/json; charset=utf-8";

  private Responses() {}

  static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
    ex.close();
  }

  /** {@code {"status": status}} or {@code {"status": status, "reason": reason}}. */
  static String status(String status, String reason) {
    StringBuilder b = new StringBuilder("{\"status\":");
    JsonText.quote(status, b);
    if (reason != null) {
      b.append(",\"reason\":");
      JsonText.quote(reason, b);
    }
    return b.append("}\n").toString();
  }

  /** Only GET and HEAD are served; true (after answering 405) for anything else. */
  static boolean rejectMethod(HttpExchange ex) throws IOException {
    String m = ex.getRequestMethod();
    if (m.equals("GET") || m.equals("HEAD")) {
      return false;
    }
    ex.getResponseHeaders().set("Allow", "GET, HEAD");
    send(ex, 405, JSON, status("method not allowed", null));
    return true;
  }

  /** Contexts match by prefix; only the exact path is an endpoint. */
  static boolean rejectSubPath(HttpExchange ex) throws IOException {
    if (ex.getRequestURI().getPath().equals(ex.getHttpContext().getPath())) {
      return false;
    }
    send(ex, 404, JSON, status("not found", null));
    return true;
  }
}
