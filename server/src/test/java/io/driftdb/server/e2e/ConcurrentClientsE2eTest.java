package io.driftdb.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 200 pgJDBC connections open at the same time against the real server, each running point
 * queries (prepared, past the server-prepare threshold), aggregates and time-travel reads, and
 * every fourth one also inserting rows (single durable INSERTs and a multi-statement transaction).
 * Every statement must succeed and every committed row must be there afterwards.
 */
class ConcurrentClientsE2eTest {
  static final int CLIENTS = 200;
  static final int SEED_ROWS = 500;
  static final int ROUNDS = 4;
  static final String OWN_ROWS = "SELECT count(*) FROM events WHERE client = ?";

  @TempDir
  static Path tmp;
  static E2eServer server;

  @BeforeAll
  static void start() throws Exception {
    server = E2eServer.start(tmp.resolve("db"));
    try (Connection c = server.connect(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE items (id INT PRIMARY KEY, label VARCHAR, qty INT)");
      st.execute("CREATE TABLE events (client INT, n INT, note VARCHAR, PRIMARY KEY (client, n))");
      StringBuilder values = new StringBuilder();
      for (int i = 0; i < SEED_ROWS; i++) {
        values.append(i == 0 ? "" : ",").append('(').append(i).append(", 'item ").append(i).append("', ").append(i % 7).append(')');
      }
      st.execute("INSERT INTO items VALUES " + values);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void twoHundredConcurrentConnectionsRunQueriesAndInsertsWithoutErrors() throws Exception {
    long seedSeq;
    try (Connection c = server.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT max(_seq_from) FROM items")) {
      rs.next();
      seedSeq = rs.getLong(1);
    }
    warmUpPlans(seedSeq);
    CyclicBarrier allConnected = new CyclicBarrier(CLIENTS);
    CyclicBarrier allDone = new CyclicBarrier(CLIENTS);
    AtomicLong statements = new AtomicLong();
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    List<CompletableFuture<Void>> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      int client = i;
      CompletableFuture<Void> f = new CompletableFuture<>();
      Thread t = new Thread(() -> {
        try {
          runClient(client, seedSeq, allConnected, allDone, statements);
          f.complete(null);
        } catch (Throwable e) {
          AssertionError failure = new AssertionError("client " + client + " failed", e);
          firstFailure.compareAndSet(null, failure);
          f.completeExceptionally(failure);
          allConnected.reset(); // release the others instead of letting them wait for the timeout
          allDone.reset();
        }
      }, "e2e-client-" + i);
      t.setDaemon(true);
      t.start();
      clients.add(f);
    }
    List<Throwable> failures = new ArrayList<>();
    for (CompletableFuture<Void> f : clients) {
      try {
        f.get(120, TimeUnit.SECONDS);
      } catch (Exception e) {
        failures.add(e.getCause() != null ? e.getCause() : e);
      }
    }
    if (!failures.isEmpty()) {
      Throwable first = firstFailure.get() != null ? firstFailure.get() : failures.get(0);
      throw new AssertionError(failures.size() + " of " + CLIENTS + " clients failed (the others were released"
          + " from their barrier when the first one failed); first failure:", first);
    }

    int writers = CLIENTS / 4;
    try (Connection c = server.connect(); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT client) FROM events WHERE client >= 0")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo((long) writers * (ROUNDS + 3));
        assertThat(rs.getLong(2)).isEqualTo(writers);
      }
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM items")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(SEED_ROWS);
      }
    }
    assertThat(statements.get()).isGreaterThanOrEqualTo((long) CLIENTS * ROUNDS * 3);
    assertThat(server.isAlive()).isTrue();
  }

  /**
   * Plans every statement shape once before the 200 clients start. Without this the test still
   * passes, but takes ~15 s longer on 2 cores: the engine's plan cache does not coalesce concurrent
   * misses, so 200 sessions arriving at once with the same new SQL each plan and compile it.
   */
  private static void warmUpPlans(long seedSeq) throws Exception {
    try (Connection c = server.connect();
         PreparedStatement byId = c.prepareStatement("SELECT label, qty FROM items WHERE id = ?");
         PreparedStatement asOf = c.prepareStatement("SELECT count(*) FROM items FOR SYSTEM_TIME AS OF @SEQ:?");
         Statement st = c.createStatement()) {
      byId.setInt(1, 1);
      byId.executeQuery().close();
      asOf.setLong(1, seedSeq);
      asOf.executeQuery().close();
      for (int round = 0; round < ROUNDS; round++) {
        st.executeQuery("SELECT count(*), sum(qty) FROM items WHERE qty = " + (round % 7)).close();
      }
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO events VALUES (?, ?, ?)");
           PreparedStatement ownRows = c.prepareStatement(OWN_ROWS)) {
        insert.setInt(1, -1); // a row of no client; the counts below leave it out
        insert.setInt(2, 0);
        insert.setString(3, "warm-up");
        insert.executeUpdate();
        ownRows.setInt(1, -1);
        ownRows.executeQuery().close();
      }
    }
  }

  private static void runClient(int client, long seedSeq, CyclicBarrier allConnected, CyclicBarrier allDone,
                                AtomicLong statements) throws Exception {
    Properties p = new Properties();
    p.setProperty("ApplicationName", "e2e-" + client);
    try (Connection c = server.connect(p)) {
      allConnected.await(90, TimeUnit.SECONDS); // all 200 are open at once from here on
      try (PreparedStatement byId = c.prepareStatement("SELECT label, qty FROM items WHERE id = ?");
           PreparedStatement asOf = c.prepareStatement("SELECT count(*) FROM items FOR SYSTEM_TIME AS OF @SEQ:?");
           PreparedStatement insert = c.prepareStatement("INSERT INTO events VALUES (?, ?, ?)");
           PreparedStatement ownRows = c.prepareStatement(OWN_ROWS);
           Statement st = c.createStatement()) {
        boolean writer = client % 4 == 0;
        for (int round = 0; round < ROUNDS; round++) {
          int id = (client * 31 + round * 17) % SEED_ROWS;
          byId.setInt(1, id);
          try (ResultSet rs = byId.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("item " + id);
            assertThat(rs.getInt(2)).isEqualTo(id % 7);
          }
          try (ResultSet rs = st.executeQuery("SELECT count(*), sum(qty) FROM items WHERE qty = " + (round % 7))) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isPositive();
          }
          asOf.setLong(1, seedSeq);
          try (ResultSet rs = asOf.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(SEED_ROWS);
          }
          statements.addAndGet(3);
          if (writer) {
            insert.setInt(1, client);
            insert.setInt(2, round);
            insert.setString(3, "single");
            assertThat(insert.executeUpdate()).isEqualTo(1);
            statements.incrementAndGet();
          }
        }
        if (writer) {
          c.setAutoCommit(false);
          for (int n = ROUNDS; n < ROUNDS + 3; n++) {
            insert.setInt(1, client);
            insert.setInt(2, n);
            insert.setString(3, "in a transaction");
            insert.executeUpdate();
          }
          c.commit();
          c.setAutoCommit(true);
          ownRows.setInt(1, client);
          try (ResultSet rs = ownRows.executeQuery()) {
            rs.next();
            assertThat(rs.getLong(1)).as("own rows are visible after commit").isEqualTo(ROUNDS + 3);
          }
        }
      }
      allDone.await(90, TimeUnit.SECONDS);
    }
  }
}
