package io.driftdb.log;

import io.driftdb.log.segment.ActiveSegment;
import io.driftdb.log.segment.IndexFiles;
import io.driftdb.log.segment.SegmentFiles;
import io.driftdb.log.segment.SegmentMerger;
import io.driftdb.log.segment.SegmentView;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites sealed segments (never the active one) while the log keeps running: adjacent small
 * segments are merged into one of up to {@code segmentBytes}, every batch is recompressed with
 * zstd in bigger batches, and the rewriter may change record values; SEQs and timestamps stay.
 * Each merged group goes through {@link SegmentSwap}, and readers are switched over in two
 * published views: first to the {@code .log.swap} file (before any old file is deleted), then
 * to its final name (after the rename). One compaction at a time (the caller serializes).
 */
final class LogCompactor {
  private static final Logger LOG = LoggerFactory.getLogger(LogCompactor.class);
  /** Old data is read rarely and kept long: a stronger level than group commit's default. */
  static final int ZSTD_LEVEL = 6;
  /** Each pass merges at least two segments or stops; this only bounds a pathological run. */
  private static final int MAX_PASSES = 16;

  private final LogConfig config;
  private final LogViewHolder views;
  /** Set when a merge stopped after its commit point; the next open completes it. */
  private String unfinished;

  LogCompactor(LogConfig config, LogViewHolder views) {
    this.config = config;
    this.views = views;
  }

  CompactionReport compact(RecordRewriter rewriter, CompactionHook hook) throws IOException {
    if (unfinished != null) {
      throw new IOException("an earlier segment merge stopped halfway (" + unfinished
          + "); it is completed when the log is opened again");
    }
    CompactionReport total = CompactionReport.NOTHING;
    RecordRewriter r = rewriter;
    // Groups are planned by the sizes on disk, so segments that shrank (recompressed, values
    // cut) may fit together now: plan again until no neighbours fit into one segment. The
    // rewriter has seen every record it asked for after the first pass.
    for (int pass = 0; pass < MAX_PASSES; pass++) {
      List<List<SegmentView>> groups = plan(views.get().sealed());
      if (pass > 0 && groups.stream().allMatch(g -> g.size() == 1)) {
        break;
      }
      for (List<SegmentView> group : groups) {
        total = total.plus(compactGroup(group, r, hook));
      }
      r = RecordRewriter.NONE;
    }
    if (total.segmentsIn() > 0) {
      LOG.info("Compacted log {}: {}", config.directory(), total.describe());
    }
    return total;
  }

  /**
   * Groups of adjacent sealed segments to rewrite as one. Small segments (under half of
   * segmentBytes) are packed greedily up to segmentBytes; a big one stays on its own, so a
   * growing log does not rewrite its large old segments every time a small one is added.
   */
  List<List<SegmentView>> plan(List<SegmentView> sealed) {
    List<List<SegmentView>> groups = new ArrayList<>();
    List<SegmentView> current = new ArrayList<>();
    long bytes = 0;
    for (SegmentView s : sealed) {
      if (s.isEmpty()) {
        continue; // never written by DriftDB: sealed segments hold at least one batch
      }
      boolean small = s.sizeBytes() < config.segmentBytes() / 2;
      boolean joins = small && !current.isEmpty()
          && bytes + s.sizeBytes() <= config.segmentBytes()
          && s.nextOffset() - 1 - current.get(0).baseOffset() <= Integer.MAX_VALUE;
      if (!current.isEmpty() && !joins) {
        groups.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(s);
      bytes += s.sizeBytes();
      if (!small) {
        groups.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
    }
    if (!current.isEmpty()) {
      groups.add(current);
    }
    return groups;
  }

  private CompactionReport compactGroup(List<SegmentView> group, RecordRewriter rewriter, CompactionHook hook)
      throws IOException {
    SegmentView first = group.get(0);
    long last = group.get(group.size() - 1).nextOffset() - 1;
    boolean merge = group.size() > 1;
    boolean repack = !merge && SegmentMerger.worthRepacking(first, config.maxBatchBytes());
    if (!merge && !repack && !rewriter.mayRewrite(first.baseOffset(), last)) {
      return CompactionReport.NOTHING;
    }
    SegmentFiles cleaned = new SegmentFiles(config.directory(), first.baseOffset(), SegmentFiles.CLEANED);
    Files.deleteIfExists(cleaned.log());
    SegmentMerger.Merged merged;
    try {
      merged = SegmentMerger.merge(group, cleaned, rewriter, ZSTD_LEVEL, config.maxBatchBytes(),
          () -> hook.reached(CompactionHook.Step.CLEANED_PARTIAL, cleaned.log()));
      if (!merge && !repack && merged.recordsChanged() == 0) {
        Files.delete(cleaned.log());
        return CompactionReport.NOTHING;
      }
      hook.reached(CompactionHook.Step.CLEANED_WRITTEN, cleaned.log());
    } catch (IOException | RuntimeException | Error e) {
      Files.deleteIfExists(cleaned.log());
      throw e;
    }

    SegmentFiles swap = SegmentSwap.commit(cleaned, hook);
    // Past the commit point: the merge happens, now or at the next open.
    try {
      SegmentView swapView = merged.view(swap);
      views.replaceSealed(group, swapView);
      List<SegmentFiles> old = new ArrayList<>();
      long bytesIn = 0;
      for (SegmentView s : group) {
        old.add(s.files());
        bytesIn += s.sizeBytes();
      }
      SegmentSwap.deleteReplaced(old, hook);
      // Readers missing the swap file during the rename wait for the next view.
      views.beginInstall();
      SegmentFiles live;
      try {
        live = SegmentSwap.install(swap);
      } catch (IOException | RuntimeException | Error e) {
        views.endInstall();
        throw e;
      }
      views.replaceSealed(List.of(swapView), merged.view(live));
      ActiveSegment.syncDirectory(config.directory());
      hook.reached(CompactionHook.Step.SWAP_INSTALLED, live.log());
      IndexFiles.write(live.index(), merged.indexes().offsetBytes());
      IndexFiles.write(live.timeIndex(), merged.indexes().timeBytes());
      hook.reached(CompactionHook.Step.INDEXES_WRITTEN, live.index());
      LOG.debug("Merged {} segment(s) at offsets {}..{} into {} ({} -> {} bytes)", group.size(), first.baseOffset(),
          last, live.log().getFileName(), bytesIn, merged.sizeBytes());
      return new CompactionReport(group.size(), 1, bytesIn, merged.sizeBytes(), merged.recordsChanged());
    } catch (IOException | RuntimeException | Error e) {
      unfinished = swap.log().getFileName().toString();
      throw e;
    }
  }
}
