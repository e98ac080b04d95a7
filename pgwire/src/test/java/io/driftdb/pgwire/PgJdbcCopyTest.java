package io.driftdb.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/** COPY FROM STDIN / TO STDOUT through pgJDBC's CopyManager. */
class PgJdbcCopyTest {

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

  private static CopyManager copy(Connection c) throws SQLException {
    return c.unwrap(PGConnection.class).getCopyAPI();
  }

  @Test
  void copyInTextFormatThenCopyOut() throws Exception {
    try (Connection c = TestServers.connect(server, "")) {
      long n = copy(c).copyIn("COPY items FROM STDIN", new StringReader("1\tone\n2\t\\N\n3\ttab\\there\n"));
      assertThat(n).isEqualTo(3);
      assertThat(engine.items).hasSize(3);
      assertThat(engine.items.get(1)[1]).isNull();
      assertThat(engine.items.get(2)[1]).isEqualTo("tab\there");

      StringWriter out = new StringWriter();
      assertThat(copy(c).copyOut("COPY items TO STDOUT", out)).isEqualTo(3);
      assertThat(out.toString()).isEqualTo("1\tone\n2\t\\N\n3\ttab\\there\n");
      // The connection is back in normal query mode.
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
        assertThat(rs.next()).isTrue();
      }
    }
  }

  @Test
  void copyInCsvWithHeaderAndColumnList() throws Exception {
    try (Connection c = TestServers.connect(server, "")) {
      String csv = "id,name\n10,\"a, b\"\n11,\n12,\"\"\n13,\"multi\nline\"\n";
      long n = copy(c).copyIn("COPY items (id, name) FROM STDIN WITH (FORMAT csv, HEADER true)", new StringReader(csv));
      assertThat(n).isEqualTo(4);
      assertThat(engine.lastCopyColumns.get("items")).containsExactly("id", "name");
      assertThat(engine.items.get(0)[1]).isEqualTo("a, b");
      assertThat(engine.items.get(1)[1]).isNull();
      assertThat(engine.items.get(2)[1]).isEqualTo("");
      assertThat(engine.items.get(3)[1]).isEqualTo("multi\nline");

      StringWriter out = new StringWriter();
      copy(c).copyOut("COPY (select * from items) TO STDOUT WITH CSV HEADER", out);
      assertThat(out.toString()).isEqualTo("id,name\n10,\"a, b\"\n11,\n12,\"\"\n13,\"multi\nline\"\n");
    }
  }

  @Test
  void copyInLargeStreamInManyChunks() throws Exception {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      data.append(i).append('\t').append("name-").append(i).append(" ünïcode\n");
    }
    try (Connection c = TestServers.connect(server, "")) {
      byte[] bytes = data.toString().getBytes(StandardCharsets.UTF_8);
      CopyIn in = copy(c).copyIn("COPY items FROM STDIN");
      // Odd chunk sizes split rows and multi-byte characters across CopyData messages.
      for (int off = 0; off < bytes.length; off += 777) {
        in.writeToCopy(bytes, off, Math.min(777, bytes.length - off));
      }
      assertThat(in.endCopy()).isEqualTo(20_000);
      assertThat(engine.items.get(19_999)[1]).isEqualTo("name-19999 ünïcode");
    }
  }

  @Test
  void copyErrorsKeepTheConnectionUsable() throws Exception {
    try (Connection c = TestServers.connect(server, "")) {
      assertThatThrownBy(() -> copy(c).copyIn("COPY nosuch FROM STDIN", new StringReader("1\tx\n")))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42P01"));
      assertThatThrownBy(() -> copy(c).copyIn("COPY items FROM STDIN", new StringReader("x\ty\n")))
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22P02"));
      assertThatThrownBy(() -> copy(c).copyIn("COPY items FROM STDIN", new StringReader("1\ty\tz\n")))
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22P04"));
      assertThatThrownBy(() -> copy(c).copyIn("COPY items FROM '/etc/passwd'", new StringReader("")))
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"));
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
        assertThat(rs.next()).isTrue();
      }
      assertThat(engine.items).isEmpty();
    }
  }

  @Test
  void cancelCopySendsCopyFail() throws Exception {
    try (Connection c = TestServers.connect(server, "")) {
      CopyIn in = copy(c).copyIn("COPY items FROM STDIN");
      in.writeToCopy("1\tx\n".getBytes(StandardCharsets.UTF_8), 0, 4);
      in.cancelCopy();
      assertThat(engine.items).isEmpty();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
        assertThat(rs.next()).isTrue();
      }
    }
  }

  @Test
  void copyOutOfAnEmptyTable() throws Exception {
    try (Connection c = TestServers.connect(server, "")) {
      StringWriter out = new StringWriter();
      assertThat(copy(c).copyOut("COPY items (id, name) TO STDOUT", out)).isZero();
      assertThat(out.toString()).isEmpty();
    }
  }
}
