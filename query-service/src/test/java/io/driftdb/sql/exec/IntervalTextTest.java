package io.driftdb.sql.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdb.sql.SqlError;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Interval text read as PostgreSQL reads it (month = 30 days, year = 365.25 days when turned into time). */
class IntervalTextTest {
  private static final long DAY = 86_400_000L;

  @Test
  void postgresForms() {
    assertThat(IntervalText.parse("90 days")).isEqualTo(Duration.ofDays(90));
    assertThat(IntervalText.parse("1 day")).isEqualTo(Duration.ofDays(1));
    assertThat(IntervalText.parse("  36 HOURS ")).isEqualTo(Duration.ofHours(36));
    assertThat(IntervalText.parse("30 minutes")).isEqualTo(Duration.ofMinutes(30));
    assertThat(IntervalText.parse("15 mins 30 secs")).isEqualTo(Duration.ofSeconds(15 * 60 + 30));
    assertThat(IntervalText.parse("2 weeks")).isEqualTo(Duration.ofDays(14));
    assertThat(IntervalText.parse("1 mon")).isEqualTo(Duration.ofDays(30));
    assertThat(IntervalText.parse("1 year")).isEqualTo(Duration.ofMillis(36525 * DAY / 100));
    assertThat(IntervalText.parse("1 year 2 months 3 days")).isEqualTo(
        Duration.ofMillis(36525 * DAY / 100 + 63 * DAY));
    assertThat(IntervalText.parse("1 day 12:30:15")).isEqualTo(Duration.ofSeconds(86_400 + 12 * 3600 + 30 * 60 + 15));
    assertThat(IntervalText.parse("12:30")).isEqualTo(Duration.ofMinutes(12 * 60 + 30));
    assertThat(IntervalText.parse("1.5 days")).isEqualTo(Duration.ofHours(36));
    assertThat(IntervalText.parse("250 ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(IntervalText.parse("90")).isEqualTo(Duration.ofSeconds(90)); // no unit: seconds
    assertThat(IntervalText.parse("@ 3 days")).isEqualTo(Duration.ofDays(3));
    assertThat(IntervalText.parse("0 days")).isEqualTo(Duration.ZERO);
    assertThat(IntervalText.parse("2 days ago")).isEqualTo(Duration.ofDays(-2));
    assertThat(IntervalText.parse("1 day -02:00")).isEqualTo(Duration.ofHours(22));
  }

  @Test
  void iso8601Forms() {
    assertThat(IntervalText.parse("P90D")).isEqualTo(Duration.ofDays(90));
    assertThat(IntervalText.parse("PT12H")).isEqualTo(Duration.ofHours(12));
    assertThat(IntervalText.parse("P1DT2H3M4S")).isEqualTo(Duration.ofSeconds(86_400 + 2 * 3600 + 3 * 60 + 4));
    assertThat(IntervalText.parse("P2W")).isEqualTo(Duration.ofDays(14));
    assertThat(IntervalText.parse("P1M")).isEqualTo(Duration.ofDays(30));
  }

  @Test
  void badTextIs22007() {
    for (String bad : new String[] {"", "forever", "ten days", "5 fortnights", "days", "1 day and 2 hours", "P", "PT",
        "P1H", "1::2", "--5 days"}) {
      assertThatThrownBy(() -> IntervalText.parse(bad)).as(bad).isInstanceOf(SqlError.class)
          .hasMessageContaining("invalid input syntax for type interval")
          .satisfies(e -> assertThat(((SqlError) e).sqlState()).isEqualTo("22007"));
    }
  }
}
