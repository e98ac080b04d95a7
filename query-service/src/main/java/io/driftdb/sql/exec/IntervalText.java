package io.driftdb.sql.exec;

import io.driftdb.sql.SqlError;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Interval text as PostgreSQL reads it, for options such as {@code history_retention}:
 * {@code '90 days'}, {@code '1 year 2 mons'}, {@code '36 hours'}, {@code '1 day 12:30:00'},
 * {@code '2 weeks ago'}, ISO 8601 {@code 'P1Y2M3DT4H5M6S'}; a number without unit is seconds.
 * As PostgreSQL does when it turns an interval into seconds, a month is 30 days and a year
 * 365.25 days. Millisecond precision.
 */
public final class IntervalText {
  private static final long MICROS_PER_DAY = 86_400_000_000L;
  /** Unit names (PostgreSQL's spellings and abbreviations) to their length in microseconds. */
  private static final Map<String, BigDecimal> MICROS = units();
  /** One part: a clock time {@code [+-]h:mm[:ss[.f]]}, or a number with an optional unit. */
  private static final Pattern PART = Pattern.compile(
      "([+-]?)(\\d+):(\\d{1,2})(?::(\\d{1,2}(?:\\.\\d+)?))?|([+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+))\\s*([a-z]+)?");
  private static final Pattern ISO = Pattern.compile(
      "p(?:(\\d+(?:\\.\\d+)?)y)?(?:(\\d+(?:\\.\\d+)?)m)?(?:(\\d+(?:\\.\\d+)?)w)?(?:(\\d+(?:\\.\\d+)?)d)?"
          + "(?:t(?:(\\d+(?:\\.\\d+)?)h)?(?:(\\d+(?:\\.\\d+)?)m)?(?:(\\d+(?:\\.\\d+)?)s)?)?");

  private IntervalText() {}

  private static Map<String, BigDecimal> units() {
    Map<String, BigDecimal> m = new HashMap<>();
    put(m, 1, "microsecond", "microseconds", "usec", "usecs", "us");
    put(m, 1_000, "millisecond", "milliseconds", "msec", "msecs", "ms");
    put(m, 1_000_000, "second", "seconds", "sec", "secs", "s");
    put(m, 60_000_000, "minute", "minutes", "min", "mins", "m");
    put(m, 3_600_000_000L, "hour", "hours", "hr", "hrs", "h");
    put(m, MICROS_PER_DAY, "day", "days", "d");
    put(m, 7 * MICROS_PER_DAY, "week", "weeks", "w");
    put(m, 30 * MICROS_PER_DAY, "month", "months", "mon", "mons");
    put(m, 36525 * MICROS_PER_DAY / 100, "year", "years", "yr", "yrs", "y");
    put(m, 36525 * MICROS_PER_DAY / 10, "decade", "decades");
    put(m, 36525 * MICROS_PER_DAY, "century", "centuries");
    put(m, 36525 * MICROS_PER_DAY * 10, "millennium", "millennia");
    return Map.copyOf(m);
  }

  private static void put(Map<String, BigDecimal> m, long micros, String... names) {
    for (String n : names) {
      m.put(n, BigDecimal.valueOf(micros));
    }
  }

  /**
   * The length of {@code text}.
   *
   * @throws SqlError 22007 when it is not an interval
   */
  public static Duration parse(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.startsWith("@")) {
      s = s.substring(1).trim();
    }
    if (s.isEmpty()) {
      throw invalid(text);
    }
    BigDecimal micros = s.startsWith("p") ? iso(s, text) : postgres(s, text);
    long ms = micros.divide(BigDecimal.valueOf(1000), 0, RoundingMode.HALF_EVEN).longValueExact();
    return Duration.ofMillis(ms);
  }

  private static BigDecimal postgres(String s, String text) {
    boolean ago = false;
    if (s.endsWith(" ago")) {
      ago = true;
      s = s.substring(0, s.length() - 4).trim();
    }
    BigDecimal total = BigDecimal.ZERO;
    Matcher m = PART.matcher(s);
    int pos = 0;
    while (pos < s.length()) {
      if (s.charAt(pos) == ' ' || s.charAt(pos) == ',') {
        pos++;
        continue;
      }
      if (!m.find(pos) || m.start() != pos) {
        throw invalid(text);
      }
      if (m.group(5) != null) {
        BigDecimal unit = m.group(6) == null ? MICROS.get("s") : MICROS.get(m.group(6));
        if (unit == null) {
          throw invalid(text);
        }
        total = total.add(new BigDecimal(m.group(5)).multiply(unit));
      } else {
        BigDecimal t = BigDecimal.valueOf(Long.parseLong(m.group(2))).multiply(MICROS.get("h"))
            .add(BigDecimal.valueOf(Long.parseLong(m.group(3))).multiply(MICROS.get("m")));
        if (m.group(4) != null) {
          t = t.add(new BigDecimal(m.group(4)).multiply(MICROS.get("s")));
        }
        total = total.add(m.group(1).equals("-") ? t.negate() : t);
      }
      pos = m.end();
    }
    return ago ? total.negate() : total;
  }

  private static BigDecimal iso(String s, String text) {
    Matcher m = ISO.matcher(s);
    if (!m.matches() || s.equals("p") || s.endsWith("t")) {
      throw invalid(text);
    }
    String[] units = {"y", "mon", "w", "d", "h", "m", "s"};
    BigDecimal total = BigDecimal.ZERO;
    for (int i = 0; i < units.length; i++) {
      if (m.group(i + 1) != null) {
        total = total.add(new BigDecimal(m.group(i + 1)).multiply(MICROS.get(units[i])));
      }
    }
    return total;
  }

  private static SqlError invalid(String text) {
    return new SqlError("22007", "invalid input syntax for type interval: \"" + text + "\"");
  }
}
