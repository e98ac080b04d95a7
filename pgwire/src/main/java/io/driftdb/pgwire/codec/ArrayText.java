package io.driftdb.pgwire.codec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * PostgreSQL's text form of one-dimensional arrays: {@code {1,2,NULL}}, {@code {"a b","",x}}.
 * Elements are quoted when empty, equal to NULL, or containing braces, commas, quotes,
 * backslashes or white space; inside quotes {@code "} and {@code \} are backslash-escaped.
 */
public final class ArrayText {

  private ArrayText() {}

  public static String format(List<?> elements, Function<Object, String> elementText) {
    StringBuilder sb = new StringBuilder().append('{');
    for (int i = 0; i < elements.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      Object element = elements.get(i);
      if (element == null) {
        sb.append("NULL");
        continue;
      }
      String text = elementText.apply(element);
      if (needsQuotes(text)) {
        sb.append('"');
        for (int j = 0; j < text.length(); j++) {
          char ch = text.charAt(j);
          if (ch == '"' || ch == '\\') {
            sb.append('\\');
          }
          sb.append(ch);
        }
        sb.append('"');
      } else {
        sb.append(text);
      }
    }
    return sb.append('}').toString();
  }

  private static boolean needsQuotes(String text) {
    if (text.isEmpty() || text.equalsIgnoreCase("NULL")) {
      return true;
    }
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == '{' || ch == '}' || ch == ',' || ch == '"' || ch == '\\' || isArraySpace(ch)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isArraySpace(char ch) {
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == 0x0B || ch == '\f';
  }

  /**
   * Parses a one-dimensional array literal into element strings (null for NULL). An optional
   * dimension decoration such as {@code [1:3]=} is accepted; nested arrays are rejected.
   */
  public static List<String> parse(String literal) {
    String s = literal.trim();
    int pos = 0;
    if (s.startsWith("[")) {
      int eq = s.indexOf('=');
      if (eq < 0) {
        throw malformed(literal, "missing \"=\" after array dimensions");
      }
      pos = eq + 1;
      while (pos < s.length() && isArraySpace(s.charAt(pos))) {
        pos++;
      }
    }
    if (pos >= s.length() || s.charAt(pos) != '{') {
      throw malformed(literal, "array value must start with \"{\" or dimension information");
    }
    pos++;
    List<String> out = new ArrayList<>();
    pos = skipSpaces(s, pos);
    if (pos < s.length() && s.charAt(pos) == '}') {
      if (skipSpaces(s, pos + 1) != s.length()) {
        throw malformed(literal, "junk after closing right brace");
      }
      return Collections.unmodifiableList(out);
    }
    while (true) {
      pos = skipSpaces(s, pos);
      if (pos >= s.length()) {
        throw malformed(literal, "unexpected end of input");
      }
      char ch = s.charAt(pos);
      if (ch == '{') {
        throw new UnsupportedOperationException("multidimensional arrays are not supported");
      }
      StringBuilder element = new StringBuilder();
      boolean quoted = false;
      if (ch == '"') {
        quoted = true;
        pos++;
        while (true) {
          if (pos >= s.length()) {
            throw malformed(literal, "unterminated quoted element");
          }
          char c = s.charAt(pos++);
          if (c == '\\') {
            if (pos >= s.length()) {
              throw malformed(literal, "unexpected end of input");
            }
            element.append(s.charAt(pos++));
          } else if (c == '"') {
            break;
          } else {
            element.append(c);
          }
        }
        pos = skipSpaces(s, pos);
      } else {
        int lastNonSpace = 0;
        while (pos < s.length()) {
          char c = s.charAt(pos);
          if (c == ',' || c == '}') {
            break;
          }
          if (c == '{' || c == '"') {
            throw malformed(literal, "unexpected \"" + c + "\" character");
          }
          pos++;
          if (c == '\\') {
            if (pos >= s.length()) {
              throw malformed(literal, "unexpected end of input");
            }
            element.append(s.charAt(pos++));
            lastNonSpace = element.length();
          } else {
            element.append(c);
            if (!isArraySpace(c)) {
              lastNonSpace = element.length();
            }
          }
        }
        element.setLength(lastNonSpace);
        if (element.length() == 0) {
          throw malformed(literal, "unexpected \",\" or \"}\"");
        }
      }
      String text = element.toString();
      out.add(!quoted && text.equalsIgnoreCase("NULL") ? null : text);
      if (pos >= s.length()) {
        throw malformed(literal, "unexpected end of input");
      }
      char sep = s.charAt(pos++);
      if (sep == '}') {
        if (skipSpaces(s, pos) != s.length()) {
          throw malformed(literal, "junk after closing right brace");
        }
        return Collections.unmodifiableList(out);
      }
      if (sep != ',') {
        throw malformed(literal, "unexpected \"" + sep + "\" character");
      }
    }
  }

  private static int skipSpaces(String s, int pos) {
    while (pos < s.length() && isArraySpace(s.charAt(pos))) {
      pos++;
    }
    return pos;
  }

  private static IllegalArgumentException malformed(String literal, String detail) {
    return new IllegalArgumentException("malformed array literal: \"" + literal + "\" (" + detail + ")");
  }
}
