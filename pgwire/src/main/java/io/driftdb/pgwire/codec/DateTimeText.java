package io.driftdb.pgwire.codec;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;

/**
 * PostgreSQL's ISO text forms of date, timestamp and timestamptz (DateStyle {@code ISO, MDY}):
 * {@code 2024-01-31}, {@code 2024-01-31 13:45:00.25}, {@code 2024-01-31 13:45:00.25+01},
 * years before 1 AD as {@code 0044-03-15 BC}, and {@code infinity}/{@code -infinity} mapped to
 * the MIN/MAX values of the java.time types.
 */
public final class DateTimeText {

  private DateTimeText() {}

  /** A parsed timestamp; {@code zone} is null when the text carried none. */
  public record ParsedTimestamp(LocalDateTime local, ZoneId zone) {}

  // ---------------------------------------------------------------- formatting

  public static String formatDate(LocalDate date) {
    if (date.equals(LocalDate.MAX)) {
      return "infinity";
    }
    if (date.equals(LocalDate.MIN)) {
      return "-infinity";
    }
    StringBuilder sb = new StringBuilder(16);
    boolean bc = appendDate(sb, date);
    if (bc) {
      sb.append(" BC");
    }
    return sb.toString();
  }

  public static String formatTimestamp(LocalDateTime ts) {
    if (ts.equals(LocalDateTime.MAX)) {
      return "infinity";
    }
    if (ts.equals(LocalDateTime.MIN)) {
      return "-infinity";
    }
    StringBuilder sb = new StringBuilder(32);
    boolean bc = appendDate(sb, ts.toLocalDate());
    sb.append(' ');
    appendTime(sb, ts.toLocalTime());
    if (bc) {
      sb.append(" BC");
    }
    return sb.toString();
  }

  /** Formats an instant in the session time zone with its offset, as {@code +01}, {@code +05:30}. */
  public static String formatTimestamptz(OffsetDateTime ts, ZoneId zone) {
    if (ts.equals(OffsetDateTime.MAX)) {
      return "infinity";
    }
    if (ts.equals(OffsetDateTime.MIN)) {
      return "-infinity";
    }
    ZonedDateTime local = ts.atZoneSameInstant(zone);
    StringBuilder sb = new StringBuilder(40);
    boolean bc = appendDate(sb, local.toLocalDate());
    sb.append(' ');
    appendTime(sb, local.toLocalTime());
    appendOffset(sb, local.getOffset());
    if (bc) {
      sb.append(" BC");
    }
    return sb.toString();
  }

  private static boolean appendDate(StringBuilder sb, LocalDate date) {
    int year = date.getYear();
    boolean bc = year <= 0;
    int shown = bc ? 1 - year : year;
    pad(sb, shown, 4);
    sb.append('-');
    pad(sb, date.getMonthValue(), 2);
    sb.append('-');
    pad(sb, date.getDayOfMonth(), 2);
    return bc;
  }

  private static void appendTime(StringBuilder sb, LocalTime time) {
    pad(sb, time.getHour(), 2);
    sb.append(':');
    pad(sb, time.getMinute(), 2);
    sb.append(':');
    pad(sb, time.getSecond(), 2);
    int micros = time.getNano() / 1000; // PostgreSQL keeps microseconds
    if (micros != 0) {
      String frac = String.format(Locale.ROOT, "%06d", micros);
      int end = frac.length();
      while (frac.charAt(end - 1) == '0') {
        end--;
      }
      sb.append('.').append(frac, 0, end);
    }
  }

  private static void appendOffset(StringBuilder sb, ZoneOffset offset) {
    int total = offset.getTotalSeconds();
    sb.append(total < 0 ? '-' : '+');
    total = Math.abs(total);
    pad(sb, total / 3600, 2);
    int minutes = (total / 60) % 60;
    int seconds = total % 60;
    if (minutes != 0 || seconds != 0) {
      sb.append(':');
      pad(sb, minutes, 2);
    }
    if (seconds != 0) {
      sb.append(':');
      pad(sb, seconds, 2);
    }
  }

  private static void pad(StringBuilder sb, int value, int width) {
    String s = Integer.toString(value);
    for (int i = s.length(); i < width; i++) {
      sb.append('0');
    }
    sb.append(s);
  }

  // ---------------------------------------------------------------- parsing

  public static LocalDate parseDate(String text) {
    String s = text.trim();
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.equals("infinity") || lower.equals("+infinity")) {
      return LocalDate.MAX;
    }
    if (lower.equals("-infinity")) {
      return LocalDate.MIN;
    }
    // A date parameter may arrive with a time and zone (drivers send "2024-01-31 +00"): keep the date.
    return parseTimestamp(s).local().toLocalDate();
  }

  public static LocalDateTime parseLocalTimestamp(String text) {
    return parseTimestamp(text).local();
  }

  /** Parses a timestamptz; text without a zone is read in {@code sessionZone}. */
  public static OffsetDateTime parseTimestamptz(String text, ZoneId sessionZone) {
    String lower = text.trim().toLowerCase(Locale.ROOT);
    if (lower.equals("infinity") || lower.equals("+infinity")) {
      return OffsetDateTime.MAX;
    }
    if (lower.equals("-infinity")) {
      return OffsetDateTime.MIN;
    }
    ParsedTimestamp parsed = parseTimestamp(text);
    ZoneId zone = parsed.zone() != null ? parsed.zone() : sessionZone;
    return parsed.local().atZone(zone).toOffsetDateTime();
  }

  /** Parses {@code YYYY-MM-DD[( |T)HH:MM[:SS[.fff]]][zone][ BC]}. */
  public static ParsedTimestamp parseTimestamp(String text) {
    String s = text.trim();
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.equals("infinity") || lower.equals("+infinity")) {
      return new ParsedTimestamp(LocalDateTime.MAX, null);
    }
    if (lower.equals("-infinity")) {
      return new ParsedTimestamp(LocalDateTime.MIN, null);
    }
    boolean bc = false;
    if (lower.endsWith(" bc")) {
      bc = true;
      s = s.substring(0, s.length() - 3).trim();
    } else if (lower.endsWith(" ad")) {
      s = s.substring(0, s.length() - 3).trim();
    }
    Cursor c = new Cursor(s, text);
    int year = c.number(1, 9);
    c.expect('-');
    int month = c.number(1, 2);
    c.expect('-');
    int day = c.number(1, 2);
    if (bc) {
      year = 1 - year;
    }
    LocalTime time = LocalTime.MIDNIGHT;
    ZoneId zone = null;
    try {
      if (c.more() && (c.peek() == 'T' || c.peek() == 't' || c.peek() == ' ')) {
        c.pos++;
        c.skipSpaces();
        if (c.more() && Character.isDigit(c.peek())) {
          int hour = c.number(1, 2);
          c.expect(':');
          int minute = c.number(2, 2);
          int second = 0;
          int nanos = 0;
          if (c.more() && c.peek() == ':') {
            c.pos++;
            second = c.number(2, 2);
            if (c.more() && c.peek() == '.') {
              c.pos++;
              nanos = c.fraction();
            }
          }
          if (hour == 24 && minute == 0 && second == 0 && nanos == 0) {
            // PostgreSQL accepts 24:00:00 as the end of the day.
            LocalDateTime next = LocalDate.of(year, month, day).plusDays(1).atStartOfDay();
            return new ParsedTimestamp(next, parseZone(c.rest(), text));
          }
          time = LocalTime.of(hour, minute, second, nanos);
        }
        zone = parseZone(c.rest(), text);
      } else if (c.more()) {
        zone = parseZone(c.rest(), text);
      }
      return new ParsedTimestamp(LocalDateTime.of(LocalDate.of(year, month, day), time), zone);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("date/time field value out of range: \"" + text + "\"", e);
    }
  }

  private static ZoneId parseZone(String rest, String original) {
    String z = rest.trim();
    if (z.isEmpty()) {
      return null;
    }
    if (z.equalsIgnoreCase("z") || z.equalsIgnoreCase("utc") || z.equalsIgnoreCase("gmt")) {
      return ZoneOffset.UTC;
    }
    char first = z.charAt(0);
    if (first == '+' || first == '-') {
      String digits = z.substring(1).replace(":", "");
      if (!digits.chars().allMatch(Character::isDigit) || digits.isEmpty() || digits.length() > 6) {
        throw invalid(original);
      }
      int hours;
      int minutes = 0;
      int seconds = 0;
      if (digits.length() <= 2) {
        hours = Integer.parseInt(digits);
      } else {
        hours = Integer.parseInt(digits.substring(0, digits.length() == 3 || digits.length() == 5 ? 1 : 2));
        String tail = digits.substring(digits.length() == 3 || digits.length() == 5 ? 1 : 2);
        minutes = Integer.parseInt(tail.substring(0, 2));
        if (tail.length() > 2) {
          seconds = Integer.parseInt(tail.substring(2));
        }
      }
      int total = hours * 3600 + minutes * 60 + seconds;
      try {
        return ZoneOffset.ofTotalSeconds(first == '-' ? -total : total);
      } catch (DateTimeException e) {
        throw invalid(original);
      }
    }
    try {
      return ZoneId.of(z);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("time zone \"" + z + "\" not recognized");
    }
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException("invalid input syntax for date/time: \"" + text + "\"");
  }

  /** Converts the accepted Java representations of a timestamptz into an OffsetDateTime. */
  public static OffsetDateTime toOffsetDateTime(Object value) {
    if (value instanceof OffsetDateTime odt) {
      return odt;
    }
    if (value instanceof Instant instant) {
      return instant.atOffset(ZoneOffset.UTC);
    }
    if (value instanceof ZonedDateTime zdt) {
      return zdt.toOffsetDateTime();
    }
    if (value instanceof java.sql.Timestamp ts) {
      return ts.toInstant().atOffset(ZoneOffset.UTC);
    }
    if (value instanceof java.util.Date d) {
      return d.toInstant().atOffset(ZoneOffset.UTC);
    }
    if (value instanceof LocalDateTime ldt) {
      return ldt.atOffset(ZoneOffset.UTC);
    }
    throw new IllegalArgumentException("not a timestamptz value: " + value.getClass().getName());
  }

  /** Converts the accepted Java representations of a timestamp into a LocalDateTime. */
  public static LocalDateTime toLocalDateTime(Object value) {
    if (value instanceof LocalDateTime ldt) {
      return ldt;
    }
    if (value instanceof java.sql.Timestamp ts) {
      return ts.toLocalDateTime();
    }
    if (value instanceof OffsetDateTime odt) {
      return odt.toLocalDateTime();
    }
    if (value instanceof Instant instant) {
      return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
    if (value instanceof LocalDate date) {
      return date.atStartOfDay();
    }
    throw new IllegalArgumentException("not a timestamp value: " + value.getClass().getName());
  }

  /** Converts the accepted Java representations of a date into a LocalDate. */
  public static LocalDate toLocalDate(Object value) {
    if (value instanceof LocalDate date) {
      return date;
    }
    if (value instanceof java.sql.Date d) {
      return d.toLocalDate();
    }
    if (value instanceof LocalDateTime ldt) {
      return ldt.toLocalDate();
    }
    throw new IllegalArgumentException("not a date value: " + value.getClass().getName());
  }

  private static final class Cursor {
    private final String s;
    private final String original;
    private int pos;

    Cursor(String s, String original) {
      this.s = s;
      this.original = original;
    }

    boolean more() {
      return pos < s.length();
    }

    char peek() {
      return s.charAt(pos);
    }

    void skipSpaces() {
      while (more() && peek() == ' ') {
        pos++;
      }
    }

    String rest() {
      return s.substring(pos);
    }

    void expect(char ch) {
      if (!more() || peek() != ch) {
        throw invalid(original);
      }
      pos++;
    }

    int number(int minDigits, int maxDigits) {
      int start = pos;
      while (more() && Character.isDigit(peek()) && pos - start < maxDigits) {
        pos++;
      }
      if (pos - start < minDigits) {
        throw invalid(original);
      }
      return Integer.parseInt(s, start, pos, 10);
    }

    /** Fractional seconds as nanoseconds, rounded to microseconds like PostgreSQL. */
    int fraction() {
      int start = pos;
      while (more() && Character.isDigit(peek())) {
        pos++;
      }
      if (pos == start) {
        return 0;
      }
      String digits = s.substring(start, pos);
      long micros;
      if (digits.length() <= 6) {
        micros = Long.parseLong((digits + "000000").substring(0, 6));
      } else {
        micros = Long.parseLong(digits.substring(0, 6));
        if (digits.charAt(6) >= '5') {
          micros++;
        }
        if (micros == 1_000_000) {
          micros = 999_999; // keep within the second rather than carrying into the minute
        }
      }
      return (int) (micros * 1000);
    }
  }
}
