package io.driftdb.log;

import io.driftdb.log.segment.SegmentView;
import java.util.ArrayList;
import java.util.List;

/**
 * Immutable snapshot of the readable log, replaced as a whole after every group commit:
 * the sealed segments and the active one, each bounded by what is durable. {@code epoch}
 * counts the segment swaps of merges: a reader that opened a segment file by its name checks
 * that the epoch did not move meanwhile, else the name may already denote another file.
 */
record LogView(List<SegmentView> sealed, SegmentView active, long epoch) {

  /** SEQ of the last readable record, -1 when the log is empty. */
  long headSeq() {
    return active.nextOffset() - 1;
  }

  long startSeq() {
    return sealed.isEmpty() ? active.baseOffset() : sealed.get(0).baseOffset();
  }

  boolean isEmpty() {
    return headSeq() < startSeq();
  }

  /** The segment holding {@code seq}; the caller checks startSeq <= seq <= headSeq. */
  SegmentView segmentFor(long seq) {
    if (seq >= active.baseOffset()) {
      return active;
    }
    int lo = 0;
    int hi = sealed.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (sealed.get(mid).baseOffset() <= seq) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return sealed.get(lo);
  }

  /** Segments holding at least one record, oldest first. */
  List<SegmentView> nonEmptySegments() {
    List<SegmentView> out = new ArrayList<>(sealed.size() + 1);
    for (SegmentView s : sealed) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    if (!active.isEmpty()) {
      out.add(active);
    }
    return out;
  }

  int segmentCount() {
    return sealed.size() + 1;
  }
}
