package io.driftdb.server.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdb.server.crash.TxModel.ThreadModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL the real server (a child JVM) while pgJDBC clients run concurrent multi-statement
 * transactions, restart it on the same directory, and check the database against a model of
 * what the clients were told (see {@link TxModel} for the transactions and {@link StateCheck}
 * for the checks): every acknowledged transaction is fully present, a transaction whose COMMIT
 * was in flight is fully present or fully absent, nothing else exists, and every transaction
 * sits at exactly one SEQ. Many rounds on one directory, so each recovery starts from what the
 * previous crashes left.
 *
 * <p>A round: 4 writer connections (plus the maintenance clients of the variants) start; the
 * kill comes at a random moment 0.1–1.4 s after every writer had its first COMMIT acknowledged,
 * or (1 round in 10) 0–150 ms after the load started. In 1 round of 6 the restart itself is
 * killed 50–1550 ms after launch (during or just after recovery) before the real restart.
 *
 * <p>Variants: (a) VACUUM: one client loops {@code VACUUM} / {@code VACUUM orders} while another
 * loops {@code CHECKPOINT} (so snapshot writing and pruning also race each other); each VACUUM
 * seals the active log segment and merges and recompresses the sealed ones, so kills land in
 * segment swaps too; a {@link HistoryClient} bumps counters in a table with
 * {@code history_retention = '0 seconds'} and runs DELETE HISTORY, so VACUUMs also delete
 * history and strip it from the log (its counters are checked after every restart); (b)
 * CHECKPOINT: one client loops {@code CHECKPOINT} / {@code CHECKPOINT TABLE lines}. In half of
 * their rounds the kill waits until a snapshot's temporary file exists, i.e. lands while one is
 * being written (leftover {@code .snap.tmp} files after a kill are counted, and removed after
 * the restart's check so the next round sees only its own); in (a) half of those wait for a
 * segment merge's {@code .cleaned} or {@code .swap} file instead (the restart's log says how
 * many interrupted merges it completed or undid). Every statement of the maintenance
 * clients must succeed until the kill. In (b) a third of the rounds also damage the newest
 * snapshot after the kill (truncate, flip a byte, or zero the footer: what a lying disk could
 * leave; a SIGKILL alone cannot, since the engine fsyncs before the rename) and the restart must
 * report it and not load it. After every restart of a variant the log must show no damaged
 * snapshot the test did not damage. Both variants end with {@code driftdb replay --verify}: the
 * newest snapshot, written while writers were running, equals what the log replays to.
 *
 * <p>Prints the seed; {@code -Ddriftdb.crash.seed=N} replays the same transactions and kill
 * choices (the kill moments themselves depend on timing). {@code -Ddriftdb.crash.rounds=N}
 * (default 20), {@code -Ddriftdb.crash.vacuumRounds=N} (default 20) and
 * {@code -Ddriftdb.crash.snapshotRounds=N} (default 5, CHECKPOINT variant) change the number of
 * rounds.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ServerCrashTest {
  private static final int WRITERS = 4;
  private static final Pattern LOADED = Pattern.compile("loaded snapshot (\\d{20}\\.snap) \\(SEQ (\\d+)\\)");
  private static final Pattern DAMAGED = Pattern.compile("damaged snapshot, not trusted; the log will rebuild it: (\\S+?):");

  @TempDir
  Path tmp;

  private enum Mode { PLAIN, VACUUM, CHECKPOINT }

  @Test
  void acknowledgedTransactionsSurviveSigkillAndNoneIsEverPartial() throws Exception {
    run(Mode.PLAIN, Integer.getInteger("driftdb.crash.rounds", 20));
  }

  @Test
  void sigkillWhileVacuumAndCheckpointRunLosesNothing() throws Exception {
    run(Mode.VACUUM, Integer.getInteger("driftdb.crash.vacuumRounds", 20));
  }

  @Test
  void sigkillWhileSnapshotsAreWrittenNeverTrustsAHalfOrDamagedSnapshot() throws Exception {
    run(Mode.CHECKPOINT, Integer.getInteger("driftdb.crash.snapshotRounds", 5));
  }

  private void run(Mode mode, int rounds) throws Exception {
    long seed = Long.getLong("driftdb.crash.seed", System.nanoTime());
    String name = "ServerCrashTest." + mode.name().toLowerCase(Locale.ROOT);
    System.out.println(name + " seed=" + seed + " (rerun with -Ddriftdb.crash.seed=" + seed + ")");
    SplittableRandom rnd = new SplittableRandom(seed);
    Path data = tmp.resolve("db");
    CrashServer[] current = {CrashServer.start(data)};
    try {
      runRounds(mode, rounds, seed, name, rnd, data, current);
    } finally {
      if (current[0].isAlive()) {
        current[0].kill();
      }
    }
  }

  private void runRounds(Mode mode, int rounds, long seed, String name, SplittableRandom rnd, Path data,
                         CrashServer[] current) throws Exception {
    Path snapshots = data.resolve("snapshots");
    ThreadModel[] threads = new ThreadModel[WRITERS];
    for (int t = 0; t < WRITERS; t++) {
      threads[t] = new ThreadModel(t);
    }
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    // Snapshots this test damaged: name -> digest of the damaged bytes (a later CHECKPOINT at the
    // same SEQ replaces the file with a good one, which then is no longer "damaged").
    Map<String, String> damagedFiles = new HashMap<>();
    int acked = 0;
    int unknownCommitted = 0;
    int unknownAbsent = 0;
    int midSnapshotKills = 0;
    int midMergeKills = 0;
    int mergeRecoveries = 0;
    Path logDir = data.resolve("log");
    int startupKills = 0;
    int fromSnapshot = 0;
    int damagedRounds = 0;
    int maintenanceOk = 0;
    long t0 = System.nanoTime();
    CrashServer server = current[0];
    try (Connection c = server.connect(); Statement st = c.createStatement()) {
      for (String ddl : TxModel.SCHEMA) {
        st.execute(ddl);
      }
      for (int t = 0; t < WRITERS; t++) {
        st.execute("INSERT INTO tally VALUES (" + t + ", -1, 0)");
      }
      if (mode == Mode.VACUUM) {
        for (String sql : HistoryClient.SCHEMA) {
          st.execute(sql);
        }
      }
    }
    long[] histAcked = new long[HistoryClient.KEYS];
    int histDeletions = 0;

    for (int round = 0; round < rounds; round++) {
      long roundStart = System.nanoTime();
      AtomicBoolean killing = new AtomicBoolean();
      List<Connection> connections = new ArrayList<>();
      List<Thread> running = new ArrayList<>();
      TxClient[] clients = new TxClient[WRITERS];
      CountDownLatch warm = new CountDownLatch(WRITERS);
      for (int t = 0; t < WRITERS; t++) {
        Connection c = server.connect();
        connections.add(c);
        clients[t] = new TxClient(threads[t], c, seed, killing, problems, warm);
        running.add(new Thread(clients[t], "crash-writer-" + t));
      }
      // VACUUM variant: one client loops VACUUM, another CHECKPOINT (so they also race each
      // other); CHECKPOINT variant: one client loops CHECKPOINT.
      List<Maintenance> maintenance = new ArrayList<>();
      List<String[]> loops = switch (mode) {
        case PLAIN -> List.of();
        case VACUUM -> List.of(new String[] {"VACUUM", "VACUUM orders"}, new String[] {"CHECKPOINT"});
        case CHECKPOINT -> List.<String[]>of(new String[] {"CHECKPOINT", "CHECKPOINT TABLE lines"});
      };
      for (String[] commands : loops) {
        Connection c = server.connect();
        connections.add(c);
        Maintenance m = new Maintenance(commands, c, rnd.split(), killing, problems);
        maintenance.add(m);
        running.add(new Thread(m, "crash-maintenance-" + maintenance.size()));
      }
      HistoryClient hist = null;
      if (mode == Mode.VACUUM) {
        Connection c = server.connect();
        connections.add(c);
        hist = new HistoryClient(histAcked, c, rnd.split(), killing, problems);
        running.add(new Thread(hist, "crash-history"));
      }
      long started = System.nanoTime();
      running.forEach(Thread::start);

      // The kill: at a random moment after every writer got its first COMMIT acknowledged (the
      // first statements of a fresh server are slow: planning on a cold JVM), sometimes (1 in
      // 10) right away; in the snapshot variants half of the rounds kill as soon as a snapshot
      // is being written after a random delay.
      boolean early = rnd.nextInt(10) == 0;
      boolean waitForSnapshot = !early && mode != Mode.PLAIN && rnd.nextBoolean();
      // VACUUM variant: half of those rounds wait for a log segment merge instead.
      boolean waitForMerge = waitForSnapshot && mode == Mode.VACUUM && rnd.nextBoolean();
      waitForSnapshot &= !waitForMerge;
      long delayMs = early ? rnd.nextInt(150)
          : waitForSnapshot || waitForMerge ? 100 + rnd.nextInt(700) : 100 + rnd.nextInt(1300);
      if (!early) {
        warm.await(60, TimeUnit.SECONDS);
      }
      long warmMs = (System.nanoTime() - started) / 1_000_000;
      Thread.sleep(delayMs);
      if (waitForSnapshot || waitForMerge) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2500);
        while (!(waitForMerge ? hasMergeFile(logDir) : hasTempSnapshot(snapshots)) && System.nanoTime() < deadline) {
          Thread.sleep(1);
        }
      }
      killing.set(true);
      server.kill();
      for (Thread t : running) {
        t.join(60_000);
        assertThat(t.isAlive()).as(t.getName() + " still running 60 s after the kill").isFalse();
      }
      for (Connection c : connections) {
        closeQuietly(c);
      }
      for (TxClient cl : clients) {
        acked += cl.acked;
      }
      for (Maintenance m : maintenance) {
        maintenanceOk += m.completed;
      }
      boolean midSnapshot = hasTempSnapshot(snapshots);
      if (midSnapshot) {
        midSnapshotKills++;
      }
      boolean midMerge = hasMergeFile(logDir);
      if (midMerge) {
        midMergeKills++;
      }

      String damaged = null;
      if (mode == Mode.CHECKPOINT && round < rounds - 1 && rnd.nextInt(3) == 0) {
        damaged = damageNewestSnapshot(snapshots, rnd);
        if (damaged != null) {
          damagedFiles.put(damaged, digest(snapshots.resolve(damaged)));
          damagedRounds++;
        }
      }

      // Sometimes crash the recovery itself before letting a restart finish.
      if (rnd.nextInt(6) == 0) {
        CrashServer doomed = CrashServer.spawn(data);
        Thread.sleep(50 + rnd.nextInt(1500));
        doomed.kill();
        startupKills++;
      }

      damagedFiles.entrySet().removeIf(e -> !e.getValue().equals(digest(snapshots.resolve(e.getKey()))));
      long restart = System.nanoTime();
      server = CrashServer.start(data);
      current[0] = server;
      long restartMs = (System.nanoTime() - restart) / 1_000_000;
      String log = server.log();
      mergeRecoveries += count(log, "a segment merge a crash interrupted")
          + count(log, "left by a segment merge that a crash interrupted");
      Matcher loaded = LOADED.matcher(log);
      String loadedFile = loaded.find() ? loaded.group(1) : null;
      if (loadedFile != null) {
        fromSnapshot++;
        assertThat(damagedFiles).as("restart trusted a damaged snapshot:\n" + log).doesNotContainKey(loadedFile);
      }
      assertThat(log).as("snapshot directory unreadable:\n" + log).doesNotContain("cannot read snapshots");
      Matcher dm = DAMAGED.matcher(log);
      Set<String> reported = new HashSet<>();
      while (dm.find()) {
        reported.add(Path.of(dm.group(1)).getFileName().toString());
      }
      assertThat(damagedFiles.keySet()).as("a snapshot that only a kill touched was reported damaged:\n" + log)
          .containsAll(reported);
      if (damaged != null) {
        assertThat(reported).as("the damaged newest snapshot was not reported:\n" + log).contains(damaged);
      }

      StateCheck.Result r;
      long check = System.nanoTime();
      try (Connection c = server.connect()) {
        r = StateCheck.verify(c, threads, rnd.split(), round % 2 == 1 || round == rounds - 1, problems);
        if (hist != null) {
          HistoryClient.check(c, histAcked, hist.inFlight, problems);
          histDeletions += hist.deletions;
        }
      }
      long checkMs = (System.nanoTime() - check) / 1_000_000;
      // Temporary files of snapshots a kill interrupted are garbage the engine removes on its
      // next VACUUM (prune); clear them here (nothing writes snapshots between rounds) so the
      // next round sees only its own.
      deleteTempSnapshots(snapshots);
      unknownCommitted += r.unknownCommitted();
      unknownAbsent += r.unknownAbsent();
      System.out.printf(Locale.ROOT,
          "%s round %d: killed %s%d ms%s%s, %d acknowledged so far, in-flight COMMITs %d present / %d absent,"
              + " %d committed txs, %d row versions checked, restart from %s%s (round %.1f s: warm-up %d ms,"
              + " restart %d ms, check %d ms: %s)%n",
          name, round, early ? "early, after " : "after warm-up + ", delayMs,
          waitForSnapshot ? " + wait for a snapshot" : waitForMerge ? " + wait for a segment merge" : "",
          (midSnapshot ? " (mid-snapshot)" : "") + (midMerge ? " (mid-merge)" : ""),
          acked, r.unknownCommitted(), r.unknownAbsent(), r.committedTotal(), r.versionsChecked(),
          loadedFile == null ? "the log" : loadedFile, damaged == null ? "" : ", damaged " + damaged,
          (System.nanoTime() - roundStart) / 1e9, warmMs, restartMs, checkMs, r.timings());
      assertThat(problems).as(name + " seed " + seed + ", round " + round).isEmpty();
    }

    if (mode == Mode.PLAIN) {
      server.kill();
    } else {
      // One last kill while idle; drop the snapshots this test damaged on purpose, then prove
      // the newest remaining one (written by the engine under load) is exactly what the log
      // replays to.
      server.kill();
      for (var e : damagedFiles.entrySet()) {
        if (e.getValue().equals(digest(snapshots.resolve(e.getKey())))) {
          Files.delete(snapshots.resolve(e.getKey()));
        }
      }
      CrashServer.CliRun verify = CrashServer.cli("replay", "--data", data.toString(), "--verify");
      assertThat(verify.exitCode()).as(verify.stdout() + verify.stderr()).isZero();
      assertThat(verify.stdout()).contains("Verified: snapshot");
      System.out.println(name + ": " + verify.stdout().lines().filter(l -> l.startsWith("Verified")).findFirst()
          .orElse(""));
    }
    System.out.printf(Locale.ROOT,
        "%s: %d rounds in %.0f s, %d acknowledged transactions, in-flight COMMITs %d present / %d absent,"
            + " %d kills left a half-written snapshot, %d restarts from a snapshot, %d damaged snapshots skipped,"
            + " %d kills during recovery, %d VACUUM/CHECKPOINT completed%n",
        name, rounds, (System.nanoTime() - t0) / 1e9, acked, unknownCommitted, unknownAbsent, midSnapshotKills,
        fromSnapshot, damagedRounds, startupKills, maintenanceOk);
    if (mode == Mode.VACUUM) {
      System.out.printf(Locale.ROOT, "%s: %d kills left a segment merge unfinished, %d merges completed or undone on"
          + " restart, %d DELETE HISTORY statements; history counters %s%n", name, midMergeKills, mergeRecoveries,
          histDeletions, java.util.Arrays.toString(histAcked));
      assertThat(histDeletions).as("DELETE HISTORY statements completed").isPositive();
    }
    assertThat(acked).as("acknowledged transactions").isGreaterThan(rounds);
    if (mode != Mode.PLAIN) {
      assertThat(maintenanceOk).as("VACUUM/CHECKPOINT statements completed").isPositive();
      assertThat(fromSnapshot).as("restarts that loaded a snapshot").isPositive();
    }
  }

  /** A client issuing VACUUM / CHECKPOINT in a loop until the server dies. */
  private static final class Maintenance implements Runnable {
    private final String[] commands;
    private final Connection c;
    private final SplittableRandom rnd;
    private final AtomicBoolean killing;
    private final List<String> problems;
    int completed;

    Maintenance(String[] commands, Connection c, SplittableRandom rnd, AtomicBoolean killing, List<String> problems) {
      this.commands = commands;
      this.c = c;
      this.rnd = rnd;
      this.killing = killing;
      this.problems = problems;
    }

    @Override
    public void run() {
      try (Statement st = c.createStatement()) {
        while (true) {
          String sql = commands[rnd.nextInt(commands.length)];
          try {
            st.execute(sql);
            completed++;
          } catch (SQLException e) {
            if (!killing.get()) {
              problems.add(sql + " failed: " + e + " [" + e.getSQLState() + "]");
            }
            return;
          }
          Thread.sleep(5 + rnd.nextInt(40));
        }
      } catch (SQLException e) {
        if (!killing.get()) {
          problems.add("maintenance connection: " + e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** SHA-256 of a file's bytes, or "" when it does not exist. */
  private static String digest(Path f) {
    try {
      if (!Files.exists(f)) {
        return "";
      }
      return java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    } catch (IOException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTempSnapshots(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.snap.tmp")) {
        for (Path p : s) {
          Files.delete(p);
        }
      }
    }
  }

  /** A segment merge is under way: its {@code .cleaned} or {@code .swap} file exists. */
  private static boolean hasMergeFile(Path logDir) throws IOException {
    if (!Files.isDirectory(logDir)) {
      return false;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(logDir, "*.{cleaned,swap}")) {
      return s.iterator().hasNext();
    }
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  private static boolean hasTempSnapshot(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.snap.tmp")) {
      return s.iterator().hasNext();
    }
  }

  /**
   * Damages the newest {@code .snap} the way a lying disk might (the engine fsyncs before the
   * rename, so a SIGKILL alone cannot do this): truncates it, flips one byte, or zeroes its
   * footer. Returns its file name, or null when there is no snapshot.
   */
  private static String damageNewestSnapshot(Path dir, SplittableRandom rnd) throws IOException {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    List<Path> snaps = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.snap")) {
      s.forEach(snaps::add);
    }
    if (snaps.isEmpty()) {
      return null;
    }
    snaps.sort(null);
    Path newest = snaps.get(snaps.size() - 1);
    long size = Files.size(newest);
    try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      switch (rnd.nextInt(3)) {
        case 0 -> ch.truncate(rnd.nextLong(Math.max(1, size)));
        case 1 -> {
          long pos = rnd.nextLong(size);
          ByteBuffer b = ByteBuffer.allocate(1);
          ch.read(b, pos);
          b.put(0, (byte) (b.get(0) ^ (1 + rnd.nextInt(255))));
          b.rewind();
          ch.write(b, pos);
        }
        default -> ch.write(ByteBuffer.allocate((int) Math.min(24, size)), Math.max(0, size - 24));
      }
    }
    return newest.getFileName().toString();
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // the server is gone
    }
  }
}
