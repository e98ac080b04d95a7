package io.driftdb.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataOutputStream;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CancelRequest: pgJDBC's Statement.cancel and a raw request with a wrong key. */
class CancelTest {

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
  void statementCancelInterruptsALongQuery() throws Exception {
    try (Connection c = TestServers.connect(server, ""); Statement s = c.createStatement()) {
      CompletableFuture<Void> canceller = CompletableFuture.runAsync(() -> {
        try {
          Thread.sleep(300);
          s.cancel();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      long start = System.nanoTime();
      assertThatThrownBy(() -> s.executeQuery("select pg_sleep(30)"))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("57014"));
      assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(10);
      canceller.get(5, TimeUnit.SECONDS);
      try (ResultSet rs = s.executeQuery("select 1")) {
        assertThat(rs.next()).isTrue();
      }
    }
  }

  @Test
  void cancelWithAWrongSecretIsIgnored() throws Exception {
    try (RawPgClient client = new RawPgClient(server.port())) {
      client.startup(java.util.Map.of("user", "u", "database", "d"));
      int pid = 0;
      int secret = 0;
      for (RawPgClient.Msg m : client.readUntil('Z')) {
        if (m.type() == 'K') {
          pid = m.buffer().getInt();
          secret = m.buffer().getInt(4);
        }
      }
      client.query("select pg_sleep(1)");
      sendCancel(pid, secret + 1);
      var msgs = client.readUntil('Z');
      assertThat(RawPgClient.types(msgs)).as("the statement completed: the wrong key cancelled nothing").isEqualTo("TDCZ");

      client.query("select pg_sleep(20)");
      Thread.sleep(200);
      sendCancel(pid, secret);
      msgs = client.readUntil('Z');
      assertThat(msgs.get(msgs.size() - 2).field('C')).isEqualTo("57014");
    }
  }

  private static void sendCancel(int pid, int secret) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      out.writeInt(16);
      out.writeInt(80877102);
      out.writeInt(pid);
      out.writeInt(secret);
      out.flush();
      s.setSoTimeout(5000);
      assertThat(s.getInputStream().read()).as("server closes the cancel connection without a reply").isEqualTo(-1);
    }
  }
}
