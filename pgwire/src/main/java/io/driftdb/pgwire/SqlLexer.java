package io.driftdb.pgwire;

/**
 * Just enough of PostgreSQL's lexical rules to find where quoted text and comments end:
 * {@code 'x'} with {@code ''} escapes (standard_conforming_strings is on), {@code E'x'} with
 * backslash escapes, {@code "ident"} with {@code ""}, {@code $tag$...$tag$} dollar quoting, and
 * {@code --} and nested {@code /* *}{@code /} comments. Every method returns the index just past
 * the construct starting at {@code i}, or the text length when it is unterminated.
 */
final class SqlLexer {

  private SqlLexer() {}

  static boolean isIdentStart(char c) {
    return Character.isLetter(c) || c == '_' || c >= 0x80;
  }

  static boolean isIdentPart(char c) {
    return isIdentStart(c) || Character.isDigit(c) || c == '$';
  }

  static boolean startsLineComment(String s, int i) {
    return s.charAt(i) == '-' && i + 1 < s.length() && s.charAt(i + 1) == '-';
  }

  static boolean startsBlockComment(String s, int i) {
    return s.charAt(i) == '/' && i + 1 < s.length() && s.charAt(i + 1) == '*';
  }

  /** True when {@code i} starts an E'...' string (the E is not the tail of a longer word). */
  static boolean startsEscapeString(String s, int i) {
    char c = s.charAt(i);
    return (c == 'E' || c == 'e') && i + 1 < s.length() && s.charAt(i + 1) == '\''
        && (i == 0 || !isIdentPart(s.charAt(i - 1)));
  }

  static int endOfLineComment(String s, int i) {
    int nl = s.indexOf('\n', i);
    return nl < 0 ? s.length() : nl + 1;
  }

  static int endOfBlockComment(String s, int i) {
    int depth = 0;
    int n = s.length();
    while (i < n) {
      if (startsBlockComment(s, i)) {
        depth++;
        i += 2;
      } else if (s.charAt(i) == '*' && i + 1 < n && s.charAt(i + 1) == '/') {
        depth--;
        i += 2;
        if (depth == 0) {
          return i;
        }
      } else {
        i++;
      }
    }
    return n;
  }

  /** A quoted run starting at {@code i} (the quote char), where a doubled quote escapes itself. */
  static int endOfQuoted(String s, int i, char quote) {
    int n = s.length();
    i++;
    while (i < n) {
      if (s.charAt(i) == quote) {
        if (i + 1 < n && s.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return n;
  }

  /** E'...' starting at {@code i} (the E): backslash escapes anything, '' is a quote. */
  static int endOfEscapeString(String s, int i) {
    int n = s.length();
    i += 2;
    while (i < n) {
      char c = s.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (c == '\'') {
        if (i + 1 < n && s.charAt(i + 1) == '\'') {
          i += 2;
          continue;
        }
        return i + 1;
      } else {
        i++;
      }
    }
    return n;
  }

  /**
   * The dollar-quote tag ({@code $$} or {@code $name$}) starting at {@code i}, or null when the
   * {@code $} does not open one (a parameter like {@code $1}, or part of an identifier).
   */
  static String dollarTagAt(String s, int i) {
    if (s.charAt(i) != '$' || (i > 0 && isIdentPart(s.charAt(i - 1)))) {
      return null;
    }
    int j = i + 1;
    if (j < s.length() && s.charAt(j) == '$') {
      return "$$";
    }
    if (j >= s.length() || !isIdentStart(s.charAt(j))) {
      return null;
    }
    while (j < s.length() && (isIdentStart(s.charAt(j)) || Character.isDigit(s.charAt(j)))) {
      j++;
    }
    if (j < s.length() && s.charAt(j) == '$') {
      return s.substring(i, j + 1);
    }
    return null;
  }

  static int endOfDollarString(String s, int i, String tag) {
    int close = s.indexOf(tag, i + tag.length());
    return close < 0 ? s.length() : close + tag.length();
  }

  /**
   * If a quoted construct or comment starts at {@code i}, returns the index just past it;
   * otherwise returns {@code i}.
   */
  static int skipSpecial(String s, int i) {
    char c = s.charAt(i);
    if (startsLineComment(s, i)) {
      return endOfLineComment(s, i);
    }
    if (startsBlockComment(s, i)) {
      return endOfBlockComment(s, i);
    }
    if (c == '\'') {
      return endOfQuoted(s, i, '\'');
    }
    if (c == '"') {
      return endOfQuoted(s, i, '"');
    }
    if (startsEscapeString(s, i)) {
      return endOfEscapeString(s, i);
    }
    if (c == '$') {
      String tag = dollarTagAt(s, i);
      if (tag != null) {
        return endOfDollarString(s, i, tag);
      }
    }
    return i;
  }

  static boolean isComment(String s, int i) {
    return startsLineComment(s, i) || startsBlockComment(s, i);
  }
}
