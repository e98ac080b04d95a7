package io.driftdb.server.cli;

import java.util.OptionalLong;

/**
 * How far a replay has got.
 *
 * @param records records applied so far
 * @param totalRecords records in the log when the replay started
 * @param bytes record bytes (key + value) applied so far
 * @param elapsedNanos time since the replay started
 */
public record ReplayStatus(long records, long totalRecords, long bytes, long elapsedNanos) {

  public double fraction() {
    return totalRecords == 0 ? 1.0 : Math.min(1.0, (double) records / totalRecords);
  }

  public double seconds() {
    return elapsedNanos / 1e9;
  }

  public double recordsPerSecond() {
    return seconds() <= 0 ? 0 : records / seconds();
  }

  public double bytesPerSecond() {
    return seconds() <= 0 ? 0 : bytes / seconds();
  }

  /** Seconds left at the average rate so far; empty until there is a rate to go by. */
  public OptionalLong etaSeconds() {
    double rate = recordsPerSecond();
    if (rate <= 0) {
      return OptionalLong.empty();
    }
    return OptionalLong.of((long) Math.ceil(Math.max(0, totalRecords - records) / rate));
  }
}
