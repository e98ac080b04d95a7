package io.driftdb.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.driftdb.log.segment.OffsetIndexView;
import io.driftdb.log.segment.ScanResult;
import io.driftdb.log.segment.SegmentFiles;
import io.driftdb.log.segment.SegmentScanner;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * SIGKILL a child JVM that appends from many threads, over and over on the same directory.
 * After every kill the log must reopen with every acknowledged SEQ present and byte-exact,
 * SEQs dense from 0, and only whole, correct records visible (never a partial batch).
 * The seed is printed; rerun with -Ddriftdb.crash.seed=N to replay the kill timings.
 */
class CrashRecoveryTest {
  private static final int ROUNDS = 20;
  private static final int THREADS = 12;

  @TempDir Path dir;

  @Test
  void everyAcknowledgedAppendSurvivesSigkill() throws Exception {
    long seed = Long.getLong("driftdb.crash.seed", System.nanoTime());
    System.out.println("CrashRecoveryTest seed=" + seed + " (rerun with -Ddriftdb.crash.seed=" + seed + ")");
    java.util.Random rnd = new java.util.Random(seed);
    Map<Long, String> acked = new HashMap<>();
    long totalAcks = 0;
    int killedBeforeReady = 0;
    int powerLosses = 0;
    Logger loader = (Logger) LoggerFactory.getLogger(LogLoader.class);
    ListAppender<ILoggingEvent> recoveryLog = new ListAppender<>();
    recoveryLog.start();
    loader.addAppender(recoveryLog);
    for (int round = 0; round < ROUNDS; round++) {
      String compression = rnd.nextBoolean() ? "zstd" : "none";
      Process child = ChildJvm.builder(CrashAppender.class, dir.toString(), String.valueOf(round),
              String.valueOf(THREADS), compression)
          .redirectError(dir.resolveSibling(dir.getFileName() + "-child-" + round + ".err").toFile())
          .start();
      Map<Long, String> roundAcks = new ConcurrentHashMap<>();
      CountDownLatch ready = new CountDownLatch(1);
      CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> readAcks(child, roundAcks, ready));

      boolean killDuringOpen = rnd.nextInt(10) == 0; // sometimes while it is still recovering
      if (killDuringOpen) {
        Thread.sleep(150 + rnd.nextInt(300));
      } else {
        assertThat(ready.await(30, TimeUnit.SECONDS)).as("child %d became ready", round).isTrue();
        Thread.sleep(rnd.nextInt(400));
      }
      // SIGKILL. Through the handle, because Process.destroyForcibly() also closes our end of
      // the pipe, which would lose acknowledgements the child already wrote into it.
      assertThat(child.toHandle().destroyForcibly()).isTrue();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.get(30, TimeUnit.SECONDS);
      if (ready.getCount() > 0) {
        killedBeforeReady++;
      }

      for (Map.Entry<Long, String> a : roundAcks.entrySet()) {
        String previous = acked.put(a.getKey(), a.getValue());
        assertThat(previous).as("SEQ %d acknowledged twice", a.getKey()).isNull();
      }
      totalAcks += roundAcks.size();
      if (rnd.nextInt(3) == 0) {
        powerLossTail(acked, rnd);
        powerLosses++;
      }
      verify(acked, round);
    }
    loader.detachAppender(recoveryLog);
    long tornTails = recoveryLog.list.stream().filter(e -> e.getFormattedMessage().startsWith("Truncated the torn tail"))
        .count();
    System.out.println("CrashRecoveryTest: " + ROUNDS + " kills, " + totalAcks + " acknowledged appends checked, "
        + killedBeforeReady + " kills before the child finished opening, " + powerLosses
        + " simulated power losses, " + tornTails + " torn tails truncated on reopen");
    assertThat(tornTails).as("torn tails recovered").isGreaterThanOrEqualTo(powerLossesThatTore);
    assertThat(totalAcks).isPositive();
  }

  private int powerLossesThatTore;

  /**
   * What a power cut may do on top of the kill (a SIGKILL alone keeps the page cache): lose a
   * random part of the last segment's tail that holds no acknowledged record, possibly cutting
   * a batch in half, and leave zeroes or garbage where the file system had allocated blocks.
   */
  private void powerLossTail(Map<Long, String> acked, java.util.Random rnd) throws Exception {
    List<SegmentFiles> segments = SegmentFiles.list(dir);
    if (segments.isEmpty()) {
      return; // killed before the child created its first segment: no tail to lose
    }
    SegmentFiles last = segments.get(segments.size() - 1);
    ScanResult scan = SegmentScanner.scan(last, last.baseOffset(), -1, true);
    assertThat(scan.damage()).as("a SIGKILL leaves no damaged bytes").isEmpty();
    long maxAcked = acked.keySet().stream().mapToLong(Long::longValue).max().orElse(-1);
    long keep = 0; // bytes that hold acknowledged records and must survive
    OffsetIndexView index = scan.indexes().offsetView();
    if (maxAcked >= last.baseOffset()) {
      keep = scan.validBytes();
      for (int i = 0; i < index.count(); i++) {
        if (index.lastOffset(i) >= maxAcked) { // the batch holding the newest acknowledged record
          keep = i + 1 < index.count() ? index.position(i + 1) : scan.validBytes();
          break;
        }
      }
    }
    if (keep >= scan.validBytes() && rnd.nextBoolean()) {
      return; // nothing unacknowledged at the end to lose
    }
    long cut = keep + (long) (rnd.nextDouble() * (scan.validBytes() - keep + 1));
    try (FileChannel ch = FileChannel.open(last.log(), StandardOpenOption.WRITE)) {
      ch.truncate(Math.min(cut, scan.validBytes()));
      byte[] junk = new byte[rnd.nextInt(3000)];
      if (rnd.nextBoolean()) {
        rnd.nextBytes(junk);
      }
      ch.write(ByteBuffer.wrap(junk), ch.size());
      // Zeros right after a whole batch are what the writer's preallocation leaves there anyway:
      // recovery trims them as preallocated space, which is not a torn tail.
      boolean zeros = true;
      for (byte b : junk) {
        zeros &= b == 0;
      }
      if ((junk.length > 0 && !zeros) || !isBatchBoundary(index, cut, scan.validBytes())) {
        powerLossesThatTore++;
      }
    }
  }

  private static boolean isBatchBoundary(OffsetIndexView index, long position, long end) {
    if (position == end) {
      return true;
    }
    for (int i = 0; i < index.count(); i++) {
      if (index.position(i) == position) {
        return true;
      }
    }
    return false;
  }

  private static void readAcks(Process child, Map<Long, String> acks, CountDownLatch ready) {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("READY")) {
          ready.countDown();
        } else if (line.startsWith("ACK ")) {
          String[] parts = line.split(" ");
          if (parts.length == 3) { // a line cut by the kill was never fully acknowledged to us
            acks.put(Long.parseLong(parts[1]), parts[2]);
          }
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void verify(Map<Long, String> acked, int round) throws Exception {
    try (LocalLog log = LocalLog.open(LogConfig.builder(dir).segmentBytes(64 * 1024).build());
        LogCursor cursor = log.read(0)) {
      long expectedSeq = 0;
      Set<String> keys = new HashSet<>();
      while (cursor.hasNext()) {
        LogRecord r = cursor.next();
        assertThat(r.seq()).as("dense SEQs after round %d", round).isEqualTo(expectedSeq);
        String key = new String(r.key(), StandardCharsets.UTF_8);
        assertThat(keys.add(key)).as("key %s appears once", key).isTrue();
        assertThat(r.value()).as("value of SEQ %d (%s)", r.seq(), key).isEqualTo(CrashAppender.valueFor(key));
        assertThat(r.headers()).hasSize(1);
        assertThat(r.headers().get(0).value()).isEqualTo(r.key());
        String ackedKey = acked.get(r.seq());
        if (ackedKey != null) {
          assertThat(key).as("acknowledged SEQ %d", r.seq()).isEqualTo(ackedKey);
        }
        expectedSeq++;
      }
      long head = log.headSeq();
      assertThat(expectedSeq - 1).isEqualTo(head);
      for (long seq : acked.keySet()) {
        assertThat(seq).as("acknowledged SEQ %d is in the log after round %d (head %d)", seq, round, head)
            .isLessThanOrEqualTo(head);
      }
    }
    for (Path err : Files.newDirectoryStream(dir.getParent(), dir.getFileName() + "-child-" + round + ".err")) {
      Files.deleteIfExists(err);
    }
  }
}
