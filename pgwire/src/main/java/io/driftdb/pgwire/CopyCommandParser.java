package io.driftdb.pgwire;

import io.driftdb.sql.SqlError;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Recognises the COPY statements that switch the connection into a copy sub-protocol, so pgwire
 * can frame the data stream. This is protocol framing, not SQL evaluation: the rows themselves
 * go to {@code SqlSession.copyIn} and {@code COPY ... TO STDOUT} runs an ordinary query through
 * the session. Supported forms:
 * <pre>
 * COPY table [(col, ...)] FROM STDIN [[WITH] (FORMAT text|csv, HEADER [bool], DELIMITER 'c', NULL 's', QUOTE 'c', ESCAPE 'c')]
 * COPY table [(col, ...)] FROM STDIN [WITH] [DELIMITER [AS] 'c'] [NULL [AS] 's'] [CSV [HEADER] [QUOTE [AS] 'c'] [ESCAPE [AS] 'c']]
 * COPY {table [(col, ...)] | (query)} TO STDOUT [same options]
 * </pre>
 */
final class CopyCommandParser {

  private final String sql;
  private final List<Token> tokens;
  private int pos;

  private CopyCommandParser(String sql) {
    this.sql = sql;
    this.tokens = tokenize(sql);
  }

  /**
   * Returns the COPY command if {@code statement} is one; empty for any other statement. Throws
   * {@link SqlError} for COPY statements that are malformed or use unsupported features.
   */
  static Optional<CopyCommand> parse(String statement) {
    CopyCommandParser p = new CopyCommandParser(statement);
    if (p.tokens.isEmpty() || !p.tokens.get(0).isWord("copy")) {
      return Optional.empty();
    }
    p.pos = 1;
    return Optional.of(p.parseCopy());
  }

  private CopyCommand parseCopy() {
    String table = null;
    String query = null;
    List<String> columns = new ArrayList<>();
    if (peek().isPunct('(')) {
      int open = pos;
      int close = matchingParen(open);
      query = sql.substring(tokens.get(open).end, tokens.get(close).start).strip();
      pos = close + 1;
    } else {
      table = parseQualifiedName();
      if (peek().isPunct('(')) {
        pos++;
        while (true) {
          Token t = next();
          if (t.kind != Kind.WORD && t.kind != Kind.QUOTED_IDENT) {
            throw syntaxError(t);
          }
          columns.add(t.text);
          Token sep = next();
          if (sep.isPunct(')')) {
            break;
          }
          if (!sep.isPunct(',')) {
            throw syntaxError(sep);
          }
        }
      }
    }
    Token dirToken = next();
    CopyCommand.Direction direction;
    if (dirToken.isWord("from")) {
      direction = CopyCommand.Direction.FROM_STDIN;
      if (query != null) {
        throw syntaxError(dirToken);
      }
    } else if (dirToken.isWord("to")) {
      direction = CopyCommand.Direction.TO_STDOUT;
    } else {
      throw syntaxError(dirToken);
    }
    Token target = next();
    boolean stdio = direction == CopyCommand.Direction.FROM_STDIN ? target.isWord("stdin") : target.isWord("stdout");
    if (!stdio) {
      if (target.kind == Kind.STRING || target.isWord("program")) {
        throw new SqlError(SqlError.FEATURE_NOT_SUPPORTED,
            "COPY to or from a server file or program is not supported; use STDIN/STDOUT (for example psql's \\copy)");
      }
      throw syntaxError(target);
    }
    CopyCommand.CopyOptions options = parseOptions();
    return new CopyCommand(direction, table, List.copyOf(columns), query, options);
  }

  private String parseQualifiedName() {
    Token first = next();
    if (first.kind != Kind.WORD && first.kind != Kind.QUOTED_IDENT) {
      throw syntaxError(first);
    }
    int start = first.start;
    int end = first.end;
    while (peek().isPunct('.')) {
      pos++;
      Token part = next();
      if (part.kind != Kind.WORD && part.kind != Kind.QUOTED_IDENT) {
        throw syntaxError(part);
      }
      end = part.end;
    }
    return sql.substring(start, end);
  }

  private CopyCommand.CopyOptions parseOptions() {
    Builder b = new Builder();
    if (peek().isWord("with")) {
      pos++;
    }
    if (peek().isPunct('(')) {
      pos++;
      while (true) {
        Token name = next();
        if (name.kind != Kind.WORD) {
          throw syntaxError(name);
        }
        String option = name.lower();
        Token value = peek().isPunct(',') || peek().isPunct(')') ? null : next();
        applyOption(b, option, value);
        Token sep = next();
        if (sep.isPunct(')')) {
          break;
        }
        if (!sep.isPunct(',')) {
          throw syntaxError(sep);
        }
      }
    } else {
      parseLegacyOptions(b);
    }
    if (peek().isWord("where")) {
      throw new SqlError(SqlError.FEATURE_NOT_SUPPORTED, "COPY FROM ... WHERE is not supported");
    }
    if (peek().kind != Kind.END) {
      throw syntaxError(peek());
    }
    return b.build();
  }

  private void applyOption(Builder b, String option, Token value) {
    switch (option) {
      case "format" -> {
        String f = value == null ? "" : value.text.toLowerCase(Locale.ROOT);
        if (value != null && value.kind == Kind.STRING) {
          f = value.value.toLowerCase(Locale.ROOT);
        }
        switch (f) {
          case "text" -> b.format = CopyCommand.Format.TEXT;
          case "csv" -> b.format = CopyCommand.Format.CSV;
          case "binary" -> throw new SqlError(SqlError.FEATURE_NOT_SUPPORTED, "COPY format \"binary\" is not supported");
          default -> throw new SqlError(SqlError.INVALID_PARAMETER_VALUE, "COPY format \"" + f + "\" not recognized");
        }
      }
      case "header" -> {
        if (value == null) {
          b.header = true;
        } else {
          String v = (value.kind == Kind.STRING ? value.value : value.text).toLowerCase(Locale.ROOT);
          switch (v) {
            case "true", "on", "1" -> b.header = true;
            case "false", "off", "0" -> b.header = false;
            case "match" -> throw new SqlError(SqlError.FEATURE_NOT_SUPPORTED, "COPY HEADER MATCH is not supported");
            default -> throw new SqlError(SqlError.SYNTAX_ERROR, "header requires a Boolean value or \"match\"");
          }
        }
      }
      case "delimiter" -> b.delimiter = singleChar(option, value);
      case "quote" -> b.quote = singleChar(option, value);
      case "escape" -> b.escape = singleChar(option, value);
      case "null" -> b.nullString = stringValue(option, value);
      case "encoding" -> {
        String enc = stringValue(option, value).replace("-", "").replace("_", "").toUpperCase(Locale.ROOT);
        if (!enc.equals("UTF8") && !enc.equals("UNICODE")) {
          throw new SqlError(SqlError.FEATURE_NOT_SUPPORTED, "COPY encoding \"" + value.value + "\" is not supported; use UTF8");
        }
      }
      case "freeze" -> { } // no effect on an append-only log; accepted for compatibility
      default -> throw new SqlError(SqlError.FEATURE_NOT_SUPPORTED, "COPY option \"" + option + "\" is not supported");
    }
  }

  private void parseLegacyOptions(Builder b) {
    while (peek().kind == Kind.WORD) {
      String word = peek().lower();
      switch (word) {
        case "binary" -> throw new SqlError(SqlError.FEATURE_NOT_SUPPORTED, "COPY format \"binary\" is not supported");
        case "delimiter", "null", "quote", "escape" -> {
          pos++;
          if (peek().isWord("as")) {
            pos++;
          }
          applyOption(b, word, next());
        }
        case "csv" -> {
          pos++;
          b.format = CopyCommand.Format.CSV;
        }
        case "header" -> {
          pos++;
          b.header = true;
        }
        case "force" -> throw new SqlError(SqlError.FEATURE_NOT_SUPPORTED, "COPY FORCE options are not supported");
        case "where" -> {
          return;
        }
        default -> throw syntaxError(peek());
      }
    }
  }

  private static char singleChar(String option, Token value) {
    String s = stringValue(option, value);
    if (s.length() != 1) {
      throw new SqlError(SqlError.FEATURE_NOT_SUPPORTED, "COPY " + option + " must be a single one-byte character");
    }
    return s.charAt(0);
  }

  private static String stringValue(String option, Token value) {
    if (value == null || value.kind != Kind.STRING) {
      throw new SqlError(SqlError.SYNTAX_ERROR, "COPY option \"" + option + "\" requires a string value");
    }
    return value.value;
  }

  private int matchingParen(int open) {
    int depth = 0;
    for (int i = open; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.isPunct('(')) {
        depth++;
      } else if (t.isPunct(')')) {
        depth--;
        if (depth == 0) {
          return i;
        }
      } else if (t.kind == Kind.END) {
        break;
      }
    }
    throw new SqlError(SqlError.SYNTAX_ERROR, "syntax error at end of input");
  }

  private Token peek() {
    return tokens.get(Math.min(pos, tokens.size() - 1));
  }

  private Token next() {
    Token t = peek();
    if (pos < tokens.size() - 1) {
      pos++;
    }
    return t;
  }

  private static SqlError syntaxError(Token t) {
    return new SqlError(SqlError.SYNTAX_ERROR,
        t.kind == Kind.END ? "syntax error at end of input" : "syntax error at or near \"" + t.text + "\"");
  }

  // ---------------------------------------------------------------- tokens

  private enum Kind { WORD, QUOTED_IDENT, STRING, NUMBER, PUNCT, END }

  /** One token; {@code text} is the source text, {@code value} the unquoted content. */
  private record Token(Kind kind, String text, String value, int start, int end) {
    boolean isWord(String w) {
      return kind == Kind.WORD && text.equalsIgnoreCase(w);
    }

    boolean isPunct(char c) {
      return kind == Kind.PUNCT && text.charAt(0) == c;
    }

    String lower() {
      return text.toLowerCase(Locale.ROOT);
    }
  }

  private static List<Token> tokenize(String s) {
    List<Token> out = new ArrayList<>();
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      if (SqlLexer.isComment(s, i)) {
        i = SqlLexer.skipSpecial(s, i);
        continue;
      }
      int start = i;
      if (SqlLexer.startsEscapeString(s, i)) {
        i = SqlLexer.endOfEscapeString(s, i);
        out.add(new Token(Kind.STRING, s.substring(start, i), unescapeE(s.substring(start + 2, Math.max(start + 2, i - 1))), start, i));
      } else if (c == '\'') {
        i = SqlLexer.endOfQuoted(s, i, '\'');
        out.add(new Token(Kind.STRING, s.substring(start, i),
            s.substring(start + 1, Math.max(start + 1, i - 1)).replace("''", "'"), start, i));
      } else if (c == '"') {
        i = SqlLexer.endOfQuoted(s, i, '"');
        out.add(new Token(Kind.QUOTED_IDENT, s.substring(start, i),
            s.substring(start + 1, Math.max(start + 1, i - 1)).replace("\"\"", "\""), start, i));
      } else if (c == '$' && SqlLexer.dollarTagAt(s, i) != null) {
        String tag = SqlLexer.dollarTagAt(s, i);
        i = SqlLexer.endOfDollarString(s, i, tag);
        int bodyEnd = Math.max(start + tag.length(), i - tag.length());
        out.add(new Token(Kind.STRING, s.substring(start, i), s.substring(start + tag.length(), bodyEnd), start, i));
      } else if (SqlLexer.isIdentStart(c)) {
        while (i < n && SqlLexer.isIdentPart(s.charAt(i))) {
          i++;
        }
        String w = s.substring(start, i);
        out.add(new Token(Kind.WORD, w, w, start, i));
      } else if (Character.isDigit(c)) {
        while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.')) {
          i++;
        }
        String w = s.substring(start, i);
        out.add(new Token(Kind.NUMBER, w, w, start, i));
      } else {
        i++;
        out.add(new Token(Kind.PUNCT, String.valueOf(c), String.valueOf(c), start, i));
      }
    }
    out.add(new Token(Kind.END, "", "", n, n));
    return out;
  }

  /** Backslash escapes of E'' strings: \t \n \r \b \f, octal, hex, and any other char literally. */
  private static String unescapeE(String body) {
    StringBuilder sb = new StringBuilder(body.length());
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\'' && i + 1 < body.length() && body.charAt(i + 1) == '\'') {
        sb.append('\'');
        i++;
      } else if (c == '\\' && i + 1 < body.length()) {
        char e = body.charAt(++i);
        switch (e) {
          case 't' -> sb.append('\t');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'x' -> {
            int j = i + 1;
            while (j < body.length() && j < i + 3 && Character.digit(body.charAt(j), 16) >= 0) {
              j++;
            }
            if (j == i + 1) {
              sb.append('x');
            } else {
              sb.append((char) Integer.parseInt(body.substring(i + 1, j), 16));
              i = j - 1;
            }
          }
          default -> {
            if (e >= '0' && e <= '7') {
              int j = i;
              while (j < body.length() && j < i + 3 && body.charAt(j) >= '0' && body.charAt(j) <= '7') {
                j++;
              }
              sb.append((char) Integer.parseInt(body.substring(i, j), 8));
              i = j - 1;
            } else {
              sb.append(e);
            }
          }
        }
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Mutable collector while options are read; the result is an immutable record. */
  private static final class Builder {
    CopyCommand.Format format = CopyCommand.Format.TEXT;
    Character delimiter;
    String nullString;
    boolean header;
    Character quote;
    Character escape;

    CopyCommand.CopyOptions build() {
      CopyCommand.CopyOptions defaults = format == CopyCommand.Format.CSV
          ? CopyCommand.CopyOptions.csv() : CopyCommand.CopyOptions.text();
      if (format == CopyCommand.Format.TEXT && (quote != null || escape != null)) {
        throw new SqlError(SqlError.FEATURE_NOT_SUPPORTED, "COPY QUOTE and ESCAPE are available only in CSV mode");
      }
      char d = delimiter != null ? delimiter : defaults.delimiter();
      char q = quote != null ? quote : defaults.quote();
      char e = escape != null ? escape : q;
      String nul = nullString != null ? nullString : defaults.nullString();
      if (d == '\r' || d == '\n' || (format == CopyCommand.Format.TEXT && d == '\\')) {
        throw new SqlError(SqlError.INVALID_PARAMETER_VALUE, "COPY delimiter cannot be newline, carriage return or backslash");
      }
      if (nul.indexOf('\r') >= 0 || nul.indexOf('\n') >= 0) {
        throw new SqlError(SqlError.INVALID_PARAMETER_VALUE, "COPY null representation cannot use newline or carriage return");
      }
      if (format == CopyCommand.Format.CSV && d == q) {
        throw new SqlError(SqlError.INVALID_PARAMETER_VALUE, "COPY delimiter and quote must be different");
      }
      return new CopyCommand.CopyOptions(format, d, nul, header, q, e);
    }
  }
}
