package io.driftdb.sql.catalog;

import io.driftdb.sql.SqlError;
import io.driftdb.sql.plan.DriftFunctions;
import java.util.ArrayList;
import java.util.List;

/** Value functions PostgreSQL clients use that Calcite's libraries lack. */
public final class ValueFunctions {
  static final int UTF8 = 6;

  private ValueFunctions() {}

  public static String encodingToChar(Integer encoding) {
    if (encoding == null) {
      return null;
    }
    return encoding == UTF8 ? "UTF8" : encoding == 0 ? "SQL_ASCII" : "";
  }

  public static List<String> currentSchemas(Boolean includeImplicit) {
    if (includeImplicit == null) {
      return null;
    }
    return Boolean.TRUE.equals(includeImplicit) ? List.of("pg_catalog", "public") : List.of("public");
  }

  public static String arrayToString(List<?> array, String delimiter) {
    return arrayToString(array, delimiter, null);
  }

  /** Elements joined by {@code delimiter}; nulls are skipped unless {@code nullText} is given. */
  public static String arrayToString(List<?> array, String delimiter, String nullText) {
    if (array == null || delimiter == null) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    for (Object o : array) {
      if (o != null) {
        parts.add(o.toString());
      } else if (nullText != null) {
        parts.add(nullText);
      }
    }
    return String.join(delimiter, parts);
  }

  public static Integer arrayUpper(List<?> array, Integer dimension) {
    return array == null || array.isEmpty() || dimension == null || dimension != 1 ? null : array.size();
  }

  public static Integer arrayLower(List<?> array, Integer dimension) {
    return array == null || array.isEmpty() || dimension == null || dimension != 1 ? null : 1;
  }

  /**
   * Bytes as pg_size_pretty prints them: bytes below 10 kB, then the largest unit that keeps
   * the number below 20480 half-units, rounded half away from zero.
   */
  public static String sizePretty(Long bytes) {
    if (bytes == null) {
      return null;
    }
    if (Math.abs(bytes) < 10 * 1024) {
      return bytes + " bytes";
    }
    String[] units = {"kB", "MB", "GB", "TB", "PB"};
    long halves = bytes >> 9;
    int u = 0;
    while (u < units.length - 1 && Math.abs(halves) >= 20 * 1024 - 1) {
      halves >>= 10;
      u++;
    }
    return (halves + (halves < 0 ? -1 : 1)) / 2 + " " + units[u];
  }

  public static Integer charToEncoding(String name) {
    if (name == null) {
      return null;
    }
    String n = name.toUpperCase(java.util.Locale.ROOT).replace("-", "");
    return n.equals("UTF8") || n.equals("UNICODE") ? UTF8 : n.equals("SQL_ASCII") ? 0 : -1;
  }

  public static String databaseEncoding() {
    return "UTF8";
  }

  /** {@code array || array}. */
  public static List<Object> arrayCat(List<?> a, List<?> b) {
    if (a == null && b == null) {
      return null;
    }
    List<Object> out = new ArrayList<>();
    if (a != null) {
      out.addAll(a);
    }
    if (b != null) {
      out.addAll(b);
    }
    return out;
  }

  public static String sessionUser() {
    return DriftFunctions.currentUser();
  }

  public static String quoteIdent(String name) {
    return name == null ? null : Definitions.quote(name);
  }

  /**
   * {@code text ~ pattern}: does the regular expression match anywhere in the text? Patterns are
   * Java regular expressions, which agree with PostgreSQL's for the common constructs.
   */
  public static Boolean regexMatch(String text, String pattern) {
    if (text == null || pattern == null) {
      return null;
    }
    try {
      return java.util.regex.Pattern.compile(posixClasses(pattern)).matcher(text).find();
    } catch (java.util.regex.PatternSyntaxException e) {
      throw new SqlError("2201B", "invalid regular expression: " + e.getDescription());
    }
  }

  /** POSIX bracket classes ({@code [[:alpha:]]}) in Java's spelling. */
  private static String posixClasses(String pattern) {
    if (!pattern.contains("[:")) {
      return pattern;
    }
    String[][] classes = {{"[:alpha:]", "\\p{Alpha}"}, {"[:digit:]", "\\d"}, {"[:alnum:]", "\\p{Alnum}"},
        {"[:space:]", "\\s"}, {"[:upper:]", "\\p{Upper}"}, {"[:lower:]", "\\p{Lower}"},
        {"[:punct:]", "\\p{Punct}"}, {"[:xdigit:]", "\\p{XDigit}"}, {"[:word:]", "\\w"}};
    String out = pattern;
    for (String[] c : classes) {
      out = out.replace(c[0], c[1]);
    }
    return out;
  }
}
