package io.driftdb.server.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows replay progress: a redrawn bar on a terminal, or a plain line every few seconds when
 * the output goes to a file or pipe (where carriage returns would make a mess). Callers report
 * as often as they like; implementations throttle themselves.
 */
interface ReplayProgress {

  void report(ReplayStatus status);

  /** The replay is over (the summary is printed by the caller). */
  void done(ReplayStatus status);

  static ReplayProgress choose(boolean terminal, PrintStream err) {
    return terminal ? new Bar(err) : new Lines(err, 2_000_000_000L);
  }

  /** {@code records, %, bytes, rate, ETA} in one phrase, shared by both styles. */
  static String figures(ReplayStatus s) {
    String eta = s.etaSeconds().isPresent() ? Units.duration(s.etaSeconds().getAsLong()) : "?";
    return String.format(Locale.ROOT, "%s/%s records (%.1f%%), %s, %s rec/s, %s/s, ETA %s",
        Units.count(s.records()), Units.count(s.totalRecords()), s.fraction() * 100, Units.bytes(s.bytes()),
        Units.count(s.recordsPerSecond()), Units.bytes(s.bytesPerSecond()), eta);
  }

  /** A 30-cell bar redrawn in place about ten times a second. */
  final class Bar implements ReplayProgress {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;
    private final PrintStream err;
    private long lastDraw = Long.MIN_VALUE;

    Bar(PrintStream err) {
      this.err = err;
    }

    @Override
    public void report(ReplayStatus s) {
      if (lastDraw != Long.MIN_VALUE && s.elapsedNanos() - lastDraw < REDRAW_NANOS) {
        return;
      }
      lastDraw = s.elapsedNanos();
      draw(s);
    }

    private void draw(ReplayStatus s) {
      int filled = (int) Math.round(s.fraction() * WIDTH);
      // \033[K clears what a longer previous line left behind.
      err.print("\r[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + figures(s) + "\033[K");
      err.flush();
    }

    @Override
    public void done(ReplayStatus s) {
      draw(s);
      err.println();
    }
  }

  /** One line per interval, for logs and CI output. */
  final class Lines implements ReplayProgress {
    private final PrintStream err;
    private final long intervalNanos;
    private long lastLine;

    Lines(PrintStream err, long intervalNanos) {
      this.err = err;
      this.intervalNanos = intervalNanos;
    }

    @Override
    public void report(ReplayStatus s) {
      if (s.elapsedNanos() - lastLine >= intervalNanos) {
        lastLine = s.elapsedNanos();
        err.println("replay: " + figures(s));
      }
    }

    @Override
    public void done(ReplayStatus s) {
      err.println("replay: " + figures(s));
    }
  }
}
