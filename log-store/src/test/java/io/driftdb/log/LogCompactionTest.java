package io.driftdb.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdb.log.format.BatchHeader;
import io.driftdb.log.segment.SegmentFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LocalLog#compact}: merged and recompressed segments keep every SEQ, timestamp, key,
 * header and (unless the rewriter changes it) value byte for byte; a crash at every step of the
 * swap leaves a log that opens with every record; readers and appends go on during a merge.
 */
class LogCompactionTest {
  @TempDir Path dir;

  /** What a record must read back as (value per SEQ may be replaced by a rewrite). */
  record Expected(long seq, long timestamp, byte[] key, byte[] value, List<RecordHeader> headers) {}

  private static LogConfig config(Path d, long segmentBytes, Compression codec, AtomicLong clock) {
    return LogConfig.builder(d).segmentBytes(segmentBytes).compression(codec)
        .clock(clock == null ? System::currentTimeMillis : clock::get).build();
  }

  /** What a test wrote: its random source, the clock that stamps records, and every record as appended. */
  private static final class Workload {
    final Random rnd;
    final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    final Map<Long, Expected> expected = new LinkedHashMap<>();

    Workload(long seed) {
      this.rnd = new Random(seed);
    }

    LogConfig config(Path d, long segmentBytes, Compression codec) {
      return LogCompactionTest.config(d, segmentBytes, codec, clock);
    }

    void append(LocalLog log, int bursts) {
      LogCompactionTest.append(log, rnd, bursts, clock, expected);
    }
  }

  /** Appends bursts of random records (several per batch, several timestamps per batch). */
  private static void append(LocalLog log, Random rnd, int bursts, AtomicLong clock, Map<Long, Expected> out) {
    for (int burst = 0; burst < bursts; burst++) {
      List<CompletableFuture<Appended>> fs = new ArrayList<>();
      List<Object[]> sent = new ArrayList<>();
      for (int i = 0, n = 1 + rnd.nextInt(6); i < n; i++) {
        byte[] key = rnd.nextInt(8) == 0 ? null : ("key-" + rnd.nextInt(1000)).getBytes(UTF_8);
        byte[] value = rnd.nextInt(12) == 0 ? null : randomValue(rnd);
        List<RecordHeader> hs = rnd.nextInt(3) == 0
            ? List.of(new RecordHeader("table", ("t" + rnd.nextInt(5)).getBytes(UTF_8)), new RecordHeader("op", null))
            : List.of();
        clock.addAndGet(rnd.nextInt(3));
        fs.add(log.append(key, value, hs));
        sent.add(new Object[] {key, value, hs});
      }
      for (int i = 0; i < fs.size(); i++) {
        Appended a = fs.get(i).join();
        Object[] s = sent.get(i);
        @SuppressWarnings("unchecked")
        List<RecordHeader> hs = (List<RecordHeader>) s[2];
        out.put(a.seq(), new Expected(a.seq(), a.timestampMs(), (byte[]) s[0], (byte[]) s[1], hs));
      }
    }
  }

  private static byte[] randomValue(Random rnd) {
    StringBuilder b = new StringBuilder();
    for (int i = 0, n = rnd.nextInt(200); i < n; i++) {
      b.append((char) ('a' + rnd.nextInt(rnd.nextBoolean() ? 3 : 26)));
    }
    return b.toString().getBytes(UTF_8);
  }

  private static List<LogRecord> readAll(LocalLog log) {
    List<LogRecord> out = new ArrayList<>();
    try (LogCursor c = log.read(0)) {
      c.forEachRemaining(out::add);
    }
    return out;
  }

  private static void assertRecords(List<LogRecord> actual, Map<Long, Expected> expected) {
    assertThat(actual).hasSize(expected.size());
    long seq = 0;
    for (LogRecord r : actual) {
      Expected e = expected.get(seq);
      assertThat(r.seq()).isEqualTo(seq);
      assertThat(r.timestampMs()).as("timestamp of SEQ %d", seq).isEqualTo(e.timestamp());
      assertThat(r.key()).as("key of SEQ %d", seq).isEqualTo(e.key());
      assertThat(r.value()).as("value of SEQ %d", seq).isEqualTo(e.value());
      assertThat(headerText(r.headers())).as("headers of SEQ %d", seq).isEqualTo(headerText(e.headers()));
      seq++;
    }
  }

  private static String headerText(List<RecordHeader> hs) {
    StringBuilder b = new StringBuilder();
    for (RecordHeader h : hs) {
      b.append(h.key()).append('=').append(h.value() == null ? "null" : Arrays.toString(h.value())).append(';');
    }
    return b.toString();
  }

  /** Time lookups against a brute-force answer over the expected records. */
  private static void assertTimeLookups(LocalLog log, Map<Long, Expected> expected, Random rnd) {
    List<Expected> all = new ArrayList<>(expected.values());
    long lo = all.get(0).timestamp() - 2;
    long hi = all.get(all.size() - 1).timestamp() + 2;
    for (int i = 0; i < 200; i++) {
      long t = lo + (long) (rnd.nextDouble() * (hi - lo));
      long answer = -1;
      for (Expected e : all) {
        if (e.timestamp() <= t) {
          answer = e.seq();
        }
      }
      OptionalLong got = log.seqAtOrBefore(t);
      assertThat(got.isPresent() ? got.getAsLong() : -1).as("seqAtOrBefore(%d)", t).isEqualTo(answer);
      long seq = rnd.nextInt(all.size());
      assertThat(log.timestampOf(seq)).isEqualTo(expected.get(seq).timestamp());
    }
  }

  /** Codec ids of the batches of the sealed segments (every segment file but the last). */
  private static Set<Integer> sealedCodecs(Path d) throws IOException {
    Set<Integer> codecs = new HashSet<>();
    List<SegmentFiles> segments = SegmentFiles.list(d);
    for (SegmentFiles f : segments.subList(0, segments.size() - 1)) {
      ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f.log()));
      int pos = 0;
      while (pos < b.limit()) {
        BatchHeader h = BatchHeader.read(b, pos);
        codecs.add(h.compressionId());
        pos += (int) h.sizeInBytes();
      }
    }
    return codecs;
  }

  private static List<String> leftovers(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".swap") || n.endsWith(".cleaned")).toList();
    }
  }

  @Test
  void mergeAndRecompressionKeepEverySeqTimestampAndByte() throws Exception {
    Workload w = new Workload(7);
    // Small uncompressed segments, some zstd ones in between (a codec change between runs).
    for (Compression codec : List.of(Compression.NONE, Compression.ZSTD, Compression.NONE)) {
      try (LocalLog log = LocalLog.open(w.config(dir, 2048, codec))) {
        w.append(log, 60);
      }
    }
    int before = SegmentFiles.list(dir).size();
    assertThat(before).isGreaterThan(20);
    assertThat(sealedCodecs(dir)).contains(0, 4);
    long activeBytes = Files.size(SegmentFiles.list(dir).get(before - 1).log());

    try (LocalLog log = LocalLog.open(w.config(dir, 64 * 1024, Compression.NONE))) {
      CompactionReport r = log.compact(RecordRewriter.NONE);
      assertThat(r.segmentsIn()).isGreaterThanOrEqualTo(before - 1); // every sealed one, some twice
      assertThat(r.recordsChanged()).isZero();
      assertThat(log.segmentCount()).isLessThan(before / 4);
      assertThat(sealedCodecs(dir)).containsExactly(4);
      // The active segment is never touched.
      assertThat(Files.size(SegmentFiles.list(dir).get(log.segmentCount() - 1).log())).isEqualTo(activeBytes);
      assertRecords(readAll(log), w.expected);
      assertTimeLookups(log, w.expected, w.rnd);
      // Nothing left to do: a second run changes nothing.
      assertThat(log.compact(RecordRewriter.NONE)).isEqualTo(CompactionReport.NOTHING);
      // Appends go on after the merge, into the untouched active segment and beyond.
      w.append(log, 40);
      assertRecords(readAll(log), w.expected);
    }
    assertThat(leftovers(dir)).isEmpty();
    try (LocalLog log = LocalLog.open(w.config(dir, 64 * 1024, Compression.NONE))) {
      assertRecords(readAll(log), w.expected);
      assertTimeLookups(log, w.expected, w.rnd);
    }
    assertThat(LogRepair.inspect(dir).truncation()).isEmpty();
  }

  @Test
  void rollingTheActiveSegmentLetsACompactionRewriteItsRecords() throws Exception {
    Workload w = new Workload(29);
    try (LocalLog log = LocalLog.open(w.config(dir, 1 << 20, Compression.NONE))) {
      w.append(log, 30);
      assertThat(log.segmentCount()).isEqualTo(1);
      assertThat(log.compact(RecordRewriter.NONE)).isEqualTo(CompactionReport.NOTHING);
      log.rollActiveSegment();
      assertThat(log.segmentCount()).isEqualTo(2);
      log.rollActiveSegment(); // an empty active segment stays
      assertThat(log.segmentCount()).isEqualTo(2);
      assertThat(log.compact(RecordRewriter.NONE).segmentsIn()).isEqualTo(1);
      assertThat(sealedCodecs(dir)).containsExactly(4);
      w.append(log, 5);
      assertRecords(readAll(log), w.expected);
    }
    try (LocalLog log = LocalLog.open(dir)) {
      assertRecords(readAll(log), w.expected);
      assertThat(log.segmentCount()).isEqualTo(2);
    }
  }

  @Test
  void fullSegmentsAreRecompressedAndThenMergedInOneRun() throws Exception {
    Workload w = new Workload(3);
    try (LocalLog log = LocalLog.open(w.config(dir, 4096, Compression.NONE))) {
      w.append(log, 150);
      int before = log.segmentCount();
      // Full segments do not fit together: the first pass recompresses each on its own, the
      // next passes merge the now small segments.
      CompactionReport r = log.compact(RecordRewriter.NONE);
      assertThat(r.segmentsIn()).isGreaterThan(before - 1);
      assertThat(log.segmentCount()).isLessThan(before);
      assertThat(sealedCodecs(dir)).containsExactly(4);
      assertRecords(readAll(log), w.expected);
      assertThat(log.compact(RecordRewriter.NONE)).isEqualTo(CompactionReport.NOTHING);
    }
  }

  @Test
  void rewriterChangesValuesOnlyAndNeverTheActiveSegment() throws Exception {
    Workload w = new Workload(5);
    try (LocalLog log = LocalLog.open(w.config(dir, 2048, Compression.ZSTD))) {
      w.append(log, 120);
      long activeBase = SegmentFiles.list(dir).get(SegmentFiles.list(dir).size() - 1).baseOffset();
      // Shorten the value of every third record (a history removal would drop row events).
      RecordRewriter every3rd = new RecordRewriter() {
        @Override
        public boolean mayRewrite(long firstSeq, long lastSeq) {
          return true;
        }

        @Override
        public byte[] rewrite(LogRecord r) {
          return r.seq() % 3 == 0 && r.value() != null ? ("cut-" + r.seq()).getBytes(UTF_8) : r.value();
        }
      };
      CompactionReport rep = log.compact(every3rd);
      long changed = 0;
      for (Expected e : List.copyOf(w.expected.values())) {
        if (e.seq() < activeBase && e.seq() % 3 == 0 && e.value() != null) {
          w.expected.put(e.seq(), new Expected(e.seq(), e.timestamp(), e.key(), ("cut-" + e.seq()).getBytes(UTF_8),
              e.headers()));
          changed++;
        }
      }
      assertThat(rep.recordsChanged()).isEqualTo(changed).isPositive();
      assertRecords(readAll(log), w.expected);
      // The same rewrite again changes nothing, so nothing is written.
      assertThat(log.compact(every3rd)).isEqualTo(CompactionReport.NOTHING);
    }
    try (LocalLog log = LocalLog.open(dir)) {
      assertRecords(readAll(log), w.expected);
    }
  }

  /**
   * The directory as a crash leaves it, copied at every step of every swap (the hook runs on
   * the compacting thread, so nothing of the merge moves while it copies): each copy opens
   * with every record intact, the interrupted merge either completed or undone.
   */
  @Test
  void aCrashAtAnyStepOfTheSwapLeavesAValidLog() throws Exception {
    Workload w = new Workload(11);
    try (LocalLog log = LocalLog.open(w.config(dir, 2048, Compression.NONE))) {
      w.append(log, 80);
    }
    Path crashes = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-crashes"));
    List<Path> copies = new ArrayList<>();
    Map<Path, CompactionHook.Step> stepOf = new LinkedHashMap<>();
    CompactionHook copyAtEveryStep = (step, file) -> {
      Path copy = crashes.resolve(String.format("%03d-%s", copies.size(), step));
      Files.createDirectories(copy);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> !p.getFileName().toString().equals(".lock")).toList()) {
          Files.copy(f, copy.resolve(f.getFileName()));
        }
      }
      copies.add(copy);
      stepOf.put(copy, step);
    };
    RecordRewriter rewriter = new RecordRewriter() {
      @Override
      public boolean mayRewrite(long firstSeq, long lastSeq) {
        return true;
      }

      @Override
      public byte[] rewrite(LogRecord r) {
        return r.seq() % 5 == 0 ? null : r.value();
      }
    };
    try (LocalLog log = LocalLog.open(w.config(dir, 8192, Compression.NONE))) {
      log.compact(rewriter, copyAtEveryStep);
    }
    Set<CompactionHook.Step> seen = new HashSet<>(stepOf.values());
    assertThat(seen).containsExactlyInAnyOrder(CompactionHook.Step.values());
    assertThat(copies).hasSizeGreaterThan(20);

    for (Path copy : copies) {
      try (LocalLog log = LocalLog.open(copy)) {
        List<LogRecord> all = readAll(log);
        assertThat(leftovers(copy)).as("after reopening %s", copy).isEmpty();
        assertThat(all).as("records after a crash at %s", copy).hasSize(w.expected.size());
        for (LogRecord r : all) {
          Expected e = w.expected.get(r.seq());
          assertThat(r.timestampMs()).isEqualTo(e.timestamp());
          assertThat(r.key()).isEqualTo(e.key());
          assertThat(headerText(r.headers())).isEqualTo(headerText(e.headers()));
          // Per record: the original value, or the rewritten one if its segment's swap happened.
          if (r.seq() % 5 != 0) {
            assertThat(r.value()).isEqualTo(e.value());
          } else {
            assertThat(r.value() == null || Arrays.equals(r.value(), e.value())).isTrue();
          }
        }
      }
      assertThat(LogRepair.inspect(copy).truncation()).as("damage after a crash at %s", copy).isEmpty();
    }
  }

  @Test
  void aFailedMergeBeforeItsCommitChangesNothing() throws Exception {
    Workload w = new Workload(13);
    try (LocalLog log = LocalLog.open(w.config(dir, 2048, Compression.NONE))) {
      w.append(log, 60);
      for (CompactionHook.Step failAt : List.of(CompactionHook.Step.CLEANED_PARTIAL,
          CompactionHook.Step.CLEANED_WRITTEN)) {
        CompactionHook fail = (step, file) -> {
          if (step == failAt) {
            throw new IOException("disk full (injected at " + step + ")");
          }
        };
        int segments = log.segmentCount();
        assertThatThrownBy(() -> log.compact(RecordRewriter.NONE, fail)).hasMessageContaining("injected");
        assertThat(leftovers(dir)).isEmpty();
        assertThat(log.segmentCount()).isEqualTo(segments);
        assertRecords(readAll(log), w.expected);
      }
      w.append(log, 10);
      assertThat(log.compact(RecordRewriter.NONE).segmentsIn()).isPositive();
      assertRecords(readAll(log), w.expected);
    }
  }

  @Test
  void aMergeThatStopsAfterItsCommitIsCompletedOnTheNextOpen() throws Exception {
    Workload w = new Workload(17);
    try (LocalLog log = LocalLog.open(w.config(dir, 2048, Compression.NONE))) {
      w.append(log, 60);
    }
    try (LocalLog log = LocalLog.open(w.config(dir, 16 * 1024, Compression.NONE))) {
      CompactionHook fail = (step, file) -> {
        if (step == CompactionHook.Step.OLD_FILE_DELETED) {
          throw new IOException("I/O error (injected)");
        }
      };
      assertThatThrownBy(() -> log.compact(RecordRewriter.NONE, fail)).hasMessageContaining("injected");
      // Readers still see everything (the view points at the committed .swap file) ...
      assertRecords(readAll(log), w.expected);
      assertTimeLookups(log, w.expected, w.rnd);
      // ... and appends go on; further merges wait for the next open.
      w.append(log, 5);
      assertThatThrownBy(() -> log.compact(RecordRewriter.NONE)).hasMessageContaining("stopped halfway");
    }
    assertThat(leftovers(dir)).hasSize(1);
    try (LocalLog log = LocalLog.open(w.config(dir, 16 * 1024, Compression.NONE))) {
      assertThat(leftovers(dir)).isEmpty();
      assertRecords(readAll(log), w.expected);
      log.compact(RecordRewriter.NONE);
      assertRecords(readAll(log), w.expected);
    }
  }

  @Test
  void repairCompletesACommittedMergeInsteadOfCuttingTheLog() throws Exception {
    Workload w = new Workload(19);
    try (LocalLog log = LocalLog.open(w.config(dir, 2048, Compression.NONE))) {
      w.append(log, 60);
    }
    try (LocalLog log = LocalLog.open(w.config(dir, 16 * 1024, Compression.NONE))) {
      // Stop right after the first old file of the group is gone: old segments are now incomplete.
      CompactionHook fail = (step, file) -> {
        if (step == CompactionHook.Step.OLD_FILE_DELETED && file.toString().endsWith(".log")) {
          throw new IOException("crash (injected)");
        }
      };
      assertThatThrownBy(() -> log.compact(RecordRewriter.NONE, fail)).hasMessageContaining("injected");
    }
    RepairReport report = LogRepair.repair(dir);
    assertThat(report.truncation()).isEmpty();
    assertThat(report.headSeq()).isEqualTo(w.expected.size() - 1);
    try (LocalLog log = LocalLog.open(dir)) {
      assertRecords(readAll(log), w.expected);
    }
  }

  /** A cursor opened before the merge and one tailing across it, plus time lookups, all during appends. */
  @Test
  void readersAndAppendsGoOnDuringMerges() throws Exception {
    Random rnd = new Random(23);
    AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    Map<Long, Expected> expected = new java.util.concurrent.ConcurrentHashMap<>();
    try (LocalLog log = LocalLog.open(config(dir, 2048, Compression.NONE, clock))) {
      Map<Long, Expected> first = new LinkedHashMap<>();
      append(log, rnd, 100, clock, first);
      expected.putAll(first);

      // A cursor half way through a sealed segment keeps its file across the swap.
      LogCursor early = log.read(0);
      List<LogRecord> earlyRead = new ArrayList<>();
      for (int i = 0; i < 37; i++) {
        earlyRead.add(early.next());
      }

      AtomicBoolean stop = new AtomicBoolean();
      ConcurrentLinkedQueue<Throwable> problems = new ConcurrentLinkedQueue<>();
      Thread reader = new Thread(() -> {
        Random r = new Random(1);
        try {
          while (!stop.get()) {
            long head = log.headSeq();
            long seq = 0;
            try (LogCursor c = log.read(0)) {
              while (c.hasNext() && seq <= head) {
                LogRecord rec = c.next();
                Expected e = expected.get(rec.seq());
                // (a record may be readable before its appender has noted what it wrote)
                if (rec.seq() != seq
                    || e != null && (!Arrays.equals(rec.value(), e.value()) || rec.timestampMs() != e.timestamp())) {
                  problems.add(new AssertionError("SEQ " + rec.seq() + " read wrong (expected " + seq + ")"));
                  return;
                }
                seq++;
              }
            }
            if (seq <= head) {
              problems.add(new AssertionError("cursor stopped at " + seq + " before head " + head));
              return;
            }
            long s = r.nextInt((int) head + 1);
            Expected e = expected.get(s);
            if (e != null && log.timestampOf(s) != e.timestamp()) {
              problems.add(new AssertionError("timestampOf(" + s + ") wrong"));
              return;
            }
            if (e != null && log.seqAtOrBefore(e.timestamp()).orElse(-1) < s) {
              problems.add(new AssertionError("seqAtOrBefore(" + e.timestamp() + ") below " + s));
              return;
            }
          }
        } catch (Throwable t) {
          problems.add(t);
        }
      }, "compaction-reader");
      Thread writer = new Thread(() -> {
        Random r = new Random(2);
        try {
          for (int i = 0; i < 60; i++) {
            Map<Long, Expected> more = new LinkedHashMap<>();
            append(log, r, 3, clock, more);
            expected.putAll(more);
          }
        } catch (Throwable t) {
          problems.add(t);
        }
      }, "compaction-writer");
      reader.start();
      writer.start();
      int merges = 0;
      try {
        // Merge while the writer appends (and at least twice), each run seeing newly sealed segments.
        for (int round = 0; round < 2 || writer.isAlive(); round++) {
          merges += log.compact(RecordRewriter.NONE).segmentsIn();
        }
      } finally {
        writer.join();
        stop.set(true);
        reader.join();
      }
      assertThat(problems).isEmpty();
      assertThat(merges).isPositive();

      early.forEachRemaining(earlyRead::add);
      early.close();
      Map<Long, Expected> sorted = new LinkedHashMap<>();
      for (long s = 0; s < expected.size(); s++) {
        sorted.put(s, expected.get(s));
      }
      assertRecords(earlyRead, sorted);
      assertRecords(readAll(log), sorted);
    }
  }
}
