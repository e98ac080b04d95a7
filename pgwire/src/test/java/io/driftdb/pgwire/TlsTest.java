package io.driftdb.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataOutputStream;
import java.io.File;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SSLRequest/GSSENCRequest negotiation, and real TLS sessions with pgJDBC and psql. */
class TlsTest {

  @TempDir
  Path dir;

  private final TestEngine engine = new TestEngine();

  private PgServer tlsServer() throws Exception {
    assumeTrue(new File("/usr/bin/openssl").canExecute(), "openssl is not installed");
    Process p = new ProcessBuilder("/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
        "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
        "-days", "2", "-subj", "/CN=localhost").redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(dir.resolve("key.pem"))).contains("BEGIN PRIVATE KEY");
    return new PgServer(TestServers.config().withTls(dir.resolve("cert.pem"), dir.resolve("key.pem")), engine).start();
  }

  @Test
  void pgJdbcOverTls() throws Exception {
    try (PgServer server = tlsServer();
         Connection c = TestServers.connect(server, "sslmode=require");
         ResultSet rs = c.createStatement().executeQuery("select * from typed")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString("t")).isEqualTo("héllo, wörld \"q\" \\ end");
    }
  }

  @Test
  void psqlOverTls() throws Exception {
    assumeTrue(Psql.available(), "psql is not installed");
    try (PgServer server = tlsServer()) {
      Psql.Result r = Psql.run(server.port(), "u", Map.of("PGSSLMODE", "require"), null, "-c", "select 1");
      assertThat(r.stderr()).isEmpty();
      assertThat(r.stdout()).isEqualTo("1\n");
    }
  }

  @Test
  void sslRequestIsAnsweredSWhenConfigured() throws Exception {
    try (PgServer server = tlsServer(); Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(5000);
      sslRequest(s);
      assertThat(s.getInputStream().read()).isEqualTo('S');
    }
  }

  @Test
  void withoutTlsSslAndGssRequestsAreDeclinedAndStartupContinues() throws Exception {
    try (PgServer server = TestServers.trust(engine); RawPgClient c = new RawPgClient(server.port())) {
      c.raw(new byte[] {0, 0, 0, 8, 0x04, (byte) 0xD2, 0x16, 0x30}); // GSSENCRequest 80877104
      assertThat(c.readByte()).isEqualTo('N');
      c.raw(new byte[] {0, 0, 0, 8, 0x04, (byte) 0xD2, 0x16, 0x2F}); // SSLRequest 80877103
      assertThat(c.readByte()).isEqualTo('N');
      c.startup(Map.of("user", "u", "database", "d"));
      List<RawPgClient.Msg> msgs = c.readUntil('Z');
      assertThat(msgs.get(0).type()).isEqualTo('R');
      assertThatThrownBy(() -> TestServers.connect(server, "sslmode=require").close()).isInstanceOf(SQLException.class);
    }
  }

  private static void sslRequest(Socket s) throws Exception {
    DataOutputStream out = new DataOutputStream(s.getOutputStream());
    out.writeInt(8);
    out.writeInt(80877103);
    out.flush();
  }
}
