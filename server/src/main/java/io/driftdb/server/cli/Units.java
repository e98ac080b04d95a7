package io.driftdb.server.cli;

import java.util.Locale;

/** Human-readable sizes, rates and durations for progress output. */
final class Units {
  private Units() {}

  static String bytes(double b) {
    String[] unit = {"B", "KiB", "MiB", "GiB", "TiB"};
    int i = 0;
    while (b >= 1024 && i < unit.length - 1) {
      b /= 1024;
      i++;
    }
    return i == 0 ? String.format(Locale.ROOT, "%.0f %s", b, unit[i]) : String.format(Locale.ROOT, "%.1f %s", b, unit[i]);
  }

  static String count(double n) {
    return String.format(Locale.ROOT, "%,.0f", n);
  }

  static String duration(long seconds) {
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
  }
}
