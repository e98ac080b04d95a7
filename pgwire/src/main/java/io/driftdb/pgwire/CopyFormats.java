package io.driftdb.pgwire;

import io.driftdb.sql.SqlError;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads and writes COPY's text and CSV data formats.
 *
 * <p>Text: one row per line, fields split by the delimiter (tab), the null marker ({@code \N})
 * compared against the raw field, and backslash escapes ({@code \t \n \r \b \f \v \\}, octal
 * {@code \123}, hex {@code \x41}). CSV: fields split by the delimiter (comma), quoted with
 * {@code "} (doubled inside quotes), quoted fields may span lines, and an unquoted empty field is
 * NULL. In both, a line {@code \.} ends the data.
 */
final class CopyFormats {

  /** PostgreSQL's SQLSTATE for malformed COPY data. */
  static final String BAD_COPY_FILE_FORMAT = "22P04";

  private CopyFormats() {}

  /** Parses all rows; {@code expectedColumns} < 0 means the count is unknown and not checked. */
  static List<List<String>> parse(String data, CopyCommand.CopyOptions options, int expectedColumns, String target) {
    List<List<String>> rows = options.format() == CopyCommand.Format.CSV
        ? parseCsv(data, options, target) : parseText(data, options, target);
    if (options.header() && !rows.isEmpty()) {
      rows = rows.subList(1, rows.size());
    }
    if (expectedColumns >= 0) {
      int line = options.header() ? 2 : 1;
      for (List<String> row : rows) {
        if (row.size() < expectedColumns) {
          throw new SqlError(BAD_COPY_FILE_FORMAT, "missing data for column " + (row.size() + 1)
              + " (COPY " + target + ", line " + line + ")");
        }
        if (row.size() > expectedColumns) {
          throw new SqlError(BAD_COPY_FILE_FORMAT, "extra data after last expected column (COPY "
              + target + ", line " + line + ")");
        }
        line++;
      }
    }
    return rows;
  }

  // ---------------------------------------------------------------- text format

  private static List<List<String>> parseText(String data, CopyCommand.CopyOptions o, String target) {
    List<List<String>> rows = new ArrayList<>();
    int pos = 0;
    int n = data.length();
    while (pos < n) {
      int nl = data.indexOf('\n', pos);
      int end = nl < 0 ? n : nl;
      String line = data.substring(pos, end);
      pos = nl < 0 ? n : nl + 1;
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1); // raw CR is always escaped in data, so this is a CRLF
      }
      if (line.equals("\\.")) {
        break;
      }
      rows.add(parseTextLine(line, o));
    }
    return rows;
  }

  private static List<String> parseTextLine(String line, CopyCommand.CopyOptions o) {
    List<String> fields = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (true) {
      if (i >= line.length() || line.charAt(i) == o.delimiter()) {
        String raw = line.substring(start, i);
        fields.add(raw.equals(o.nullString()) ? null : unescapeText(raw));
        if (i >= line.length()) {
          return Collections.unmodifiableList(fields);
        }
        start = ++i;
      } else if (line.charAt(i) == '\\' && i + 1 < line.length()) {
        i += 2;
      } else {
        i++;
      }
    }
  }

  private static String unescapeText(String raw) {
    if (raw.indexOf('\\') < 0) {
      return raw;
    }
    StringBuilder sb = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '\\' || i + 1 >= raw.length()) {
        sb.append(c);
        continue;
      }
      char e = raw.charAt(++i);
      switch (e) {
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'v' -> sb.append('\u000B');
        case 'x' -> {
          int j = i + 1;
          while (j < raw.length() && j < i + 3 && Character.digit(raw.charAt(j), 16) >= 0) {
            j++;
          }
          if (j == i + 1) {
            sb.append('x');
          } else {
            sb.append((char) Integer.parseInt(raw, i + 1, j, 16));
            i = j - 1;
          }
        }
        default -> {
          if (e >= '0' && e <= '7') {
            int j = i;
            while (j < raw.length() && j < i + 3 && raw.charAt(j) >= '0' && raw.charAt(j) <= '7') {
              j++;
            }
            sb.append((char) Integer.parseInt(raw, i, j, 8));
            i = j - 1;
          } else {
            sb.append(e);
          }
        }
      }
    }
    return sb.toString();
  }

  static String formatText(List<String> values, CopyCommand.CopyOptions o) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        sb.append(o.delimiter());
      }
      String v = values.get(i);
      if (v == null) {
        sb.append(o.nullString());
        continue;
      }
      for (int j = 0; j < v.length(); j++) {
        char c = v.charAt(j);
        switch (c) {
          case '\\' -> sb.append("\\\\");
          case '\b' -> sb.append("\\b");
          case '\f' -> sb.append("\\f");
          case '\n' -> sb.append("\\n");
          case '\r' -> sb.append("\\r");
          case '\t' -> sb.append("\\t");
          case '\u000B' -> sb.append("\\v");
          default -> {
            if (c == o.delimiter()) {
              sb.append('\\');
            }
            sb.append(c);
          }
        }
      }
    }
    return sb.append('\n').toString();
  }

  // ---------------------------------------------------------------- CSV

  private static List<List<String>> parseCsv(String data, CopyCommand.CopyOptions o, String target) {
    List<List<String>> rows = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean inQuotes = false;
    boolean lineStart = true;
    int n = data.length();
    int line = 1;
    int i = 0;
    while (i < n) {
      char c = data.charAt(i);
      if (lineStart && !inQuotes && data.startsWith("\\.", i)
          && (i + 2 == n || data.charAt(i + 2) == '\n' || data.charAt(i + 2) == '\r')) {
        return rows; // end-of-data marker
      }
      lineStart = false;
      if (inQuotes) {
        if (c == o.escape() && o.escape() != o.quote() && i + 1 < n
            && (data.charAt(i + 1) == o.quote() || data.charAt(i + 1) == o.escape())) {
          field.append(data.charAt(i + 1));
          i += 2;
        } else if (c == o.quote()) {
          if (o.escape() == o.quote() && i + 1 < n && data.charAt(i + 1) == o.quote()) {
            field.append(c);
            i += 2;
          } else {
            inQuotes = false;
            i++;
          }
        } else {
          if (c == '\n') {
            line++;
          }
          field.append(c);
          i++;
        }
        continue;
      }
      if (c == o.quote()) {
        inQuotes = true;
        quoted = true;
        i++;
      } else if (c == o.delimiter()) {
        fields.add(csvValue(field, quoted, o));
        field.setLength(0);
        quoted = false;
        i++;
      } else if (c == '\n' || c == '\r') {
        fields.add(csvValue(field, quoted, o));
        rows.add(Collections.unmodifiableList(new ArrayList<>(fields)));
        fields.clear();
        field.setLength(0);
        quoted = false;
        i += (c == '\r' && i + 1 < n && data.charAt(i + 1) == '\n') ? 2 : 1;
        lineStart = true;
        line++;
      } else {
        field.append(c);
        i++;
      }
    }
    if (inQuotes) {
      throw new SqlError(BAD_COPY_FILE_FORMAT, "unterminated CSV quoted field (COPY " + target + ", line " + line + ")");
    }
    if (!lineStart || !fields.isEmpty() || field.length() > 0 || quoted) {
      fields.add(csvValue(field, quoted, o));
      rows.add(Collections.unmodifiableList(new ArrayList<>(fields)));
    }
    return rows;
  }

  private static String csvValue(StringBuilder field, boolean quoted, CopyCommand.CopyOptions o) {
    String v = field.toString();
    return !quoted && v.equals(o.nullString()) ? null : v;
  }

  static String formatCsv(List<String> values, CopyCommand.CopyOptions o) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        sb.append(o.delimiter());
      }
      String v = values.get(i);
      if (v == null) {
        sb.append(o.nullString());
        continue;
      }
      if (needsCsvQuotes(v, o)) {
        sb.append(o.quote());
        for (int j = 0; j < v.length(); j++) {
          char c = v.charAt(j);
          if (c == o.quote() || c == o.escape()) {
            sb.append(o.escape());
          }
          sb.append(c);
        }
        sb.append(o.quote());
      } else {
        sb.append(v);
      }
    }
    return sb.append('\n').toString();
  }

  private static boolean needsCsvQuotes(String v, CopyCommand.CopyOptions o) {
    if (v.equals(o.nullString()) || v.equals("\\.")) {
      return true;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == o.delimiter() || c == o.quote() || c == o.escape() || c == '\n' || c == '\r') {
        return true;
      }
    }
    return false;
  }
}
