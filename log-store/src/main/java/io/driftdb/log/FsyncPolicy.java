package io.driftdb.log;

import java.util.Locale;

/**
 * When the log calls fdatasync, and therefore what an acknowledged append promises.
 * Parsed from the configuration strings {@code group}, {@code interval:<ms>} and {@code none}.
 */
public sealed interface FsyncPolicy {

  /** Every group commit is fsynced before its appends complete: acknowledged means durable. */
  record Group() implements FsyncPolicy {
    @Override
    public String toString() {
      return "group";
    }
  }

  /**
   * Appends complete once written to the OS; an fsync happens at most every {@code millis}
   * (and at roll and close). A machine crash can lose up to that much acknowledged data.
   */
  record Interval(long millis) implements FsyncPolicy {
    public Interval {
      if (millis <= 0) {
        throw new IllegalArgumentException("fsync interval must be positive, got " + millis + " ms");
      }
    }

    @Override
    public String toString() {
      return "interval:" + millis;
    }
  }

  /** Never fsync except at segment roll and close: for tests and throwaway data. */
  record None() implements FsyncPolicy {
    @Override
    public String toString() {
      return "none";
    }
  }

  static FsyncPolicy group() {
    return new Group();
  }

  /** True if a completed append future means the record is on stable storage. */
  default boolean acknowledgesAfterFsync() {
    return this instanceof Group;
  }

  /** Parses {@code group}, {@code interval:<ms>} or {@code none} (case-insensitive). */
  static FsyncPolicy parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("group")) {
      return new Group();
    }
    if (t.equals("none")) {
      return new None();
    }
    if (t.startsWith("interval:")) {
      String ms = t.substring("interval:".length()).trim();
      try {
        return new Interval(Long.parseLong(ms));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad fsync interval '" + ms + "' in '" + text
            + "' (expected interval:<milliseconds>)", e);
      }
    }
    throw new IllegalArgumentException(
        "unknown fsync policy '" + text + "' (expected group, interval:<ms> or none)");
  }
}
