package io.driftdb.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Errors over the wire against the real server. SQL errors arrive with their SQLSTATE and leave the
 * connection usable; a malformed protocol message gets a FATAL 08P01 and closes that connection
 * only, while another client (with an open transaction) keeps working.
 */
class WireErrorsE2eTest {

  @TempDir
  static Path tmp;
  static E2eServer server;

  @BeforeAll
  static void start() throws Exception {
    server = E2eServer.start(tmp.resolve("db"));
    try (Connection c = server.connect(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE people (id INT PRIMARY KEY, email VARCHAR)");
      st.execute("CREATE UNIQUE INDEX people_email_key ON people (email)");
      st.execute("INSERT INTO people VALUES (1, 'a@example.com'), (2, 'b@example.com')");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static void assertSqlState(String state, Executable call) {
    assertThatThrownBy(call::execute)
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo(state));
  }

  private static long countPeople(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM people")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void sqlErrorsOverTheSimpleProtocolLeaveTheConnectionUsable() throws Exception {
    try (Connection c = server.connect(); Statement st = c.createStatement()) {
      assertSqlState("42601", () -> st.execute("SELEC * FROM people"));
      assertThat(countPeople(c)).isEqualTo(2);
      assertSqlState("42601", () -> st.execute("SELECT * FROM people WHERE"));
      assertThat(countPeople(c)).isEqualTo(2);
      assertSqlState("42P01", () -> st.executeQuery("SELECT * FROM no_such_table"));
      assertThat(countPeople(c)).isEqualTo(2);
      assertSqlState("23505", () -> st.executeUpdate("INSERT INTO people VALUES (1, 'other@example.com')"));
      assertThat(countPeople(c)).isEqualTo(2);
      assertSqlState("23505", () -> st.executeUpdate("INSERT INTO people VALUES (3, 'a@example.com')"));
      assertThat(countPeople(c)).as("a failed statement changes nothing").isEqualTo(2);
    }
  }

  @Test
  void sqlErrorsOverTheExtendedProtocolLeaveTheConnectionUsable() throws Exception {
    try (Connection c = server.connect()) {
      try (PreparedStatement q = c.prepareStatement("SELECT id FROM people WHERE id = ? AND")) {
        q.setInt(1, 1);
        assertSqlState("42601", q::executeQuery);
      }
      assertThat(countPeople(c)).isEqualTo(2);
      try (PreparedStatement q = c.prepareStatement("SELECT id FROM missing WHERE id = ?")) {
        q.setInt(1, 1);
        assertSqlState("42P01", q::executeQuery);
      }
      assertThat(countPeople(c)).isEqualTo(2);
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO people VALUES (?, ?)")) {
        ins.setInt(1, 2);
        ins.setString(2, "new@example.com");
        assertSqlState("23505", ins::executeUpdate);
        ins.setInt(1, 3);
        ins.setString(2, "c@example.com");
        assertThat(ins.executeUpdate()).isEqualTo(1);
      }
      try (Statement st = c.createStatement()) {
        st.executeUpdate("DELETE FROM people WHERE id = 3");
      }
      assertThat(countPeople(c)).isEqualTo(2);
    }
  }

  /** As in PostgreSQL: an error inside a transaction block aborts it (25P02) until ROLLBACK. */
  @Test
  void anErrorInsideATransactionAbortsItUntilRollback() throws Exception {
    try (Connection c = server.connect(); Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      st.executeUpdate("INSERT INTO people VALUES (10, 'tx@example.com')");
      assertSqlState("23505", () -> st.executeUpdate("INSERT INTO people VALUES (1, 'dup@example.com')"));
      assertSqlState("25P02", () -> st.executeQuery("SELECT 1"));
      c.rollback();
      c.setAutoCommit(true);
      assertThat(countPeople(c)).isEqualTo(2);
    }
  }

  // ---- malformed protocol messages ----

  private static byte[] message(char type, int declaredLength, byte[] body) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.write(type);
    d.writeInt(declaredLength);
    d.write(body);
    return b.toByteArray();
  }

  private static byte[] cstring(String s) {
    return (s + "\0").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Sends {@code bytes} on a fresh, working raw connection (optionally half-closing it) and checks the
   * server answers with exactly one FATAL 08P01 and closes it, while {@code other} is unaffected.
   */
  private static void assertFatalAndOthersUnaffected(String what, byte[] bytes, boolean halfClose, Connection other)
      throws Exception {
    try (RawPg raw = RawPg.connect(server.pgPort())) {
      raw.query("SELECT count(*) FROM people");
      assertThat(RawPg.firstValue(raw.readUntilReady())).as("raw client works before: %s", what).isEqualTo("2");
      raw.raw(bytes);
      if (halfClose) {
        raw.shutdownOutput();
      }
      List<RawPg.Msg> reply = raw.readUntilClosed();
      assertThat(RawPg.types(reply)).as("%s: one ErrorResponse, then the connection is closed", what).isEqualTo("E");
      Map<Character, String> err = reply.get(0).fields();
      assertThat(err.get('S')).as(what).isEqualTo("FATAL");
      assertThat(err.get('C')).as("%s: %s", what, err.get('M')).isEqualTo("08P01");
    }
    assertThat(countPeople(other)).as("the other client after: %s", what).isEqualTo(2);
    try (RawPg fresh = RawPg.connect(server.pgPort())) {
      fresh.query("SELECT 41 + 1");
      assertThat(RawPg.firstValue(fresh.readUntilReady())).as("a new client after: %s", what).isEqualTo("42");
    }
  }

  @Test
  void malformedMessagesCloseOnlyTheirOwnConnection() throws Exception {
    try (Connection other = server.connect(); Connection inTx = server.connect()) {
      // Another client in the middle of a transaction while the broken ones come and go.
      inTx.setAutoCommit(false);
      try (Statement st = inTx.createStatement()) {
        st.executeUpdate("INSERT INTO people VALUES (100, 'pending@example.com')");
      }

      assertFatalAndOthersUnaffected("unknown message type 'y'",
          message('y', 4, new byte[0]), false, other);
      assertFatalAndOthersUnaffected("length below 4",
          message('Q', 3, new byte[0]), false, other);
      assertFatalAndOthersUnaffected("length beyond the maximum message size",
          message('Q', Integer.MAX_VALUE, cstring("SELECT 1")), false, other);
      assertFatalAndOthersUnaffected("Sync with trailing bytes (length too long for its type)",
          message('S', 8, new byte[] {1, 2, 3, 4}), false, other);
      assertFatalAndOthersUnaffected("Query whose length cuts its string before the NUL",
          message('Q', 4 + 5, "SELECT 1\0".getBytes(StandardCharsets.UTF_8)), false, other);
      assertFatalAndOthersUnaffected("Bind whose body ends inside its fields",
          message('B', 4 + 3, new byte[] {0, 0, 0}), false, other);
      // two parameter types announced, two bytes of one sent: the length matches what is sent
      byte[] parse = concat(cstring(""), cstring("SELECT 1"), new byte[] {0, 2, 0, 0});
      assertFatalAndOthersUnaffected("Parse whose body ends inside its parameter types",
          message('P', 4 + parse.length, parse), false, other);
      assertFatalAndOthersUnaffected("message truncated by the client closing its side",
          message('Q', 4 + 100, cstring("SELECT 1")), true, other);

      // The transaction that was open the whole time still commits.
      inTx.commit();
      assertThat(countPeople(other)).isEqualTo(3);
      try (Statement st = other.createStatement()) {
        st.executeUpdate("DELETE FROM people WHERE id = 100");
      }
    }
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }
}
