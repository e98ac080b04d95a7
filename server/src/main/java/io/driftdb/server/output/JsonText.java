package io.driftdb.server.output;

/** JSON string escaping (RFC 8259), shared by the CLI's JSON output and the HTTP endpoints. */
public final class JsonText {
  private JsonText() {}

  /** Appends {@code s} as a quoted JSON string. */
  public static void quote(String s, StringBuilder b) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"': b.append("\\\""); break;
        case '\\': b.append("\\\\"); break;
        case '\n': b.append("\\n"); break;
        case '\r': b.append("\\r"); break;
        case '\t': b.append("\\t"); break;
        default:
          if (ch < 0x20) {
            b.append(String.format("\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
      }
    }
    b.append('"');
  }

  public static String quote(String s) {
    StringBuilder b = new StringBuilder();
    quote(s, b);
    return b.toString();
  }
}
