package io.driftdb.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdb.sql.SessionInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** pgJDBC 42.7.8 against the real server: simple and extended protocol, paging, batches, errors, transactions. */
class PgJdbcQueryTest {

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

  @BeforeEach
  void clear() {
    engine.items.clear();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "preferQueryMode=simple", "preferQueryMode=extendedForPrepared", "prepareThreshold=-1"})
  void selectOneInEveryQueryMode(String mode) throws Exception {
    try (Connection c = TestServers.connect(server, mode);
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("select 1")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(1);
      assertThat(rs.getMetaData().getColumnName(1)).isEqualTo("?column?");
      assertThat(rs.next()).isFalse();
    }
  }

  @Test
  void startupReportsServerVersionAndSessionInfo() throws Exception {
    try (Connection c = TestServers.connect(server, "ApplicationName=jdbc-test")) {
      assertThat(c.getMetaData().getDatabaseProductVersion()).isEqualTo(PgServerConfig.DEFAULT_SERVER_VERSION);
      assertThat(c.getMetaData().getDatabaseMajorVersion()).isEqualTo(16);
      SessionInfo info = engine.sessionInfos.get(engine.sessionInfos.size() - 1);
      assertThat(info.user()).isEqualTo("tester");
      assertThat(info.database()).isEqualTo("testdb");
      assertThat(info.clientAddress()).isEqualTo("127.0.0.1");
    }
  }

  @Test
  void startupOptionsBecomeSessionSettings() throws Exception {
    try (Connection c = TestServers.connect(server, "options=-c%20search_path=a,%5C%20b%20-c%20statement_timeout=5s");
         Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("show search_path")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("a, b");
      }
      try (ResultSet rs = s.executeQuery("show statement_timeout")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("5s");
      }
      // The JVM's zone, sent by the driver, reached the session too.
      try (ResultSet rs = s.executeQuery("show timezone")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo(java.util.TimeZone.getDefault().getID());
      }
    }
  }

  @Test
  void setApplicationNameIsEchoedAsParameterStatus() throws Exception {
    try (Connection c = TestServers.connect(server, "")) {
      c.setClientInfo("ApplicationName", "renamed-app");
      // pgJDBC updates its copy only from the server's ParameterStatus message.
      assertThat(c.getClientInfo("ApplicationName")).isEqualTo("renamed-app");
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("show application_name")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("renamed-app");
      }
    }
  }

  @Test
  void preparedStatementSwitchesToNamedServerStatementAndKeepsWorking() throws Exception {
    int preparesBefore = engine.prepares.get();
    try (Connection c = TestServers.connect(server, "");
         PreparedStatement ps = c.prepareStatement("select ?, ?")) {
      for (int i = 0; i < 12; i++) {
        ps.setInt(1, i);
        ps.setString(2, "v" + i);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getInt(1)).isEqualTo(i);
          assertThat(rs.getString(2)).isEqualTo("v" + i);
          assertThat(rs.getMetaData().getColumnType(1)).isEqualTo(java.sql.Types.INTEGER);
        }
      }
    }
    // After prepareThreshold (5) the driver reuses server statement S_n: far fewer Parses than executions.
    assertThat(engine.prepares.get() - preparesBefore).isLessThan(12);
  }

  @Test
  void metadataBeforeExecutionUsesDescribeStatement() throws Exception {
    try (Connection c = TestServers.connect(server, "");
         PreparedStatement ps = c.prepareStatement("select ?, ?")) {
      int executionsBefore = engine.executions.get();
      ps.setInt(1, 1);
      ps.setString(2, "x");
      java.sql.ResultSetMetaData md = ps.getMetaData();
      assertThat(md.getColumnCount()).isEqualTo(2);
      assertThat(md.getColumnName(1)).isEqualTo("p1");
      assertThat(md.getColumnType(1)).isEqualTo(java.sql.Types.INTEGER);
      assertThat(ps.getParameterMetaData().getParameterCount()).isEqualTo(2);
      assertThat(engine.executions.get()).as("describing does not execute").isEqualTo(executionsBefore);
    }
  }

  @Test
  void fetchSizePagesThroughAPortalWithPortalSuspended() throws Exception {
    try (Connection c = TestServers.connect(server, "")) {
      c.setAutoCommit(false);
      int executionsBefore = engine.executions.get();
      try (PreparedStatement ps = c.prepareStatement("select generate_series(1, 1050)")) {
        ps.setFetchSize(100);
        List<Integer> seen = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            seen.add(rs.getInt(1));
          }
        }
        assertThat(seen).hasSize(1050);
        assertThat(seen.get(0)).isEqualTo(1);
        assertThat(seen.get(1049)).isEqualTo(1050);
      }
      // BEGIN + the query once: the remaining pages came from the suspended portal.
      assertThat(engine.executions.get() - executionsBefore).isEqualTo(2);
      c.commit();
    }
  }

  @Test
  void largeResultsStreamThroughBackpressure() throws Exception {
    try (Connection c = TestServers.connect(server, ""); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("select generate_series(1, 300000)")) {
      long sum = 0;
      int n = 0;
      while (rs.next()) {
        sum += rs.getInt(1);
        n++;
      }
      assertThat(n).isEqualTo(300_000);
      assertThat(sum).isEqualTo(300_000L * 300_001L / 2);
    }
  }

  @Test
  void batchInsertPipelinesManyExecutes() throws Exception {
    try (Connection c = TestServers.connect(server, "");
         PreparedStatement ps = c.prepareStatement("insert into items values (?, ?)")) {
      for (int i = 0; i < 300; i++) {
        ps.setInt(1, i);
        ps.setString(2, "n" + i);
        ps.addBatch();
      }
      int[] counts = ps.executeBatch();
      assertThat(counts).hasSize(300).containsOnly(1);
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select * from items")) {
        int n = 0;
        while (rs.next()) {
          assertThat(rs.getInt("id")).isEqualTo(n);
          assertThat(rs.getString("name")).isEqualTo("n" + n);
          n++;
        }
        assertThat(n).isEqualTo(300);
      }
    }
  }

  @Test
  void multipleStatementsInOneSimpleQuery() throws Exception {
    try (Connection c = TestServers.connect(server, "preferQueryMode=simple");
         Statement s = c.createStatement()) {
      assertThat(s.execute("select 1; select generate_series(1, 3); delete from items")).isTrue();
      try (ResultSet rs = s.getResultSet()) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
      assertThat(s.getMoreResults()).isTrue();
      int n = 0;
      try (ResultSet rs = s.getResultSet()) {
        while (rs.next()) {
          n++;
        }
      }
      assertThat(n).isEqualTo(3);
      assertThat(s.getMoreResults()).isFalse();
      assertThat(s.getUpdateCount()).isEqualTo(0);
    }
  }

  @Test
  void userErrorsKeepTheirSqlStateAndTheConnection() throws Exception {
    try (Connection c = TestServers.connect(server, "");
         Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeQuery("selec 1"))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42601"))
          .hasMessageContaining("syntax error at or near \"selec\"");
      assertThatThrownBy(() -> s.executeQuery("select boom()"))
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("XX000"))
          .hasMessageContaining("boom: engine bug");
      try (ResultSet rs = s.executeQuery("select 1")) {
        assertThat(rs.next()).isTrue();
      }
    }
  }

  @Test
  void transactionStatusFollowsTheSession() throws Exception {
    try (Connection c = TestServers.connect(server, "")) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.executeQuery("select 1").close();
        assertThatThrownBy(() -> s.executeQuery("selec 1")).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> s.executeQuery("select 1"))
            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25P02"));
        c.rollback();
        try (ResultSet rs = s.executeQuery("select 1")) {
          assertThat(rs.next()).isTrue();
        }
        c.commit();
      }
      c.setAutoCommit(true);
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
        assertThat(rs.next()).isTrue();
      }
    }
  }

  @Test
  void emptyAndCommentOnlyQueries() throws Exception {
    try (Connection c = TestServers.connect(server, ""); Statement s = c.createStatement()) {
      assertThat(s.execute("")).isFalse();
      assertThat(s.execute("-- nothing here")).isFalse();
    }
    try (Connection c = TestServers.connect(server, "preferQueryMode=simple"); Statement s = c.createStatement()) {
      assertThat(s.execute(" ; ")).isFalse();
    }
  }

  @Test
  void sessionsAreClosedWithTheirConnections() throws Exception {
    int closedBefore = engine.sessionsClosed.get();
    try (Connection c = TestServers.connect(server, "")) {
      c.createStatement().executeQuery("select 1").close();
    }
    long deadline = System.currentTimeMillis() + 5000;
    while (engine.sessionsClosed.get() == closedBefore && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertThat(engine.sessionsClosed.get()).isGreaterThan(closedBefore);
  }
}
