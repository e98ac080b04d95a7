package io.driftdb.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pgJDBC against a running {@code driftdb-server}: DDL, DML, bound parameters and time travel. */
class PgJdbcSmokeTest {

  @TempDir
  static Path tmp;
  static ServerProcess server;

  @BeforeAll
  static void startServer() {
    server = ServerProcess.start(QuickReferenceTest.serverArgs("--data-path", tmp.resolve("db").toString()), Map.of());
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Test
  void createInsertQueryAndTimeTravel() throws Exception {
    try (Connection c = server.connect(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE accounts (id INT PRIMARY KEY, owner VARCHAR, balance INT)");
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO accounts VALUES (?, ?, ?)")) {
        for (int i = 1; i <= 3; i++) {
          ins.setInt(1, i);
          ins.setString(2, "owner" + i);
          ins.setInt(3, 100 * i);
          assertThat(ins.executeUpdate()).isEqualTo(1);
        }
      }
      try (PreparedStatement q = c.prepareStatement("SELECT owner, balance FROM accounts WHERE id = ?")) {
        q.setInt(1, 2);
        assertThat(rows(q.executeQuery())).containsExactly(List.of("owner2", "200"));
      }

      // Remember when (SEQ and commit time) account 1 had its first balance, then change it.
      long seq;
      String committedAt;
      try (ResultSet rs = st.executeQuery("SELECT _seq_from, _system_from FROM accounts WHERE id = 1")) {
        assertThat(rs.next()).isTrue();
        seq = rs.getLong(1);
        committedAt = rs.getString(2);
      }
      assertThat(st.executeUpdate("UPDATE accounts SET balance = 0 WHERE id = 1")).isEqualTo(1);

      try (ResultSet rs = st.executeQuery("SELECT balance FROM accounts WHERE id = 1")) {
        assertThat(rows(rs)).containsExactly(List.of("0"));
      }
      // A literal SEQ ...
      try (ResultSet rs = st.executeQuery("SELECT balance FROM accounts FOR SYSTEM_TIME AS OF @SEQ:" + seq + " WHERE id = 1")) {
        assertThat(rows(rs)).containsExactly(List.of("100"));
      }
      // ... a SEQ bound as a parameter ...
      try (PreparedStatement q = c.prepareStatement("SELECT balance FROM accounts FOR SYSTEM_TIME AS OF @SEQ:? WHERE id = 1")) {
        q.setLong(1, seq);
        assertThat(rows(q.executeQuery())).containsExactly(List.of("100"));
      }
      // ... and a timestamp bound as a string parameter.
      try (PreparedStatement q = c.prepareStatement("SELECT balance FROM accounts FOR SYSTEM_TIME AS OF ? WHERE id = 1")) {
        q.setString(1, committedAt);
        assertThat(rows(q.executeQuery())).containsExactly(List.of("100"));
      }
      try (ResultSet rs = st.executeQuery("SELECT balance FROM accounts FOR SYSTEM_TIME ALL WHERE id = 1 ORDER BY _seq_from")) {
        assertThat(rows(rs)).containsExactly(List.of("100"), List.of("0"));
      }
    }
  }

  @Test
  void errorsReachTheClientWithTheirSqlstate() throws Exception {
    try (Connection c = server.connect(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE uniq (id INT PRIMARY KEY)");
      st.execute("INSERT INTO uniq VALUES (1)");
      assertThatThrownBy(() -> st.execute("INSERT INTO uniq VALUES (1)"))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM uniq")) {
        assertThat(rows(rs)).containsExactly(List.of("1"));
      }
    }
  }

  static List<List<String>> rows(ResultSet rs) throws SQLException {
    List<List<String>> out = new ArrayList<>();
    int n = rs.getMetaData().getColumnCount();
    while (rs.next()) {
      List<String> row = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        row.add(rs.getString(i));
      }
      out.add(row);
    }
    rs.close();
    return out;
  }
}
