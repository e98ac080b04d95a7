package io.driftdb.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Many clients at once, and a slow statement that must not hold up anyone else. */
class ConcurrencyTest {

  private static TestEngine engine;
  private static PgServer server;

  @BeforeAll
  static void start() {
    engine = new TestEngine();
    server = TestServers.trust(engine);
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  @Test
  void twoHundredConcurrentConnections() throws Exception {
    int clients = 200;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    CountDownLatch connected = new CountDownLatch(clients);
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    List<Future<?>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < clients; i++) {
        int id = i;
        futures.add(pool.submit(() -> {
          try (Connection c = TestServers.connect(server, "")) {
            connected.countDown();
            // Hold every connection open at the same time before querying.
            connected.await(60, TimeUnit.SECONDS);
            try (PreparedStatement ps = c.prepareStatement("select ?, ?");
                 Statement s = c.createStatement()) {
              for (int q = 0; q < 15; q++) {
                ps.setInt(1, id);
                ps.setString(2, "q" + q);
                try (ResultSet rs = ps.executeQuery()) {
                  rs.next();
                  assertThat(rs.getInt(1)).isEqualTo(id);
                  assertThat(rs.getString(2)).isEqualTo("q" + q);
                }
                try (ResultSet rs = s.executeQuery("select generate_series(1, 50)")) {
                  int n = 0;
                  while (rs.next()) {
                    n++;
                  }
                  assertThat(n).isEqualTo(50);
                }
              }
            }
          } catch (Throwable t) {
            errors.add(t);
            connected.countDown();
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(errors).isEmpty();
    long deadline = System.currentTimeMillis() + 10_000;
    while (server.openConnections() > 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(server.openConnections()).isZero();
    assertThat(engine.sessionsClosed.get()).isEqualTo(engine.sessionsOpened.get());
  }

  @Test
  void aSlowQueryDoesNotBlockOtherConnections() throws Exception {
    try (Connection slow = TestServers.connect(server, ""); Connection fast = TestServers.connect(server, "")) {
      CompletableFuture<Void> sleeping = CompletableFuture.runAsync(() -> {
        try (Statement s = slow.createStatement()) {
          s.executeQuery("select pg_sleep(5)").close();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      Thread.sleep(200);
      for (int i = 0; i < 20; i++) {
        try (Statement s = fast.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
          assertThat(rs.next()).isTrue();
        }
      }
      // All twenty answers arrived while the slow statement was still running.
      assertThat(sleeping).isNotDone();
      sleeping.get(20, TimeUnit.SECONDS);
    }
  }
}
