package io.driftdb.bench.replay;

import io.driftdb.log.LocalLog;
import io.driftdb.log.LogConfig;
import io.driftdb.materializer.Materializer;
import io.driftdb.sql.QueryResult;
import io.driftdb.sql.SessionInfo;
import io.driftdb.sql.SqlSession;
import io.driftdb.sql.engine.DriftEngine;
import io.driftdb.sql.engine.EngineConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Issue 5e: restart, replay and indexed lookups on a database of 10M row events.
 *
 * <p>Every phase runs in a fresh child JVM, as a real restart would (cold JIT, empty heap):
 * <ol>
 *   <li><b>build</b>: an engine with {@code fsync none} runs {@code --transactions}
 *       transactions of {@code --rows} row events on one table {@code ev(id, grp, v, note)}
 *       with a secondary index on {@code grp}: first INSERTs (COPY-style, one transaction per
 *       batch) until {@code --keys} rows exist, then UPDATEs of {@code --rows} consecutive ids
 *       ({@code v = v + 1}), cycling over the keys. The SEQ after the inserts is the "old SEQ"
 *       of the AS OF lookups. Snapshots the automatic policy wrote meanwhile are deleted.</li>
 *   <li><b>replay</b>: opens the engine on the directory without any snapshot: the whole log is
 *       replayed. Reports the open time, row events per second (wall clock and per CPU second of
 *       the replaying thread), GC time, then runs the lookups and writes a snapshot
 *       (CHECKPOINT).</li>
 *   <li><b>snapshot</b>: opens the engine again: it loads that snapshot and replays nothing.
 *       Reports the open time and runs the lookups again.</li>
 * </ol>
 * Lookups: {@code SELECT id, grp, v, note FROM ev WHERE grp = $1} (current) and the same
 * {@code FOR SYSTEM_TIME AS OF @SEQ:$1} at the old SEQ, random groups, after a warm-up; p50,
 * p99 and mean over {@code --lookups} executions each. With {@code --profile} the orchestrator
 * takes a jstack sample of the replaying child every second and prints the hottest frames; with
 * {@code --jfr} the replay child records a JFR file next to {@code --dir}.
 *
 * <pre>
 * java -cp 'bench/target/classes:bench/target/lib/*' io.driftdb.bench.replay.RestartBench \
 *     --dir /tmp/driftdb-restart-bench [--child-jvm '-Xms12g -Xmx12g'] [--transactions 10000 --rows 1000
 *     --keys 2000000 --groups 100000] [--lookups 20000] [--profile] [--keep] [--reuse]
 * </pre>
 * {@code --keep} leaves the database in place; {@code --reuse} skips the build when {@code --dir}
 * already holds one (its snapshots are deleted first), so the restart phases can be rerun with
 * other JVM options.
 */
public final class RestartBench {
  private RestartBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    String phase = o.getOrDefault("phase", "all");
    switch (phase) {
      case "all" -> orchestrate(o);
      case "build" -> build(o);
      case "replay" -> open(o, true);
      case "snapshot" -> open(o, false);
      default -> throw new IllegalArgumentException("unknown --phase " + phase);
    }
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + args[i]);
      }
      String k = args[i].substring(2);
      if (k.equals("profile") || k.equals("keep") || k.equals("reuse") || k.equals("jfr")) {
        o.put(k, "true");
      } else {
        o.put(k, args[++i]);
      }
    }
    return o;
  }

  // ---- orchestrator ----

  private static void orchestrate(Map<String, String> o) throws Exception {
    Path dir = Path.of(o.getOrDefault("dir", "/tmp/driftdb-restart-bench"));
    boolean reuse = o.containsKey("reuse") && Files.exists(dir.resolve("bench-old-seq"));
    if (!reuse) {
      deleteTree(dir);
    }
    List<String> jvm = List.of(o.getOrDefault("child-jvm", "-Xms12g -Xmx12g").trim().split("\\s+"));
    List<String> common = new ArrayList<>();
    for (var e : o.entrySet()) {
      if (!List.of("phase", "child-jvm", "profile", "keep", "reuse", "jfr").contains(e.getKey())) {
        common.add("--" + e.getKey());
        common.add(e.getValue());
      }
    }
    common.addAll(List.of("--dir", dir.toString()));
    System.out.printf(Locale.ROOT, "RestartBench: %s, %d cores, child JVMs: %s, JDK %s%n", dir,
        Runtime.getRuntime().availableProcessors(), String.join(" ", jvm), System.getProperty("java.version"));
    if (reuse) {
      System.out.println("== build: reusing the database already in " + dir);
      deleteTree(dir.resolve("snapshots"));
    } else {
      child("build", jvm, common, false);
    }
    List<String> replayJvm = new ArrayList<>(jvm);
    if (o.containsKey("jfr")) {
      // A JFR recording of the replay child (method samples are not biased to safepoints, unlike jstack).
      Path jfr = dir.resolveSibling(dir.getFileName() + "-replay.jfr"); // outside --dir: survives its deletion
      replayJvm.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
      System.out.println("JFR recording of the replay phase: " + jfr);
    }
    child("replay", replayJvm, common, o.containsKey("profile"));
    child("snapshot", jvm, common, false);
    if (!o.containsKey("keep")) {
      deleteTree(dir);
    }
  }

  private static void child(String phase, List<String> jvm, List<String> args, boolean profile) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvm);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), RestartBench.class.getName(), "--phase", phase));
    cmd.addAll(args);
    System.out.println("== " + phase);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Thread sampler = null;
    Map<String, Integer> hot = new java.util.concurrent.ConcurrentHashMap<>();
    int[] samples = {0};
    AtomicBoolean replayDone = new AtomicBoolean();
    if (profile) {
      sampler = new Thread(() -> sample(p, hot, samples, replayDone), "jstack-sampler");
      sampler.setDaemon(true);
      sampler.start();
    }
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("BENCH ")) {
          System.out.println(line.substring(6));
          if (line.contains("replay done")) {
            replayDone.set(true);
          }
        }
      }
    }
    if (!p.waitFor(2, TimeUnit.HOURS) || p.exitValue() != 0) {
      throw new IllegalStateException("phase " + phase + " failed (exit " + p.exitValue() + ")");
    }
    if (sampler != null) {
      sampler.join(5000);
      System.out.printf(Locale.ROOT, "jstack samples of the replaying thread during the open: %d%n", samples[0]);
      hot.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(25)
          .forEach(e -> System.out.printf(Locale.ROOT, "  %3d  %s%n", e.getValue(), e.getKey()));
    }
  }

  /** jstack the child every second until it reports the end of its replay; counts frames of "main". */
  private static void sample(Process p, Map<String, Integer> hot, int[] samples, AtomicBoolean done) {
    String jstack = Path.of(System.getProperty("java.home"), "bin", "jstack").toString();
    try {
      Thread.sleep(1500);
      while (p.isAlive() && !done.get()) {
        Process j = new ProcessBuilder(jstack, String.valueOf(p.pid())).redirectErrorStream(true).start();
        String out = new String(j.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        j.waitFor();
        if (done.get()) {
          break;
        }
        int start = out.indexOf("\"main\"");
        if (start >= 0) {
          int end = out.indexOf("\n\n", start);
          String[] frames = out.substring(start, end < 0 ? out.length() : end).split("\n");
          List<String> at = new ArrayList<>();
          for (String f : frames) {
            f = f.trim();
            if (f.startsWith("at ")) {
              at.add(f.substring(3).replaceAll("\\(.*\\)", ""));
            }
          }
          if (!at.isEmpty()) {
            samples[0]++;
            // The top frame, and the innermost DriftDB frame (what DriftDB code was doing).
            hot.merge("top: " + at.get(0), 1, Integer::sum);
            at.stream().filter(f -> f.startsWith("io.driftdb")).findFirst()
                .ifPresent(f -> hot.merge("driftdb: " + f, 1, Integer::sum));
          }
        }
        Thread.sleep(1000);
      }
    } catch (IOException | InterruptedException e) {
      System.out.println("sampler stopped: " + e);
    }
  }

  // ---- phases (child JVMs) ----

  private static void build(Map<String, String> o) throws Exception {
    Path dir = Path.of(o.get("dir"));
    int transactions = Integer.parseInt(o.getOrDefault("transactions", "10000"));
    int rows = Integer.parseInt(o.getOrDefault("rows", "1000"));
    int keys = Integer.parseInt(o.getOrDefault("keys", "2000000"));
    int groups = Integer.parseInt(o.getOrDefault("groups", "100000"));
    long t0 = System.nanoTime();
    long oldSeq;
    long events;
    long head;
    try (DriftEngine engine = DriftEngine.open(EngineConfig.of(dir).withFsync("none"));
         SqlSession s = engine.openSession(SessionInfo.local("bench"))) {
      s.execute("CREATE TABLE ev (id BIGINT PRIMARY KEY, grp INTEGER NOT NULL, v BIGINT NOT NULL, note VARCHAR)",
          List.of());
      s.execute("CREATE INDEX ev_grp ON ev (grp)", List.of());
      int tx = 0;
      for (int base = 0; base < keys && tx < transactions; base += rows, tx++) {
        List<List<String>> batch = new ArrayList<>(rows);
        for (int id = base; id < Math.min(keys, base + rows); id++) {
          batch.add(Arrays.asList(Integer.toString(id), Integer.toString(id % groups), "0", "note " + (id % 1000)));
        }
        s.copyIn("ev", List.of(), batch);
        progress(tx, transactions, t0);
      }
      oldSeq = engine.materializer().appliedSeq();
      long base = 0;
      for (; tx < transactions; tx++) {
        QueryResult r = s.execute("UPDATE ev SET v = v + 1 WHERE id >= $1 AND id < $2", List.of(base, base + rows));
        if (!r.commandTag().equals("UPDATE " + rows)) {
          throw new IllegalStateException("UPDATE changed " + r.commandTag() + ", expected " + rows);
        }
        base = base + rows >= keys ? 0 : base + rows;
        progress(tx, transactions, t0);
      }
      events = engine.materializer().rowEventsApplied();
      head = engine.materializer().appliedSeq();
    }
    long snapshotsDeleted = deleteTree(dir.resolve("snapshots"));
    Files.writeString(dir.resolve("bench-old-seq"), Long.toString(oldSeq));
    System.out.printf(Locale.ROOT,
        "BENCH built %,d transactions (%,d row events, %,d keys, %,d groups of %d) in %.1f s; head SEQ %d, old SEQ %d;"
            + " log %,d bytes; %d automatic snapshot files deleted%n",
        head + 1, events, keys, groups, keys / groups, (System.nanoTime() - t0) / 1e9, head, oldSeq,
        treeSize(dir.resolve("log")), snapshotsDeleted);
  }

  private static void progress(int tx, int total, long t0) {
    if ((tx + 1) % 1000 == 0) {
      System.out.printf(Locale.ROOT, "BENCH   build: %,d / %,d transactions, %.0f s%n", tx + 1, total,
          (System.nanoTime() - t0) / 1e9);
    }
  }

  private static void open(Map<String, String> o, boolean fullReplay) throws Exception {
    restart(o, fullReplay);
    if (fullReplay) {
      splitOfTheOpen(Path.of(o.get("dir")));
    }
  }

  /** The timed restart, the lookups and (after the full replay) the CHECKPOINT. */
  private static void restart(Map<String, String> o, boolean fullReplay) throws Exception {
    Path dir = Path.of(o.get("dir"));
    int groups = Integer.parseInt(o.getOrDefault("groups", "100000"));
    int lookups = Integer.parseInt(o.getOrDefault("lookups", "20000"));
    long oldSeq = Long.parseLong(Files.readString(dir.resolve("bench-old-seq")).trim());
    if (fullReplay && Files.exists(dir.resolve("snapshots"))) {
      throw new IllegalStateException("the replay phase expects no snapshot");
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long gc0 = gcMillis();
    long cpu0 = mx.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    DriftEngine engine = DriftEngine.open(EngineConfig.of(dir).withFsync("none"));
    long openNs = System.nanoTime() - t0;
    long cpuNs = mx.getCurrentThreadCpuTime() - cpu0;
    long gcMs = gcMillis() - gc0;
    long events = engine.materializer().rowEventsApplied();
    long heapMb = usedHeapMb();
    System.out.println("BENCH replay done (open returned)");
    try (engine; SqlSession s = engine.openSession(SessionInfo.local("bench"))) {
      if (fullReplay) {
        System.out.printf(Locale.ROOT,
            "BENCH restart without snapshot: open %.2f s = %,.0f row events/s (%,d row events, %,d transactions);"
                + " replaying thread CPU %.2f s = %,.0f row events per CPU-s; GC %.2f s; heap after open %,d MB%n",
            openNs / 1e9, events / (openNs / 1e9), events, engine.materializer().appliedSeq() + 1, cpuNs / 1e9,
            events / (cpuNs / 1e9), gcMs / 1e3, heapMb);
      } else {
        System.out.printf(Locale.ROOT,
            "BENCH restart from snapshot: open %.2f s (%,d row events in the state, %,d transactions); replaying"
                + " thread CPU %.2f s; GC %.2f s; heap after open %,d MB; snapshot files: %s%n",
            openNs / 1e9, events, engine.materializer().appliedSeq() + 1, cpuNs / 1e9, gcMs / 1e3, heapMb,
            listing(dir.resolve("snapshots")));
      }
      lookups(s, groups, lookups, oldSeq);
      if (fullReplay) {
        long c0 = System.nanoTime();
        s.execute("CHECKPOINT", List.of());
        System.out.printf(Locale.ROOT, "BENCH CHECKPOINT: %.2f s, %s%n", (System.nanoTime() - c0) / 1e9,
            listing(dir.resolve("snapshots")));
      }
    }
  }

  /**
   * After the timed restart (JIT now warm): the log open alone (every batch CRC-checked), then a
   * bare replay into a fresh Materializer, to show where the restart's time goes.
   */
  private static void splitOfTheOpen(Path dir) throws IOException {
    System.gc();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long t0 = System.nanoTime();
    try (LocalLog log = LocalLog.open(LogConfig.builder(dir.resolve("log")).build())) {
      long openNs = System.nanoTime() - t0;
      Materializer m = new Materializer();
      long gc0 = gcMillis();
      long cpu0 = mx.getCurrentThreadCpuTime();
      long r0 = System.nanoTime();
      long n = m.catchUp(log);
      long replayNs = System.nanoTime() - r0;
      long cpuNs = mx.getCurrentThreadCpuTime() - cpu0;
      System.out.printf(Locale.ROOT,
          "BENCH   split (warm JIT, same JVM): log open with CRC check of every batch %.2f s; bare replay of %,d"
              + " transactions into a fresh Materializer %.2f s = %,.0f row events/s, CPU %.2f s = %,.0f per CPU-s,"
              + " GC %.2f s%n",
          openNs / 1e9, n, replayNs / 1e9, m.rowEventsApplied() / (replayNs / 1e9), cpuNs / 1e9,
          m.rowEventsApplied() / (cpuNs / 1e9), (gcMillis() - gc0) / 1e3);
    }
  }

  private static void lookups(SqlSession s, int groups, int n, long oldSeq) {
    String now = "SELECT id, grp, v, note FROM ev WHERE grp = $1";
    String past = "SELECT id, grp, v, note FROM ev FOR SYSTEM_TIME AS OF @SEQ:$1 WHERE grp = $2";
    for (String q : List.of(now, past)) {
      QueryResult plan = s.execute("EXPLAIN " + q.replace("@SEQ:$1", "@SEQ:" + oldSeq).replace("$2", "7")
          .replace("$1", "7"), List.of());
      StringBuilder text = new StringBuilder();
      for (Object[] r : plan.rows()) {
        text.append(r[0]).append(' ');
      }
      System.out.println("BENCH   plan: " + text.toString().replaceAll("\\s+", " ").trim());
    }
    // The two kinds alternate, so JIT, GC and machine noise hit both alike; each draws its own
    // group (the same group twice in a row would find the second lookup's data in the CPU cache).
    SplittableRandom rnd = new SplittableRandom(42);
    for (int i = 0; i < n / 4; i++) {
      s.execute(now, List.of(rnd.nextInt(groups)));
      s.execute(past, List.of(oldSeq, rnd.nextInt(groups)));
    }
    long[] a = new long[n];
    long[] b = new long[n];
    long rowsA = 0;
    long rowsB = 0;
    for (int i = 0; i < n; i++) {
      int g = rnd.nextInt(groups);
      int h = rnd.nextInt(groups);
      long t0 = System.nanoTime();
      rowsA += s.execute(now, List.of(g)).rows().size();
      long t1 = System.nanoTime();
      rowsB += s.execute(past, List.of(oldSeq, h)).rows().size();
      long t2 = System.nanoTime();
      a[i] = t1 - t0;
      b[i] = t2 - t1;
    }
    double[] x = report("indexed lookup, current", a, rowsA);
    double[] y = report("indexed lookup, AS OF old SEQ", b, rowsB);
    System.out.printf(Locale.ROOT, "BENCH   AS OF / current: p50 %.2f, p99 %.2f%n", y[0] / x[0], y[1] / x[1]);
  }

  /** Prints p50, p99, mean and rows per lookup; returns {p50, p99} in µs. */
  private static double[] report(String name, long[] t, long rows) {
    int n = t.length;
    Arrays.sort(t);
    double p50 = t[n / 2] / 1e3;
    double p99 = t[(int) (n * 0.99)] / 1e3;
    System.out.printf(Locale.ROOT, "BENCH   %-30s p50 %8.1f us  p99 %8.1f us  mean %8.1f us  (%.1f rows each, n=%d)%n",
        name, p50, p99, Arrays.stream(t).average().orElse(0) / 1e3, rows / (double) n, n);
    return new double[] {p50, p99};
  }

  // ---- helpers ----

  private static long gcMillis() {
    long ms = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ms += Math.max(0, gc.getCollectionTime());
    }
    return ms;
  }

  private static long usedHeapMb() {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    return (rt.totalMemory() - rt.freeMemory()) >> 20;
  }

  private static String listing(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return "none";
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().map(p -> {
        try {
          return p.getFileName() + " (" + String.format(Locale.ROOT, "%,d", Files.size(p)) + " bytes)";
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).toList().toString();
    }
  }

  private static long treeSize(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  /** Deletes a directory tree if it exists; returns the number of files deleted. */
  private static long deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    long n;
    try (Stream<Path> s = Files.walk(dir)) {
      List<Path> all = s.sorted(Comparator.reverseOrder()).toList();
      n = all.stream().filter(Files::isRegularFile).count();
      for (Path p : all) {
        Files.delete(p);
      }
    }
    return n;
  }
}
