package io.driftdb.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Broken byte streams: the offending connection gets one ErrorResponse (FATAL, 08P01 unless noted)
 * and is closed; the server keeps serving everyone else.
 */
class MalformedMessagesTest {

  private static TestEngine engine;
  private static PgServer server;

  @BeforeAll
  static void start() {
    engine = new TestEngine();
    server = new PgServer(TestServers.config().withMaxMessageBytes(1 << 20), engine).start();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  /** After every case: a fresh connection still works. */
  @AfterEach
  void serverStillServes() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.query("select 1");
      assertThat(RawPgClient.types(c.readUntil('Z'))).isEqualTo("TDCZ");
    }
  }

  private static void assertFatal(List<RawPgClient.Msg> msgs, String sqlState) {
    assertThat(msgs).as("exactly one error before the close").hasSize(1);
    assertThat(msgs.get(0).type()).isEqualTo('E');
    assertThat(msgs.get(0).field('S')).isEqualTo("FATAL");
    assertThat(msgs.get(0).field('C')).isEqualTo(sqlState);
  }

  @Test
  void garbageBeforeStartup() throws Exception {
    try (RawPgClient c = new RawPgClient(server.port())) {
      c.raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertFatal(c.readUntilClosed(), "08P01");
    }
  }

  @Test
  void startupPacketTooShort() throws Exception {
    try (RawPgClient c = new RawPgClient(server.port())) {
      c.raw(new byte[] {0, 0, 0, 4});
      assertFatal(c.readUntilClosed(), "08P01");
    }
  }

  @Test
  void startupWithoutTerminatingZero() throws Exception {
    try (RawPgClient c = new RawPgClient(server.port())) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      DataOutputStream d = new DataOutputStream(b);
      byte[] user = "user\0bob".getBytes(StandardCharsets.US_ASCII); // value lacks its NUL
      d.writeInt(8 + user.length);
      d.writeInt(3 << 16);
      d.write(user);
      c.raw(b.toByteArray());
      assertFatal(c.readUntilClosed(), "08P01");
    }
  }

  @Test
  void unsupportedProtocolVersion() throws Exception {
    try (RawPgClient c = new RawPgClient(server.port())) {
      c.raw(new byte[] {0, 0, 0, 8, 0, 2, 0, 0});
      assertFatal(c.readUntilClosed(), "0A000");
    }
  }

  @Test
  void unknownMessageType() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.send('Z', new byte[0]);
      assertFatal(c.readUntilClosed(), "08P01");
    }
  }

  @Test
  void lengthBelowFour() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.raw(new byte[] {'Q', 0, 0, 0, 2});
      assertFatal(c.readUntilClosed(), "08P01");
    }
  }

  @Test
  void lengthAboveTheLimit() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.raw(new byte[] {'Q', 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 's', 'e', 'l'});
      List<RawPgClient.Msg> msgs = c.readUntilClosed();
      assertFatal(msgs, "08P01");
      assertThat(msgs.get(0).field('M')).contains("exceeds the limit");
    }
  }

  @Test
  void truncatedMessageThenEof() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.raw(new byte[] {'Q', 0, 0, 0, 100, 's', 'e', 'l', 'e', 'c', 't'});
      c.shutdownOutput();
      List<RawPgClient.Msg> msgs = c.readUntilClosed();
      assertFatal(msgs, "08P01");
      assertThat(msgs.get(0).field('M')).contains("unexpected EOF");
    }
  }

  @Test
  void queryWithoutItsStringTerminator() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.send('Q', "select 1".getBytes(StandardCharsets.US_ASCII));
      assertFatal(c.readUntilClosed(), "08P01");
    }
  }

  @Test
  void syncWithTrailingBytes() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.send('S', new byte[] {1, 2, 3, 4});
      assertFatal(c.readUntilClosed(), "08P01");
    }
  }

  @Test
  void bindClaimingMoreParametersThanItCarries() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.send('B', new byte[] {0, 0, 0, 0, 0, 5, 0, 0, 0, 4, 'a'});
      assertFatal(c.readUntilClosed(), "08P01");
    }
  }

  @Test
  void describeWithABadSubtype() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.send('D', new byte[] {'X', 0});
      assertFatal(c.readUntilClosed(), "08P01");
    }
  }

  @Test
  void messagesAfterTheBadOneAreNotExecuted() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      int executed = engine.executions.get();
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.write(new byte[] {'?', 0, 0, 0, 4});
      b.write('Q');
      byte[] q = RawPgClient.cstring("select 1");
      new DataOutputStream(b).writeInt(q.length + 4);
      b.write(q);
      c.raw(b.toByteArray());
      assertFatal(c.readUntilClosed(), "08P01");
      assertThat(engine.executions.get()).isEqualTo(executed);
    }
  }

  @Test
  void cancelRequestWithWrongLength() throws Exception {
    try (RawPgClient c = new RawPgClient(server.port())) {
      c.raw(new byte[] {0, 0, 0, 12, 0x04, (byte) 0xD2, 0x16, 0x2E, 0, 0, 0, 1});
      assertFatal(c.readUntilClosed(), "08P01");
    }
  }

  @Test
  void startupParametersAreValidated() throws Exception {
    assertStartupFails(Map.of("database", "d"), "28000");
    assertStartupFails(Map.of("user", "u", "TimeZone", "Mars/Olympus"), "22023");
    assertStartupFails(Map.of("user", "u", "client_encoding", "LATIN1"), "22023");
    assertStartupFails(Map.of("user", "u", "database", "nosuchdb"), "3D000");
    assertStartupFails(Map.of("user", "u", "DateStyle", "German, DMY"), "0A000");
    assertStartupFails(Map.of("user", "u", "options", "-c bogus=1"), "42704");
    assertStartupFails(Map.of("user", "u", "bogus", "1"), "42704");
    assertStartupFails(Map.of("user", "u", "options", "-B 100"), "0A000");
    assertStartupFails(Map.of("user", "u", "options", "-c bad;name=1"), "42704");
  }

  private static void assertStartupFails(Map<String, String> params, String sqlState) throws Exception {
    try (RawPgClient c = new RawPgClient(server.port())) {
      c.startup(params);
      List<RawPgClient.Msg> msgs = c.readUntilClosed();
      RawPgClient.Msg last = msgs.get(msgs.size() - 1);
      assertThat(last.type()).isEqualTo('E');
      assertThat(last.field('S')).isEqualTo("FATAL");
      assertThat(last.field('C')).isEqualTo(sqlState);
    }
  }
}
