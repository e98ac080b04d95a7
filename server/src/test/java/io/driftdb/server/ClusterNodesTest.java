package io.driftdb.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdb.log.cluster.KafkaBroker;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two driftdb-server processes in cluster mode on one topic of a real (in-process KRaft) Kafka
 * broker, driven with pgJDBC: writes on one node are readable on the other after read_after,
 * and a node SIGKILLed in the middle of concurrent writes comes back without losing anything
 * either node acknowledged.
 */
class ClusterNodesTest {
  @RegisterExtension
  static final KafkaBroker kafka = new KafkaBroker();

  @TempDir
  Path dir;

  private ServerProcess node(String name, String topic) {
    return ServerProcess.start(List.of("--data-path", dir.resolve(name).toString(), "--port", "0", "--http-port", "0",
        "--log", kafka.logUri(topic)), Map.of());
  }

  private static long lastCommitSeq(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT last_commit_seq()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void readAfter(Connection c, long seq) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET driftdb.read_after = " + seq);
    }
  }

  private static Set<Integer> ids(Connection c) throws SQLException {
    Set<Integer> out = new HashSet<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM events")) {
      while (rs.next()) {
        out.add(rs.getInt(1));
      }
    }
    return out;
  }

  @Test
  void writesOnOneNodeAreReadOnTheOther() throws Exception {
    try (ServerProcess a = node("a", "driftdb.e2e.read"); ServerProcess b = node("b", "driftdb.e2e.read");
         Connection ca = a.connect(); Connection cb = b.connect()) {
      try (Statement s = ca.createStatement()) {
        s.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)");
        s.execute("INSERT INTO users VALUES (1, 'ada')");
      }
      readAfter(cb, lastCommitSeq(ca));
      try (Statement s = cb.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM users WHERE id = 1")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("ada");
      }
      try (Statement s = cb.createStatement()) {
        s.execute("UPDATE users SET name = 'grace' WHERE id = 1");
      }
      long update = lastCommitSeq(cb);
      readAfter(ca, update);
      try (PreparedStatement ps = ca.prepareStatement("SELECT name FROM users FOR SYSTEM_TIME AS OF @SEQ:? WHERE id = 1")) {
        ps.setLong(1, update - 1);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("ada");
        }
      }
    }
  }

  @Test
  void aKilledNodeRestartsWithoutLosingAcknowledgedCommits() throws Exception {
    String topic = "driftdb.e2e.kill";
    ServerProcess a = node("a", topic);
    ServerProcess b = node("b", topic);
    try (Connection ca = a.connect(); Statement s = ca.createStatement()) {
      s.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, node TEXT)");
      readAfterOn(b, lastCommitSeq(ca));
    }
    Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    Set<Integer> attempted = ConcurrentHashMap.newKeySet();
    AtomicInteger nextId = new AtomicInteger();
    try {
      for (int round = 0; round < 3; round++) {
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
          ServerProcess target = w % 2 == 0 ? a : b;
          writers.add(pool.submit(() -> write(target, stop, nextId, attempted, acknowledged)));
        }
        Thread.sleep(1500);
        b.kill();
        stop.set(true);
        for (Future<?> f : writers) {
          f.get();
        }
        pool.shutdown();
        b = node("b", topic);
      }
      long markA;
      long markB;
      try (Connection ca = a.connect(); Connection cb = b.connect()) {
        try (Statement s = ca.createStatement()) {
          s.execute("INSERT INTO events VALUES (-1, 'a')");
        }
        markA = lastCommitSeq(ca);
        try (Statement s = cb.createStatement()) {
          s.execute("INSERT INTO events VALUES (-2, 'b')");
        }
        markB = lastCommitSeq(cb);
        readAfter(ca, markB);
        readAfter(cb, markA);
        Set<Integer> onA = ids(ca);
        Set<Integer> onB = ids(cb);
        assertThat(onA).isEqualTo(onB);
        assertThat(onA).containsAll(acknowledged);
        onA.removeAll(Set.of(-1, -2));
        assertThat(attempted).containsAll(onA);
      }
      assertThat(acknowledged).hasSizeGreaterThan(20);
    } finally {
      a.close();
      b.close();
    }
  }

  private static void readAfterOn(ServerProcess node, long seq) throws SQLException {
    try (Connection c = node.connect()) {
      readAfter(c, seq);
    }
  }

  /** Inserts rows on {@code node} until told to stop or the node dies; records what was acknowledged. */
  private static Void write(ServerProcess node, AtomicBoolean stop, AtomicInteger nextId, Set<Integer> attempted,
                            Set<Integer> acknowledged) {
    try (Connection c = node.connect();
         PreparedStatement ps = c.prepareStatement("INSERT INTO events VALUES (?, ?)")) {
      while (!stop.get()) {
        int id = nextId.incrementAndGet();
        attempted.add(id);
        ps.setInt(1, id);
        ps.setString(2, String.valueOf(node.pgPort()));
        ps.executeUpdate();
        acknowledged.add(id);
      }
    } catch (SQLException e) {
      // the node was killed: this write was not acknowledged
    }
    return null;
  }
}
