package io.driftdb.log;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * Child-JVM helper for {@link CrashRecoveryTest}: appends from many threads until it is killed,
 * printing {@code ACK <seq> <key>} for every append whose future completed (so it was durable).
 * Keys are unique per round/thread/counter and the value is derived from the key, so the
 * parent can check exact bytes of every record, acknowledged or not.
 */
public final class CrashAppender {
  private CrashAppender() {}

  /** The value stored under {@code key}: length and content follow from the key alone. */
  static byte[] valueFor(String key) {
    Random r = new Random(key.hashCode() * 31L + key.length());
    byte[] v = new byte[r.nextInt(700)];
    r.nextBytes(v);
    return v;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int round = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    Compression compression = Compression.parse(args[3]);
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    LocalLog log = LocalLog.open(LogConfig.builder(dir).segmentBytes(64 * 1024).compression(compression).build());
    out.println("READY " + log.headSeq());
    out.flush();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread th = new Thread(() -> {
        Random burst = new Random(round * 1000L + thread);
        for (int counter = 0; ; ) {
          // Bursts of asynchronous appends make group commits of several records per batch.
          List<String> keys = new ArrayList<>();
          List<CompletableFuture<Appended>> fs = new ArrayList<>();
          for (int i = 0, n = 1 + burst.nextInt(4); i < n; i++, counter++) {
            String key = "r" + round + "-t" + thread + "-c" + counter;
            keys.add(key);
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            fs.add(log.append(k, valueFor(key), List.of(new RecordHeader("key", k))));
          }
          for (int i = 0; i < fs.size(); i++) {
            Appended a = fs.get(i).join();
            synchronized (out) {
              out.println("ACK " + a.seq() + " " + keys.get(i));
              out.flush();
            }
          }
        }
      }, "appender-" + t);
      th.start();
    }
    Thread.sleep(Long.MAX_VALUE);
  }
}
