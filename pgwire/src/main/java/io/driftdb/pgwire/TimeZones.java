package io.driftdb.pgwire;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Optional;

/** Resolves PostgreSQL TimeZone values to java.time zones; PostgreSQL matches zone names case-insensitively. */
final class TimeZones {

  private TimeZones() {}

  static Optional<ZoneId> resolve(String name) {
    if (name == null || name.isBlank()) {
      return Optional.empty();
    }
    String n = name.trim();
    try {
      return Optional.of(ZoneId.of(n));
    } catch (DateTimeException e) {
      // fall through to the case-insensitive search
    }
    if (n.equalsIgnoreCase("utc") || n.equalsIgnoreCase("gmt") || n.equalsIgnoreCase("z")) {
      return Optional.of(ZoneId.of("UTC"));
    }
    for (String id : ZoneId.getAvailableZoneIds()) {
      if (id.equalsIgnoreCase(n)) {
        return Optional.of(ZoneId.of(id));
      }
    }
    return Optional.empty();
  }
}
