package io.driftdb.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdb.log.segment.SegmentFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Append, read, time lookups, rolls, reopen, fsync policies and the failed state of {@link LocalLog}. */
class LocalLogTest {
  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  private static List<LogRecord> readAll(EventLog log, long from) {
    List<LogRecord> out = new ArrayList<>();
    try (LogCursor c = log.read(from)) {
      c.forEachRemaining(out::add);
    }
    return out;
  }

  @Test
  void emptyLog() throws IOException {
    try (LocalLog log = LocalLog.open(dir)) {
      assertThat(log.headSeq()).isEqualTo(-1);
      assertThat(log.startSeq()).isZero();
      assertThat(log.isWritable()).isTrue();
      assertThat(log.seqAtOrBefore(Long.MAX_VALUE)).isEmpty();
      assertThat(readAll(log, 0)).isEmpty();
      assertThatThrownBy(() -> log.timestampOf(0)).hasMessageContaining("not in the log");
      assertThat(log.segmentCount()).isEqualTo(1);
    }
    assertThat(dir.resolve("00000000000000000000.log")).exists();
  }

  @Test
  void appendsGetDenseSeqsAndReadBackExactly() throws IOException {
    try (LocalLog log = LocalLog.open(dir)) {
      List<Appended> acks = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        List<RecordHeader> hs = i % 2 == 0 ? List.of(new RecordHeader("table", b("t" + i))) : List.of();
        acks.add(log.append(i % 5 == 0 ? null : b("k" + i), i % 7 == 0 ? null : b("v" + i), hs).join());
      }
      for (int i = 0; i < acks.size(); i++) {
        assertThat(acks.get(i).seq()).isEqualTo(i);
        if (i > 0) {
          assertThat(acks.get(i).timestampMs()).isGreaterThanOrEqualTo(acks.get(i - 1).timestampMs());
        }
      }
      assertThat(log.headSeq()).isEqualTo(49);

      List<LogRecord> all = readAll(log, 0);
      assertThat(all).hasSize(50);
      for (int i = 0; i < 50; i++) {
        LogRecord r = all.get(i);
        assertThat(r.seq()).isEqualTo(i);
        assertThat(r.timestampMs()).isEqualTo(acks.get(i).timestampMs());
        assertThat(r.key()).isEqualTo(i % 5 == 0 ? null : b("k" + i));
        assertThat(r.value()).isEqualTo(i % 7 == 0 ? null : b("v" + i));
        assertThat(r.headers()).hasSize(i % 2 == 0 ? 1 : 0);
        assertThat(log.timestampOf(i)).isEqualTo(acks.get(i).timestampMs());
      }
      assertThat(readAll(log, 37)).extracting(LogRecord::seq).first().isEqualTo(37L);
      assertThat(readAll(log, 50)).isEmpty();
    }
  }

  /**
   * A group's futures complete newest first: the SQL engine applies a group from its oldest
   * record's continuation, which then runs after every other continuation of the group.
   */
  @Test
  void aGroupsFuturesCompleteNewestFirst() throws Exception {
    CountDownLatch inFirstFlush = new CountDownLatch(1);
    CountDownLatch queued = new CountDownLatch(1);
    CountDownLatch secondFlush = new CountDownLatch(1);
    AtomicInteger flushes = new AtomicInteger();
    // Holds the writer after its first group until the next three appends are queued, so that
    // those three are written as one group.
    LogListener holdFirst = stats -> {
      int n = flushes.getAndIncrement();
      if (n == 1) {
        secondFlush.countDown();
      }
      if (n == 0) {
        inFirstFlush.countDown();
        try {
          queued.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    try (LocalLog log = LocalLog.open(LogConfig.builder(dir).listener(holdFirst).build())) {
      log.append(b("k0"), b("v"), List.of());
      assertThat(inFirstFlush.await(30, TimeUnit.SECONDS)).isTrue();
      List<Long> order = java.util.Collections.synchronizedList(new ArrayList<>());
      List<CompletableFuture<Void>> group = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        group.add(log.append(b("k" + i), b("v"), List.of()).thenAccept(a -> order.add(a.seq())));
      }
      queued.countDown();
      CompletableFuture.allOf(group.toArray(CompletableFuture[]::new)).join();
      // The listener hears of a group after its futures completed: wait for it before counting.
      assertThat(secondFlush.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(flushes.get()).isEqualTo(2); // one group
      assertThat(order).containsExactly(3L, 2L, 1L);
    }
  }

  /**
   * Past a quarter of a segment the writer has the next one zero-filled in the background, and
   * the roll renames that file into place (same inode) instead of creating and filling one.
   */
  @Test
  void aRollAdoptsTheSegmentFileZeroFilledInTheBackground() throws Exception {
    long segmentBytes = 256 * 1024;
    Path spare = dir.resolve(io.driftdb.log.segment.SegmentPreallocator.SPARE_NAME);
    byte[] value = new byte[1000];
    try (LocalLog log = LocalLog.open(LogConfig.builder(dir).segmentBytes(segmentBytes).build())) {
      int n = 0;
      while (!Files.exists(spare) || Files.size(spare) < segmentBytes) {
        assertThat(n).isLessThan(200); // asked for once a quarter (~65 records) is written
        log.append(b("k" + n), value, List.of()).join();
        n++;
        Thread.sleep(n > 60 ? 20 : 0);
      }
      Thread.sleep(2000); // its fdatasync: the writer never waits for a spare that is not ready
      Object spareInode = Files.getAttribute(spare, "unix:ino");
      while (log.segmentCount() < 2) {
        log.append(b("k" + n), value, List.of()).join();
        n++;
      }
      Path second = new SegmentFiles(dir, log.headSeq()).log();
      assertThat(Files.getAttribute(second, "unix:ino")).isEqualTo(spareInode);
      for (int i = 0; i < 300; i++, n++) {
        log.append(b("k" + n), value, List.of()).join();
      }
      assertThat(readAll(log, 0)).hasSize(n);
    }
    assertThat(Files.exists(spare)).isFalse(); // a closed log holds only its segments
    try (LocalLog log = LocalLog.open(dir)) {
      assertThat(readAll(log, 0)).hasSize((int) log.headSeq() + 1);
      assertThat(log.segmentCount()).isGreaterThanOrEqualTo(2);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "zstd"})
  void concurrentAppendersGetEveryAckBackAcrossRollsAndReopen(String compression) throws Exception {
    LogConfig config = LogConfig.builder(dir).segmentBytes(16 * 1024).compression(compression).build();
    int threads = 8;
    int perThread = 300;
    ConcurrentLinkedQueue<long[]> acked = new ConcurrentLinkedQueue<>(); // {seq, thread, i}
    try (LocalLog log = LocalLog.open(config)) {
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        ts.add(new Thread(() -> {
          for (int i = 0; i < perThread; i++) {
            Appended a = log.append(b(thread + "/" + i), payload(thread, i), List.of()).join();
            acked.add(new long[] {a.seq(), thread, i});
          }
        }));
      }
      ts.forEach(Thread::start);
      for (Thread t : ts) {
        t.join();
      }
      assertThat(log.headSeq()).isEqualTo(threads * perThread - 1);
      assertThat(log.segmentCount()).isGreaterThan(3);
      verifyAcks(log, acked);
    }
    try (LocalLog reopened = LocalLog.open(config)) {
      verifyAcks(reopened, acked);
      Appended next = reopened.append(b("after"), b("reopen"), List.of()).join();
      assertThat(next.seq()).isEqualTo(threads * perThread);
    }
  }

  private static byte[] payload(int thread, int i) {
    byte[] p = new byte[(thread * 31 + i * 17) % 400];
    new Random(thread * 1_000_003L + i).nextBytes(p);
    return p;
  }

  private static void verifyAcks(LocalLog log, ConcurrentLinkedQueue<long[]> acked) {
    List<LogRecord> all = readAll(log, 0);
    assertThat(all).hasSize(acked.size());
    Set<Long> seen = new HashSet<>();
    for (long[] a : acked) {
      assertThat(seen.add(a[0])).isTrue();
      LogRecord r = all.get((int) a[0]);
      assertThat(r.seq()).isEqualTo(a[0]);
      assertThat(r.key()).isEqualTo(b(a[1] + "/" + a[2]));
      assertThat(r.value()).isEqualTo(payload((int) a[1], (int) a[2]));
    }
  }

  @Test
  void seqAtOrBeforeAndTimestampOfMatchABruteForceAnswer() throws Exception {
    AtomicLong clock = new AtomicLong(1_000);
    Random rnd = new Random(7);
    LogConfig config = LogConfig.builder(dir).segmentBytes(2048).clock(clock::get).build();
    List<Appended> acks = new ArrayList<>();
    try (LocalLog log = LocalLog.open(config)) {
      for (int burst = 0; burst < 60; burst++) {
        // Several appends in flight at once, with the clock moving between them, so one batch
        // often holds records with different timestamps.
        List<CompletableFuture<Appended>> fs = new ArrayList<>();
        int n = 1 + rnd.nextInt(6);
        for (int i = 0; i < n; i++) {
          clock.addAndGet(rnd.nextInt(3));
          fs.add(log.append(b("k"), new byte[rnd.nextInt(200)], List.of()));
        }
        for (CompletableFuture<Appended> f : fs) {
          acks.add(f.join());
        }
        clock.addAndGet(rnd.nextInt(4));
      }
      assertThat(log.segmentCount()).isGreaterThan(2);
      checkTimeLookups(log, acks);
    }
    clock.set(0); // a clock that went backwards across the restart
    try (LocalLog log = LocalLog.open(config)) {
      checkTimeLookups(log, acks);
      Appended later = log.append(b("k"), b("v"), List.of()).join();
      assertThat(later.timestampMs()).isEqualTo(acks.get(acks.size() - 1).timestampMs());
    }
  }

  private static void checkTimeLookups(LocalLog log, List<Appended> acks) {
    long first = acks.get(0).timestampMs();
    long last = acks.get(acks.size() - 1).timestampMs();
    for (long t = first - 2; t <= last + 2; t++) {
      OptionalLong expected = OptionalLong.empty();
      for (Appended a : acks) {
        if (a.timestampMs() <= t) {
          expected = OptionalLong.of(a.seq());
        }
      }
      assertThat(log.seqAtOrBefore(t)).as("seqAtOrBefore(%d)", t).isEqualTo(expected);
    }
    for (Appended a : acks) {
      assertThat(log.timestampOf(a.seq())).isEqualTo(a.timestampMs());
    }
  }

  @Test
  void cursorFollowsTheLogAndAwaitBeyondWakesUp() throws Exception {
    try (LocalLog log = LocalLog.open(LogConfig.builder(dir).segmentBytes(1024).build());
        LogCursor cursor = log.read(0)) {
      assertThat(cursor.hasNext()).isFalse();
      assertThat(log.awaitBeyond(-1, 20)).isEqualTo(-1);

      CountDownLatch waiting = new CountDownLatch(1);
      CompletableFuture<Long> woke = CompletableFuture.supplyAsync(() -> {
        waiting.countDown();
        try {
          return log.awaitBeyond(-1, 10_000);
        } catch (InterruptedException e) {
          throw new CompletionException(e);
        }
      });
      waiting.await();
      log.append(b("a"), b("1"), List.of()).join();
      assertThat(woke.get(5, TimeUnit.SECONDS)).isEqualTo(0);

      long expected = 0;
      for (int round = 0; round < 30; round++) {
        while (cursor.hasNext()) {
          assertThat(cursor.next().seq()).isEqualTo(expected++);
        }
        log.append(b("k" + round), new byte[100], List.of()).join();
      }
      while (cursor.hasNext()) {
        assertThat(cursor.next().seq()).isEqualTo(expected++);
      }
      assertThat(expected).isEqualTo(31);
      assertThat(log.segmentCount()).isGreaterThan(2); // the cursor crossed rolls
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"group", "interval:5", "none"})
  void everyFsyncPolicyAppendsReadsAndKeepsDataOverClose(String policy) throws Exception {
    AtomicInteger flushedRecords = new AtomicInteger();
    AtomicInteger syncs = new AtomicInteger();
    LogListener listener = stats -> {
      flushedRecords.addAndGet(stats.records());
      if (stats.synced()) {
        syncs.incrementAndGet();
      }
    };
    LogConfig config = LogConfig.builder(dir).fsyncPolicy(policy).listener(listener).build();
    try (LocalLog log = LocalLog.open(config)) {
      for (int i = 0; i < 20; i++) {
        log.append(b("k"), b("v" + i), List.of()).join();
      }
      assertThat(readAll(log, 0)).hasSize(20);
    }
    assertThat(flushedRecords.get()).isEqualTo(20);
    if (policy.equals("group")) {
      assertThat(syncs.get()).isEqualTo(20);
    } else if (policy.equals("none")) {
      assertThat(syncs.get()).isZero();
    }
    try (LocalLog log = LocalLog.open(config)) {
      assertThat(readAll(log, 0)).extracting(r -> new String(r.value(), UTF_8)).endsWith("v19");
    }
  }

  @Test
  void parsesFsyncPolicies() {
    assertThat(FsyncPolicy.parse("group")).isEqualTo(new FsyncPolicy.Group());
    assertThat(FsyncPolicy.parse(" Interval:250 ")).isEqualTo(new FsyncPolicy.Interval(250));
    assertThat(FsyncPolicy.parse("none")).isEqualTo(new FsyncPolicy.None());
    assertThat(FsyncPolicy.parse("interval:250").toString()).isEqualTo("interval:250");
    assertThatThrownBy(() -> FsyncPolicy.parse("sometimes")).hasMessageContaining("group, interval:<ms> or none");
    assertThatThrownBy(() -> FsyncPolicy.parse("interval:abc")).hasMessageContaining("interval:<milliseconds>");
    assertThatThrownBy(() -> FsyncPolicy.parse("interval:0")).hasMessageContaining("positive");
  }

  @Test
  void aFailedWriteFailsThatAppendAndEveryLaterOne() throws Exception {
    AtomicInteger failures = new AtomicInteger();
    LogListener listener = new LogListener() {
      @Override
      public void onFlush(FlushStats stats) {}

      @Override
      public void onFailure(Throwable cause) {
        failures.incrementAndGet();
      }
    };
    LogConfig config = LogConfig.builder(dir).segmentBytes(1024).listener(listener).build();
    try (LocalLog log = LocalLog.open(config)) {
      assertThat(log.append(b("k"), new byte[700], List.of()).join().seq()).isZero();
      // The next batch does not fit and rolls to segment 1; a file squatting on its name makes
      // creating that segment fail, a real I/O error on the write path.
      Files.createFile(new SegmentFiles(dir, 1).log());

      CompletableFuture<Appended> failed = log.append(b("k"), new byte[700], List.of());
      assertThatThrownBy(failed::join).hasCauseInstanceOf(LogFailedException.class)
          .hasMessageContaining("accepts no more appends");
      assertThat(log.isWritable()).isFalse();
      assertThatThrownBy(() -> log.append(b("k"), b("small"), List.of()).join())
          .hasCauseInstanceOf(LogFailedException.class);
      assertThat(failures.get()).isEqualTo(1);
      // What was durable before the failure stays readable.
      assertThat(log.headSeq()).isZero();
      assertThat(readAll(log, 0)).hasSize(1);
      assertThat(log.awaitBeyond(0, 10_000)).isZero(); // returns at once: nothing more will come
    }
  }

  @Test
  void refusesOversizedRecordsAndAppendsAfterClose() throws IOException {
    LocalLog log = LocalLog.open(LogConfig.builder(dir).maxRecordBytes(1000).build());
    assertThatThrownBy(() -> log.append(null, new byte[2000], List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds the limit");
    assertThat(log.headSeq()).isEqualTo(-1);
    log.close();
    assertThat(log.isWritable()).isFalse();
    assertThatThrownBy(() -> log.append(null, b("x"), List.of()).join())
        .hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void bigGroupCommitsAreSplitIntoSeveralBatchesAndOversizedRecordsGetTheirOwnSegment() throws Exception {
    LogConfig config = LogConfig.builder(dir).maxBatchBytes(4096).segmentBytes(16 * 1024).build();
    AtomicInteger maxBatches = new AtomicInteger();
    try (LocalLog log = LocalLog.open(LogConfig.builder(dir).maxBatchBytes(4096).segmentBytes(16 * 1024)
        .listener(s -> maxBatches.accumulateAndGet(s.batches(), Math::max)).build())) {
      List<CompletableFuture<Appended>> fs = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        fs.add(log.append(b("k" + i), new byte[500], List.of()));
      }
      fs.add(log.append(b("huge"), new byte[40_000], List.of()));
      fs.forEach(CompletableFuture::join);
      assertThat(readAll(log, 0)).hasSize(401);
    }
    assertThat(maxBatches.get()).isGreaterThan(1);
    try (LocalLog log = LocalLog.open(config)) {
      assertThat(readAll(log, 400).get(0).value()).hasSize(40_000);
    }
  }
}
