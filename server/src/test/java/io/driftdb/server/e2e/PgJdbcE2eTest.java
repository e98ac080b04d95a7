package io.driftdb.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGStatement;

/**
 * pgJDBC against the real {@code driftdb-server}: server-side prepared statements with binary
 * results (checked on the wire with {@link FrontendTap}), batches, transactions with commit,
 * rollback and write-write conflicts, and {@link DatabaseMetaData}.
 */
class PgJdbcE2eTest {

  @TempDir
  static Path tmp;
  static E2eServer server;

  @BeforeAll
  static void startServer() {
    server = E2eServer.start(tmp.resolve("db"));
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  /**
   * pgJDBC runs a PreparedStatement as unnamed statements first; at the 5th execution
   * (prepareThreshold) it switches to a named server-side statement, and once it has the row
   * description it asks for binary results for the types it can decode. The answers must not change.
   */
  @Test
  void preparedStatementsSwitchToNamedServerStatementsAndBinaryResults() throws Exception {
    try (Connection c = server.connect(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE prep (id INT PRIMARY KEY, name VARCHAR, score DOUBLE PRECISION, big BIGINT,"
          + " ok BOOLEAN, ts TIMESTAMP, amount NUMERIC(10,2), d DATE)");
    }
    // Milliseconds: DriftDB keeps TIMESTAMP values at millisecond precision (PostgreSQL: microseconds).
    LocalDateTime base = LocalDateTime.of(2024, 2, 29, 13, 45, 30, 123_000_000);
    try (FrontendTap tap = new FrontendTap(server.pgPort());
         Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + tap.port() + "/driftdb?sslmode=disable",
             "driftdb", "")) {
      // 12 executions of one INSERT: parameters go through Bind as the driver encodes them.
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO prep VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (int i = 1; i <= 12; i++) {
          ins.setInt(1, i);
          ins.setString(2, "name " + i);
          ins.setDouble(3, i + 0.25);
          ins.setLong(4, 10_000_000_000L * i);
          ins.setBoolean(5, i % 2 == 0);
          ins.setTimestamp(6, Timestamp.valueOf(base.plusDays(i)));
          ins.setBigDecimal(7, new BigDecimal(i + ".05"));
          ins.setObject(8, LocalDate.of(2024, 1, i));
          assertThat(ins.executeUpdate()).isEqualTo(1);
        }
        assertThat(ins.unwrap(PGStatement.class).isUseServerPrepare()).as("INSERT is server-prepared").isTrue();
      }
      // 12 executions of one SELECT, each checked in full.
      String select = "SELECT id, name, score, big, ok, ts, amount, d FROM prep WHERE id = ?";
      try (PreparedStatement q = c.prepareStatement(select)) {
        for (int i = 1; i <= 12; i++) {
          q.setInt(1, i);
          try (ResultSet rs = q.executeQuery()) {
            assertThat(rs.next()).as("row %d", i).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(i);
            assertThat(rs.getString(2)).isEqualTo("name " + i);
            assertThat(rs.getDouble(3)).isEqualTo(i + 0.25);
            assertThat(rs.getLong(4)).isEqualTo(10_000_000_000L * i);
            assertThat(rs.getBoolean(5)).isEqualTo(i % 2 == 0);
            assertThat(rs.getObject(6, LocalDateTime.class)).isEqualTo(base.plusDays(i));
            assertThat(rs.getBigDecimal(7)).isEqualByComparingTo(new BigDecimal(i + ".05"));
            assertThat(rs.getObject(8, LocalDate.class)).isEqualTo(LocalDate.of(2024, 1, i));
            assertThat(rs.next()).isFalse();
          }
        }
        assertThat(q.unwrap(PGStatement.class).isUseServerPrepare()).as("SELECT is server-prepared").isTrue();
      }
      // A prepared time-travel query past the threshold: each SEQ shows the table as it was then.
      try (PreparedStatement q = c.prepareStatement("SELECT count(*) FROM prep FOR SYSTEM_TIME AS OF @SEQ:?")) {
        long createSeq;
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT min(_seq_from) FROM prep")) {
          rs.next();
          createSeq = rs.getLong(1); // SEQ of the first INSERT
        }
        for (int i = 0; i < 12; i++) {
          q.setLong(1, createSeq + i);
          try (ResultSet rs = q.executeQuery()) {
            rs.next();
            assertThat(rs.getLong(1)).as("rows as of the %d-th insert", i + 1).isEqualTo(i + 1);
          }
        }
      }

      // What went over the wire: named Parse for the SELECT, later Binds to it asking for binary columns.
      List<FrontendTap.Parse> parses = tap.parses();
      List<String> named = parses.stream().filter(p -> p.sql().startsWith("SELECT id, name") && !p.statement().isEmpty())
          .map(FrontendTap.Parse::statement).toList();
      assertThat(named).as("named server-side statements for the SELECT; all parses: %s", parses).hasSize(1);
      List<FrontendTap.Bind> selectBinds = tap.binds().stream().filter(b -> b.statement().equals(named.get(0))).toList();
      assertThat(selectBinds.size()).as("executions bound to the named statement").isGreaterThanOrEqualTo(7);
      assertThat(selectBinds).as("binds asking for binary result columns")
          .anySatisfy(b -> assertThat(b.resultFormats()).contains((short) 1));
      long unnamedParses = parses.stream().filter(p -> p.sql().startsWith("SELECT id, name") && p.statement().isEmpty()).count();
      assertThat(unnamedParses).as("unnamed executions before the switch").isBetween(1L, 5L);
    }
  }

  /** Binary transfer forced for everything from the first execution (prepareThreshold=-1). */
  @Test
  void forcedBinaryTransferFromTheFirstExecution() throws Exception {
    Properties p = new Properties();
    p.setProperty("prepareThreshold", "-1");
    try (Connection c = server.connect(p); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE fb (id BIGINT PRIMARY KEY, v DOUBLE PRECISION, ts TIMESTAMP)");
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO fb VALUES (?, ?, ?)")) {
        for (int i = 0; i < 10; i++) {
          ins.setLong(1, i);
          ins.setDouble(2, i / 4.0);
          ins.setTimestamp(3, Timestamp.valueOf(LocalDateTime.of(2020, 1, 1, 0, 0).plusHours(i)));
          ins.executeUpdate();
        }
      }
      try (PreparedStatement q = c.prepareStatement("SELECT v, ts FROM fb WHERE id = ?")) {
        for (int i = 0; i < 10; i++) {
          q.setLong(1, i);
          try (ResultSet rs = q.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getDouble(1)).isEqualTo(i / 4.0);
            assertThat(rs.getObject(2, LocalDateTime.class)).isEqualTo(LocalDateTime.of(2020, 1, 1, 0, 0).plusHours(i));
          }
        }
      }
    }
  }

  @Test
  void batchInsertsReportEveryRowAndLandTogether() throws Exception {
    try (Connection c = server.connect(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE batch (id INT PRIMARY KEY, label VARCHAR)");
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO batch VALUES (?, ?)")) {
        for (int i = 0; i < 300; i++) {
          ins.setInt(1, i);
          ins.setString(2, "row " + i);
          ins.addBatch();
        }
        int[] counts = ins.executeBatch();
        assertThat(counts).hasSize(300);
        assertThat(Arrays.stream(counts).allMatch(n -> n == 1)).as(Arrays.toString(counts)).isTrue();
      }
      // Statement batches of plain SQL.
      st.addBatch("INSERT INTO batch VALUES (1000, 'a')");
      st.addBatch("INSERT INTO batch VALUES (1001, 'b')");
      st.addBatch("UPDATE batch SET label = 'changed' WHERE id < 10");
      assertThat(st.executeBatch()).containsExactly(1, 1, 10);
      try (ResultSet rs = st.executeQuery("SELECT count(*), count(*) FILTER (WHERE label = 'changed') FROM batch")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(302);
        assertThat(rs.getLong(2)).isEqualTo(10);
      }
    }
    // pgJDBC's reWriteBatchedInserts turns the batch into multi-row INSERTs.
    Properties p = new Properties();
    p.setProperty("reWriteBatchedInserts", "true");
    try (Connection c = server.connect(p)) {
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO batch (id, label) VALUES (?, ?)")) {
        for (int i = 2000; i < 2100; i++) {
          ins.setInt(1, i);
          ins.setString(2, "rewritten");
          ins.addBatch();
        }
        int[] counts = ins.executeBatch();
        assertThat(counts).hasSize(100);
      }
      try (Statement st = c.createStatement();
           ResultSet rs = st.executeQuery("SELECT count(*) FROM batch WHERE label = 'rewritten'")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(100);
      }
    }
  }

  @Test
  void aFailingBatchRowFailsTheBatch() throws Exception {
    try (Connection c = server.connect(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE batch_dup (id INT PRIMARY KEY)");
      c.setAutoCommit(false);
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO batch_dup VALUES (?)")) {
        for (int id : new int[] {1, 2, 2, 3}) {
          ins.setInt(1, id);
          ins.addBatch();
        }
        assertThatThrownBy(ins::executeBatch)
            .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
      }
      c.rollback();
      c.setAutoCommit(true);
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM batch_dup")) {
        rs.next();
        assertThat(rs.getLong(1)).as("the transaction with the failed batch left nothing").isZero();
      }
    }
  }

  @Test
  void commitMakesWritesVisibleAndRollbackDiscardsThem() throws Exception {
    try (Connection a = server.connect(); Connection b = server.connect()) {
      try (Statement st = a.createStatement()) {
        st.execute("CREATE TABLE tx (id INT PRIMARY KEY, v VARCHAR)");
      }
      a.setAutoCommit(false);
      try (PreparedStatement ins = a.prepareStatement("INSERT INTO tx VALUES (?, ?)")) {
        ins.setInt(1, 1);
        ins.setString(2, "one");
        ins.executeUpdate();
        ins.setInt(1, 2);
        ins.setString(2, "two");
        ins.executeUpdate();
      }
      assertThat(count(a, "tx")).as("own writes are visible inside the transaction").isEqualTo(2);
      assertThat(count(b, "tx")).as("uncommitted writes are invisible to others").isZero();
      a.commit();
      assertThat(count(b, "tx")).isEqualTo(2);
      long seqAfterCommit;
      try (Statement st = b.createStatement(); ResultSet rs = st.executeQuery("SELECT max(_seq_from), min(_seq_from) FROM tx")) {
        rs.next();
        seqAfterCommit = rs.getLong(1);
        assertThat(rs.getLong(2)).as("one transaction = one SEQ for both rows").isEqualTo(seqAfterCommit);
      }

      try (Statement st = a.createStatement()) {
        st.executeUpdate("INSERT INTO tx VALUES (3, 'three')");
        st.executeUpdate("UPDATE tx SET v = 'uno' WHERE id = 1");
        st.executeUpdate("DELETE FROM tx WHERE id = 2");
      }
      assertThat(count(a, "tx")).isEqualTo(2);
      a.rollback();
      assertThat(count(a, "tx")).isEqualTo(2);
      try (Statement st = b.createStatement();
           ResultSet rs = st.executeQuery("SELECT id, v FROM tx ORDER BY id")) {
        List<String> rows = new ArrayList<>();
        while (rs.next()) {
          rows.add(rs.getInt(1) + "=" + rs.getString(2));
        }
        assertThat(rows).containsExactly("1=one", "2=two");
      }
      try (Statement st = b.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM tx FOR SYSTEM_TIME ALL")) {
        rs.next();
        assertThat(rs.getLong(1)).as("a rolled-back transaction leaves no history").isEqualTo(2);
      }
      a.setAutoCommit(true);
    }
  }

  /** Optimistic snapshot isolation: both update the same row, the first to COMMIT wins, the second gets 40001. */
  @Test
  void writeWriteConflictAbortsTheSecondCommitterWith40001() throws Exception {
    try (Connection a = server.connect(); Connection b = server.connect()) {
      try (Statement st = a.createStatement()) {
        st.execute("CREATE TABLE acct (id INT PRIMARY KEY, balance INT)");
        st.execute("INSERT INTO acct VALUES (1, 100), (2, 200)");
      }
      a.setAutoCommit(false);
      b.setAutoCommit(false);
      try (Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
        assertThat(sa.executeUpdate("UPDATE acct SET balance = balance + 10 WHERE id = 1")).isEqualTo(1);
        assertThat(sb.executeUpdate("UPDATE acct SET balance = balance + 20 WHERE id = 1")).isEqualTo(1);
        a.commit();
        assertThatThrownBy(b::commit)
            .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("40001"));
        // b's connection is usable again and sees a's write
        b.rollback();
        try (ResultSet rs = sb.executeQuery("SELECT balance FROM acct WHERE id = 1")) {
          rs.next();
          assertThat(rs.getInt(1)).isEqualTo(110);
        }
        b.commit();
      }
      a.setAutoCommit(true);
      b.setAutoCommit(true);
    }
  }

  /** The same race with both COMMITs sent at once from two threads: exactly one gets 40001. */
  @Test
  void concurrentCommitsOfTheSameRowExactlyOneFails() throws Exception {
    try (Connection setup = server.connect(); Statement st = setup.createStatement()) {
      st.execute("CREATE TABLE race (id INT PRIMARY KEY, owner VARCHAR)");
      st.execute("INSERT INTO race VALUES (1, 'nobody')");
    }
    for (int round = 0; round < 5; round++) {
      CyclicBarrier barrier = new CyclicBarrier(2);
      List<CompletableFuture<String>> outcomes = new ArrayList<>();
      for (String who : List.of("a", "b")) {
        outcomes.add(CompletableFuture.supplyAsync(() -> {
          try (Connection c = server.connect()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
              st.executeUpdate("UPDATE race SET owner = '" + who + "' WHERE id = 1");
            }
            barrier.await(30, TimeUnit.SECONDS);
            try {
              c.commit();
              return "committed " + who;
            } catch (SQLException e) {
              return "failed " + e.getSQLState();
            }
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        }, runnable -> new Thread(runnable).start()));
      }
      List<String> results = outcomes.stream().map(f -> f.orTimeout(60, TimeUnit.SECONDS).join()).toList();
      assertThat(results).as("round %d", round).filteredOn(r -> r.startsWith("committed")).hasSize(1);
      assertThat(results).as("round %d", round).filteredOn(r -> r.startsWith("failed")).containsExactly("failed 40001");
      String winner = results.stream().filter(r -> r.startsWith("committed")).findFirst().orElseThrow().substring(10);
      try (Connection c = server.connect(); Statement st = c.createStatement();
           ResultSet rs = st.executeQuery("SELECT owner FROM race WHERE id = 1")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo(winner);
      }
    }
  }

  @Test
  void databaseMetaDataDescribesACreatedTable() throws Exception {
    try (Connection c = server.connect(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE meta_items (id INT PRIMARY KEY, name VARCHAR NOT NULL, price NUMERIC(10,2), created TIMESTAMP)");
      st.execute("CREATE UNIQUE INDEX meta_items_name_key ON meta_items (name)");
      st.execute("CREATE INDEX ON meta_items (created)");
      DatabaseMetaData md = c.getMetaData();
      assertThat(md.getDatabaseProductName()).isEqualTo("PostgreSQL");

      try (ResultSet rs = md.getTables(null, "public", "meta_items", new String[] {"TABLE"})) {
        assertThat(rs.next()).as("getTables finds the table").isTrue();
        assertThat(rs.getString("TABLE_SCHEM")).isEqualTo("public");
        assertThat(rs.getString("TABLE_NAME")).isEqualTo("meta_items");
        assertThat(rs.getString("TABLE_TYPE")).isEqualTo("TABLE");
        assertThat(rs.next()).isFalse();
      }
      try (ResultSet rs = md.getTables(null, "public", "meta%", null)) {
        List<String> names = new ArrayList<>();
        while (rs.next()) {
          names.add(rs.getString("TABLE_NAME") + ":" + rs.getString("TABLE_TYPE"));
        }
        assertThat(names).contains("meta_items:TABLE", "meta_items_pkey:INDEX", "meta_items_name_key:INDEX");
      }

      try (ResultSet rs = md.getColumns(null, "public", "meta_items", null)) {
        List<String> cols = new ArrayList<>();
        while (rs.next()) {
          cols.add(String.join(" ", rs.getString("ORDINAL_POSITION"), rs.getString("COLUMN_NAME"), rs.getString("TYPE_NAME"),
              String.valueOf(rs.getInt("DATA_TYPE")), rs.getString("IS_NULLABLE")));
          if (rs.getString("COLUMN_NAME").equals("price")) {
            assertThat(rs.getInt("COLUMN_SIZE")).isEqualTo(10);
            assertThat(rs.getInt("DECIMAL_DIGITS")).isEqualTo(2);
          }
          assertThat(rs.getInt("NULLABLE")).isEqualTo(
              rs.getString("IS_NULLABLE").equals("NO") ? DatabaseMetaData.columnNoNulls : DatabaseMetaData.columnNullable);
        }
        assertThat(cols).containsExactly(
            "1 id int4 " + Types.INTEGER + " NO",
            "2 name varchar " + Types.VARCHAR + " NO",
            "3 price numeric " + Types.NUMERIC + " YES",
            "4 created timestamp " + Types.TIMESTAMP + " YES");
      }

      try (ResultSet rs = md.getPrimaryKeys(null, "public", "meta_items")) {
        assertThat(rs.next()).as("getPrimaryKeys").isTrue();
        assertThat(rs.getString("COLUMN_NAME")).isEqualTo("id");
        assertThat(rs.getInt("KEY_SEQ")).isEqualTo(1);
        assertThat(rs.getString("PK_NAME")).isEqualTo("meta_items_pkey");
        assertThat(rs.next()).isFalse();
      }

      try (ResultSet rs = md.getIndexInfo(null, "public", "meta_items", false, false)) {
        List<String> idx = new ArrayList<>();
        while (rs.next()) {
          idx.add(rs.getString("INDEX_NAME") + " " + rs.getString("COLUMN_NAME") + " unique=" + !rs.getBoolean("NON_UNIQUE")
              + " pos=" + rs.getShort("ORDINAL_POSITION"));
        }
        assertThat(idx).containsExactlyInAnyOrder(
            "meta_items_pkey id unique=true pos=1",
            "meta_items_name_key name unique=true pos=1",
            "meta_items_created_idx created unique=false pos=1");
      }
      try (ResultSet rs = md.getIndexInfo(null, "public", "meta_items", true, false)) {
        List<String> idx = new ArrayList<>();
        while (rs.next()) {
          idx.add(rs.getString("INDEX_NAME"));
        }
        assertThat(idx).containsExactlyInAnyOrder("meta_items_pkey", "meta_items_name_key");
      }
    }
  }

  private static long count(Connection c, String table) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
