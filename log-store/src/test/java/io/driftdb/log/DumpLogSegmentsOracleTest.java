package io.driftdb.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftdb.log.segment.SegmentFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's own DumpLogSegments (kafka-tools 4.3.1, run in a child JVM) reads every segment we
 * wrote, uncompressed and zstd: every batch valid, indexes and time indexes consistent with the
 * log, and offsets, record counts, timestamps and sizes exactly as appended.
 */
class DumpLogSegmentsOracleTest {
  private static final Pattern BATCH = Pattern.compile(
      "^baseOffset: (\\d+) lastOffset: (\\d+) count: (\\d+) .*?position: (\\d+) CreateTime: (\\d+) size: (\\d+)"
          + " magic: (\\d+) compresscodec: (\\w+) crc: (\\d+) isvalid: (\\w+)$");
  private static final Pattern RECORD = Pattern.compile(
      "^\\| offset: (\\d+) CreateTime: (\\d+) keySize: (-?\\d+) valueSize: (-?\\d+) .*headerKeys: \\[(.*)]$");
  private static final Pattern INDEX = Pattern.compile("^offset: (\\d+) position: (\\d+)$");
  private static final Pattern TIME_INDEX = Pattern.compile("^timestamp: (\\d+) offset: (\\d+)$");

  @TempDir Path dir;

  record Written(long seq, long timestamp, int keySize, int valueSize, String headerKeys, Compression codec) {}

  record Batch(long base, long last, int count, long position, long maxTimestamp, String codec, List<long[]> records,
      List<String> headerKeys) {}

  @Test
  void kafkaToolAgreesWithEverySegment() throws Exception {
    Map<Long, Written> written = write();
    List<SegmentFiles> segments = SegmentFiles.list(dir);
    assertThat(segments).hasSizeGreaterThan(4);
    String out = checkWithKafkaTool(segments, written, (s, w) -> w.codec().toString());
    assertThat(out).contains("compresscodec: zstd").contains("compresscodec: none");
  }

  /**
   * Segments a merge rewrote (many small ones packed into a few, every batch recompressed with
   * zstd, same offsets and timestamps) pass the same checks; the active segment is untouched.
   */
  @Test
  void kafkaToolAgreesWithMergedSegments() throws Exception {
    Map<Long, Written> written = write();
    List<SegmentFiles> before = SegmentFiles.list(dir);
    try (LocalLog log = LocalLog.open(LogConfig.builder(dir).segmentBytes(48 * 1024).build())) {
      assertThat(log.compact(RecordRewriter.NONE).segmentsIn()).isPositive();
    }
    List<SegmentFiles> segments = SegmentFiles.list(dir);
    assertThat(segments.size()).isGreaterThan(1).isLessThan(before.size() / 2);
    long activeBase = segments.get(segments.size() - 1).baseOffset();
    checkWithKafkaTool(segments, written, (s, w) -> s.baseOffset() == activeBase ? w.codec().toString() : "zstd");
  }

  /** Runs DumpLogSegments over {@code segments}; checks everything against what was written; returns its output. */
  private String checkWithKafkaTool(List<SegmentFiles> segments, Map<Long, Written> written,
      java.util.function.BiFunction<SegmentFiles, Written, String> codecOf) throws Exception {
    String out = dump(segments);
    assertThat(out).doesNotContain("isvalid: false").doesNotContain("Mismatches")
        .doesNotContain("timestamp mismatch").doesNotContain("out of order timestamp").doesNotContain("Exception");
    Map<String, List<String>> sections = sections(out);

    long nextSeq = 0;
    for (SegmentFiles s : segments) {
      List<Batch> batches = parseLog(sections.get(s.log().toString()));
      assertThat(batches).as("batches of %s", s.log()).isNotEmpty();
      assertThat(batches.get(0).base()).isEqualTo(s.baseOffset());
      long maxTs = -1;
      List<String> expectedTimeIndex = new ArrayList<>();
      for (Batch b : batches) {
        assertThat(b.base()).isEqualTo(nextSeq);
        assertThat(b.last() - b.base() + 1).isEqualTo(b.count());
        assertThat(b.records()).hasSize(b.count());
        for (long[] r : b.records()) {
          Written w = written.get(nextSeq);
          assertThat(r[0]).isEqualTo(nextSeq);
          assertThat(r[1]).as("timestamp of %d", nextSeq).isEqualTo(w.timestamp());
          assertThat((int) r[2]).isEqualTo(w.keySize());
          assertThat((int) r[3]).isEqualTo(w.valueSize());
          assertThat(b.headerKeys().get(b.records().indexOf(r))).isEqualTo(w.headerKeys());
          assertThat(b.codec()).isEqualTo(codecOf.apply(s, w));
          nextSeq++;
        }
        if (b.maxTimestamp() > maxTs) {
          maxTs = b.maxTimestamp();
          expectedTimeIndex.add("timestamp: " + maxTs + " offset: " + b.last());
        }
      }
      // We index every batch: the offset index lists each batch's last offset and position.
      List<String> expectedIndex = batches.stream()
          .map(b -> "offset: " + b.last() + " position: " + b.position()).collect(Collectors.toList());
      assertThat(matching(sections.get(s.index().toString()), INDEX)).isEqualTo(expectedIndex);
      assertThat(matching(sections.get(s.timeIndex().toString()), TIME_INDEX)).isEqualTo(expectedTimeIndex);
    }
    assertThat(nextSeq).isEqualTo(written.size());
    assertThat(nonConsecutiveReports(out, segments)).isEmpty();
    return out;
  }

  /** Writes small segments with none, zstd, none; returns what was written per SEQ. */
  private Map<Long, Written> write() throws Exception {
    Map<Long, Written> written = new LinkedHashMap<>();
    Random rnd = new Random(11);
    for (Compression codec : List.of(Compression.NONE, Compression.ZSTD, Compression.NONE)) {
      LogConfig config = LogConfig.builder(dir).segmentBytes(6 * 1024).compression(codec).build();
      try (LocalLog log = LocalLog.open(config)) {
        for (int burst = 0; burst < 40; burst++) {
          List<CompletableFuture<Appended>> fs = new ArrayList<>();
          List<int[]> sizes = new ArrayList<>();
          for (int i = 0, n = 1 + rnd.nextInt(5); i < n; i++) {
            byte[] key = rnd.nextInt(10) == 0 ? null : ("key-" + burst + "-" + i).getBytes(UTF_8);
            byte[] value = rnd.nextInt(10) == 0 ? null : "x".repeat(rnd.nextInt(300)).getBytes(UTF_8);
            List<RecordHeader> hs = rnd.nextBoolean()
                ? List.of(new RecordHeader("table", "t".getBytes(UTF_8)), new RecordHeader("op", null))
                : List.of();
            fs.add(log.append(key, value, hs));
            sizes.add(new int[] {key == null ? -1 : key.length, value == null ? -1 : value.length, hs.size()});
          }
          for (int i = 0; i < fs.size(); i++) {
            Appended a = fs.get(i).join();
            int[] s = sizes.get(i);
            written.put(a.seq(), new Written(a.seq(), a.timestampMs(), s[0], s[1], s[2] == 0 ? "" : "table,op", codec));
          }
          if (burst % 10 == 0) {
            Thread.sleep(2);
          }
        }
      }
    }
    return written;
  }

  /** Negative control: the same tool run flags a flipped byte and a wrong index entry, so the checks above have teeth. */
  @Test
  void toolFlagsDamageWeIntroduce() throws Exception {
    try (LocalLog log = LocalLog.open(LogConfig.builder(dir).build())) {
      for (int i = 0; i < 5; i++) {
        log.append(("k" + i).getBytes(UTF_8), "value".getBytes(UTF_8), List.of()).join();
      }
    }
    SegmentFiles s = new SegmentFiles(dir, 0);
    byte[] goodLog = Files.readAllBytes(s.log());
    byte[] index = Files.readAllBytes(s.index());
    index[35] ^= 2; // last entry: relative offset 4 becomes 6
    Files.write(s.index(), index);
    // Without the time index: its dump trips over the broken offset index and aborts the run.
    assertThat(run(s.log() + "," + s.index())).contains("Mismatches in :" + s.index())
        .contains("Index offset: 6, log offset: 4");

    byte[] badLog = goodLog.clone();
    badLog[badLog.length - 3] ^= 1;
    Files.write(s.log(), badLog);
    assertThat(dump(List.of(s))).contains("isvalid: false");
  }

  private static List<String> matching(List<String> lines, Pattern p) {
    return lines.stream().filter(l -> p.matcher(l).matches()).collect(Collectors.toList());
  }

  /** DumpLogSegments starts its consecutive-offset check from -1, so it reports "-1 is followed by base" for any base > 0. */
  private static List<String> nonConsecutiveReports(String out, List<SegmentFiles> segments) {
    List<String> lines = out.lines().collect(Collectors.toList());
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("Non-consecutive offsets in ")) {
        String file = lines.get(i).substring("Non-consecutive offsets in ".length()).trim();
        long base = SegmentFiles.parseBaseOffset(Path.of(file), SegmentFiles.LOG_SUFFIX).orElse(-2);
        for (int j = i + 1; j < lines.size() && lines.get(j).startsWith("  "); j++) {
          if (!lines.get(j).trim().equals("-1 is followed by " + base)) {
            bad.add(file + ": " + lines.get(j).trim());
          }
        }
      }
    }
    return bad;
  }

  private static List<Batch> parseLog(List<String> lines) {
    List<Batch> batches = new ArrayList<>();
    for (String line : lines) {
      Matcher b = BATCH.matcher(line);
      Matcher r = RECORD.matcher(line);
      if (b.matches()) {
        assertThat(b.group(7)).isEqualTo("2");
        assertThat(b.group(10)).isEqualTo("true");
        batches.add(new Batch(Long.parseLong(b.group(1)), Long.parseLong(b.group(2)), Integer.parseInt(b.group(3)),
            Long.parseLong(b.group(4)), Long.parseLong(b.group(5)), b.group(8), new ArrayList<>(), new ArrayList<>()));
      } else if (r.matches()) {
        batches.get(batches.size() - 1).records().add(new long[] {Long.parseLong(r.group(1)),
            Long.parseLong(r.group(2)), Long.parseLong(r.group(3)), Long.parseLong(r.group(4))});
        batches.get(batches.size() - 1).headerKeys().add(r.group(5));
      }
    }
    return batches;
  }

  private static Map<String, List<String>> sections(String out) {
    Map<String, List<String>> sections = new LinkedHashMap<>();
    List<String> current = null;
    for (String line : out.lines().collect(Collectors.toList())) {
      if (line.startsWith("Dumping ")) {
        current = new ArrayList<>();
        sections.put(line.substring("Dumping ".length()).trim(), current);
      } else if (current != null) {
        current.add(line);
      }
    }
    return sections;
  }

  /**
   * Runs the tool in a child JVM (it may call Exit, and its exit code says nothing about
   * validity) and returns stdout and stderr merged.
   */
  private String dump(List<SegmentFiles> segments) throws IOException, InterruptedException {
    String out = run(segments.stream()
        .map(s -> s.log() + "," + s.index() + "," + s.timeIndex())
        .collect(Collectors.joining(",")));
    assertThat(out).contains("Dumping " + segments.get(0).log());
    return out;
  }

  private String run(String files) throws IOException, InterruptedException {
    Path stdout = Files.createTempFile(dir.getParent(), "dump", ".txt");
    Process p = ChildJvm.builder(org.apache.kafka.tools.DumpLogSegments.class, "--deep-iteration", "--files", files)
        .redirectOutput(stdout.toFile())
        .redirectErrorStream(true) // the tool reports index mismatches on stderr
        .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String out = Files.readString(stdout);
    Files.copy(stdout, dir.resolve("dump-output.txt"), StandardCopyOption.REPLACE_EXISTING);
    Files.delete(stdout);
    return out;
  }
}
