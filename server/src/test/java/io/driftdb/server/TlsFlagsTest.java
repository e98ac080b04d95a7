package io.driftdb.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --tls-cert / --tls-key reach pgwire: pgJDBC with sslmode=require gets an encrypted session. */
class TlsFlagsTest {

  @TempDir
  Path tmp;

  @Test
  void tlsFlagsEnableEncryptedConnections() throws Exception {
    assumeTrue(new File("/usr/bin/openssl").canExecute(), "openssl is not installed");
    Path cert = tmp.resolve("cert.pem");
    Path key = tmp.resolve("key.pem");
    Process p = new ProcessBuilder("/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
        "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost")
        .redirectErrorStream(true).start();
    p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();

    List<String> args = QuickReferenceTest.serverArgs("--data-path", tmp.resolve("db").toString(),
        "--tls-cert", cert.toString(), "--tls-key", key.toString());
    try (ServerProcess server = ServerProcess.start(args, Map.of())) {
      Properties props = new Properties();
      props.setProperty("user", "driftdb");
      props.setProperty("sslmode", "require"); // encrypt, do not verify the self-signed certificate
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.pgPort() + "/driftdb",
          props); ResultSet rs = c.createStatement().executeQuery("SELECT 41 + 1")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(42);
      }
      assertThat(server.log()).contains("TLS on");
    }
  }
}
