package io.driftdb.log;

/**
 * What one {@link LocalLog#compact} did: {@code segmentsIn} sealed segments
 * ({@code bytesIn} bytes) were rewritten as {@code segmentsOut} ({@code bytesOut} bytes), and
 * {@code recordsChanged} record values were changed by the rewriter. Zeroes when nothing
 * needed doing.
 */
public record CompactionReport(int segmentsIn, int segmentsOut, long bytesIn, long bytesOut, long recordsChanged) {
  public static final CompactionReport NOTHING = new CompactionReport(0, 0, 0, 0, 0);

  CompactionReport plus(CompactionReport o) {
    return new CompactionReport(segmentsIn + o.segmentsIn, segmentsOut + o.segmentsOut, bytesIn + o.bytesIn,
        bytesOut + o.bytesOut, recordsChanged + o.recordsChanged);
  }

  public String describe() {
    if (segmentsIn == 0) {
      return "no log segment needed rewriting";
    }
    return "rewrote " + segmentsIn + " log segment(s) of " + bytesIn + " bytes as " + segmentsOut + " of " + bytesOut
        + " bytes" + (recordsChanged == 0 ? "" : ", " + recordsChanged + " record(s) changed");
  }
}
