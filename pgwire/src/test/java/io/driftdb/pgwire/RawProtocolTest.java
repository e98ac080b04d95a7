package io.driftdb.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdb.sql.PgType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Exact message sequences of the simple and extended protocols, checked byte for byte where it matters. */
class RawProtocolTest {

  private static final short[] TEXT = {};
  private static final short[] BINARY = {1};
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

  private static byte[] hex(String h) {
    return HexFormat.of().parseHex(h);
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  @Test
  void startupAnnouncesTheSession() throws Exception {
    try (RawPgClient c = new RawPgClient(server.port())) {
      c.startup(Map.of("user", "raw", "database", "db", "application_name", "rawtest", "TimeZone", "Europe/Paris"));
      List<RawPgClient.Msg> msgs = c.readUntil('Z');
      assertThat(msgs.get(0).type()).isEqualTo('R');
      assertThat(msgs.get(0).buffer().getInt()).isZero();
      Map<String, String> status = new java.util.HashMap<>();
      for (RawPgClient.Msg m : msgs) {
        if (m.type() == 'S') {
          String[] kv = new String(m.body(), StandardCharsets.UTF_8).split("\0");
          status.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
      }
      assertThat(status).containsEntry("server_version", "16.4 (DriftDB 0.1.0)")
          .containsEntry("client_encoding", "UTF8").containsEntry("server_encoding", "UTF8")
          .containsEntry("DateStyle", "ISO, MDY").containsEntry("integer_datetimes", "on")
          .containsEntry("standard_conforming_strings", "on").containsEntry("TimeZone", "Europe/Paris")
          .containsEntry("IntervalStyle", "postgres").containsEntry("application_name", "rawtest")
          .containsEntry("is_superuser", "on").containsEntry("session_authorization", "raw")
          .containsEntry("default_transaction_read_only", "off").containsEntry("in_hot_standby", "off");
      assertThat(RawPgClient.types(msgs)).endsWith("KZ");
      assertThat(msgs.get(msgs.size() - 1).text()).isEqualTo("I");
    }
  }

  @Test
  void newerMinorProtocolAndUnknownOptionsAreNegotiatedDown() throws Exception {
    try (RawPgClient c = new RawPgClient(server.port())) {
      java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
      java.io.DataOutputStream d = new java.io.DataOutputStream(body);
      d.writeInt((3 << 16) | 2);
      for (String s : List.of("user", "u", "_pq_.future", "x")) {
        d.write(RawPgClient.cstring(s));
      }
      d.writeByte(0);
      c.raw(ByteBuffer.allocate(4 + body.size()).putInt(4 + body.size()).put(body.toByteArray()).array());
      List<RawPgClient.Msg> msgs = c.readUntil('Z');
      RawPgClient.Msg v = msgs.get(0);
      assertThat(v.type()).isEqualTo('v');
      assertThat(v.buffer().getInt(0)).isEqualTo(3 << 16);
      assertThat(v.buffer().getInt(4)).isEqualTo(1);
      assertThat(new String(v.body(), 8, v.body().length - 9, StandardCharsets.UTF_8)).isEqualTo("_pq_.future");
    }
  }

  @Test
  void simpleQueryWithSeveralStatementsAndAnErrorInTheMiddle() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.query("select 1; select generate_series(1,2)");
      List<RawPgClient.Msg> msgs = c.readUntil('Z');
      assertThat(RawPgClient.types(msgs)).isEqualTo("TDCTDDCZ");
      assertThat(msgs.get(2).text()).isEqualTo("SELECT 1");
      assertThat(msgs.get(6).text()).isEqualTo("SELECT 2");

      c.query("select 1; selec oops; select 1");
      msgs = c.readUntil('Z');
      assertThat(RawPgClient.types(msgs)).isEqualTo("TDCEZ");
      RawPgClient.Msg error = msgs.get(3);
      assertThat(error.field('S')).isEqualTo("ERROR");
      assertThat(error.field('V')).isEqualTo("ERROR");
      assertThat(error.field('C')).isEqualTo("42601");

      c.query("  -- nothing\n ; ");
      assertThat(RawPgClient.types(c.readUntil('Z'))).isEqualTo("IZ");
    }
  }

  @Test
  void rowDescriptionCarriesOidsAndSizes() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.query("select * from typed");
      List<RawPgClient.Msg> msgs = c.readUntil('Z');
      ByteBuffer b = msgs.get(0).buffer();
      int n = b.getShort();
      assertThat(n).isEqualTo(TestEngine.TYPED_COLUMNS.size());
      for (int i = 0; i < n; i++) {
        StringBuilder name = new StringBuilder();
        byte ch;
        while ((ch = b.get()) != 0) {
          name.append((char) ch);
        }
        b.getInt();
        b.getShort();
        int oid = b.getInt();
        short size = b.getShort();
        b.getInt();
        short format = b.getShort();
        PgType expected = TestEngine.TYPED_COLUMNS.get(i).type();
        assertThat(name.toString()).isEqualTo(TestEngine.TYPED_COLUMNS.get(i).name());
        assertThat(oid).isEqualTo(expected.oid());
        assertThat(size).isEqualTo((short) expected.size());
        assertThat(format).isZero();
      }
    }
  }

  @Test
  void transactionStatusInReadyForQuery() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.query("begin");
      assertThat(last(c.readUntil('Z')).text()).isEqualTo("T");
      c.query("selec");
      assertThat(last(c.readUntil('Z')).text()).isEqualTo("E");
      c.query("rollback");
      assertThat(last(c.readUntil('Z')).text()).isEqualTo("I");
    }
  }

  @Test
  void changedSettingsAreReportedAsParameterStatus() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.query("SET application_name = 'renamed'");
      List<RawPgClient.Msg> msgs = c.readUntil('Z');
      assertThat(RawPgClient.types(msgs)).isEqualTo("CSZ");
      assertThat(new String(msgs.get(1).body(), StandardCharsets.UTF_8)).isEqualTo("application_name\0renamed\0");
    }
  }

  @Test
  void executeWithMaxRowsSuspendsThePortal() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.parse("", "select generate_series(1, 5)");
      c.bind("", "", TEXT, List.of(), TEXT);
      c.describe('P', "");
      c.execute("", 2);
      c.execute("", 2);
      c.execute("", 2);
      c.sync();
      List<RawPgClient.Msg> msgs = c.readUntil('Z');
      assertThat(RawPgClient.types(msgs)).isEqualTo("12TDDsDDsDCZ");
      assertThat(RawPgClient.row(msgs.get(9))).containsExactly("5");
      assertThat(msgs.get(10).text()).isEqualTo("SELECT 1");
      // Outside a transaction block the portal ended with the Sync.
      c.execute("", 1);
      c.sync();
      msgs = c.readUntil('Z');
      assertThat(msgs.get(0).field('C')).isEqualTo("34000");
    }
  }

  @Test
  void namedPortalSurvivesSyncInsideATransaction() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.query("begin");
      c.readUntil('Z');
      c.parse("s", "select generate_series(1, 3)");
      c.bind("cur", "s", TEXT, List.of(), TEXT);
      c.execute("cur", 1);
      c.sync();
      assertThat(RawPgClient.types(c.readUntil('Z'))).isEqualTo("12DsZ");
      c.execute("cur", 0);
      c.sync();
      List<RawPgClient.Msg> msgs = c.readUntil('Z');
      assertThat(RawPgClient.types(msgs)).isEqualTo("DDCZ");
      assertThat(msgs.get(2).text()).isEqualTo("SELECT 2");
    }
  }

  @Test
  void describeStatementReportsParameterAndResultTypes() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.parse("s1", "select $1, $2", PgType.INT4.oid(), 0);
      c.describe('S', "s1");
      c.describe('S', "nosuch");
      c.sync();
      List<RawPgClient.Msg> msgs = c.readUntil('Z');
      assertThat(RawPgClient.types(msgs)).isEqualTo("1tTEZ");
      ByteBuffer t = msgs.get(1).buffer();
      assertThat(t.getShort()).isEqualTo((short) 2);
      assertThat(t.getInt()).isEqualTo(23);
      assertThat(t.getInt()).as("unspecified parameters are described as text").isEqualTo(25);
      assertThat(msgs.get(3).field('C')).isEqualTo("26000");

      c.parse("", "begin");
      c.describe('S', "");
      c.sync();
      assertThat(RawPgClient.types(c.readUntil('Z'))).isEqualTo("1tnZ");
    }
  }

  @Test
  void binaryParametersAreDecodedAndBinaryResultsEncoded() throws Exception {
    // {type, binary wire bytes, text form}
    Object[][] cases = {
        {PgType.BOOL, "01", "t"},
        {PgType.INT2, "fffe", "-2"},
        {PgType.INT4, "0000002a", "42"},
        {PgType.INT8, "0000000218711a00", "9000000000"},
        {PgType.FLOAT4, "3fc00000", "1.5"},
        {PgType.FLOAT8, "400921fb54442d18", "3.141592653589793"},
        {PgType.NUMERIC, "0003000100000003" + "000109291a7c", "12345.678"},
        {PgType.TEXT, hex("héllo".getBytes(StandardCharsets.UTF_8)), "héllo"},
        {PgType.BYTEA, "00ff", "\\x00ff"},
        {PgType.DATE, "ffffffff", "1999-12-31"},
        {PgType.TIMESTAMP, "00000000000f4240", "2000-01-01 00:00:01"},
        {PgType.TIMESTAMPTZ, "0000000000000000", "2000-01-01 00:00:00+00"},
        {PgType.UUID, "a0eebc999c0b4ef8bb6d6bb9bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
        {PgType.JSONB, "01" + hex("{\"a\":1}".getBytes(StandardCharsets.UTF_8)), "{\"a\":1}"},
        {PgType.OID, "ee6b2800", "4000000000"},
        {PgType.INT4_ARRAY, "00000001" + "00000001" + "00000017" + "00000002" + "00000001"
            + "00000004" + "00000007" + "ffffffff", "{7,NULL}"},
        {PgType.TEXT_ARRAY, "00000001" + "00000000" + "00000019" + "00000001" + "00000001"
            + "00000003" + "612062", "{\"a b\"}"},
    };
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      for (Object[] tc : cases) {
        PgType type = (PgType) tc[0];
        byte[] wire = hex((String) tc[1]);
        // Binary in, text out.
        c.parse("", "select $1", type.oid());
        c.bind("", "", BINARY, List.of(wire), TEXT);
        c.execute("", 0);
        // Text in, binary out.
        c.bind("", "", TEXT, List.of(((String) tc[2]).getBytes(StandardCharsets.UTF_8)), BINARY);
        c.execute("", 0);
        c.sync();
        List<RawPgClient.Msg> msgs = c.readUntil('Z');
        assertThat(RawPgClient.types(msgs)).as(type.name() + " " + msgs).isEqualTo("12DC2DCZ");
        assertThat(RawPgClient.row(msgs.get(2))).as(type.name()).containsExactly((String) tc[2]);
        assertThat(hex(RawPgClient.rawRow(msgs.get(5)).get(0))).as(type.name()).isEqualTo(tc[1]);
      }
    }
  }

  @Test
  void badParameterValuesAreUserErrors() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.parse("", "select $1", PgType.INT4.oid());
      c.bind("", "", TEXT, List.of("12x".getBytes(StandardCharsets.UTF_8)), TEXT);
      c.sync();
      List<RawPgClient.Msg> msgs = c.readUntil('Z');
      assertThat(RawPgClient.types(msgs)).isEqualTo("1EZ");
      assertThat(msgs.get(1).field('C')).isEqualTo("22P02");
      assertThat(msgs.get(1).field('M')).isEqualTo("invalid input syntax for type integer: \"12x\"");

      c.parse("", "select $1", PgType.INT4.oid());
      c.bind("", "", BINARY, List.of(new byte[] {1, 2}), TEXT);
      c.sync();
      msgs = c.readUntil('Z');
      assertThat(msgs.get(1).field('C')).isEqualTo("22P03");

      c.parse("", "select $1", PgType.INT4.oid());
      c.bind("", "", TEXT, List.of(), TEXT);
      c.sync();
      msgs = c.readUntil('Z');
      assertThat(msgs.get(1).field('C')).isEqualTo("08P01");
      assertThat(msgs.get(1).field('S')).as("a bad Bind is not fatal").isEqualTo("ERROR");

      c.parse("", "select $1", PgType.INT4.oid());
      c.bind("", "", new short[] {2}, List.of(new byte[] {1}), TEXT);
      c.sync();
      msgs = c.readUntil('Z');
      assertThat(msgs.get(1).field('M')).isEqualTo("unsupported format code: 2");
    }
  }

  @Test
  void afterAnErrorEverythingUntilSyncIsSkipped() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      int executions = engine.executions.get();
      c.parse("", "selec 1");
      c.bind("", "", TEXT, List.of(), TEXT);
      c.execute("", 0);
      c.query("select 1");
      c.parse("", "select 1");
      c.bind("", "", TEXT, List.of(), TEXT);
      c.execute("", 0);
      c.sync();
      List<RawPgClient.Msg> msgs = c.readUntil('Z');
      assertThat(RawPgClient.types(msgs)).isEqualTo("EZ");
      assertThat(engine.executions.get()).isEqualTo(executions);
      c.parse("", "select 1");
      c.bind("", "", TEXT, List.of(), TEXT);
      c.execute("", 0);
      c.sync();
      assertThat(RawPgClient.types(c.readUntil('Z'))).isEqualTo("12DCZ");
    }
  }

  @Test
  void namedAndUnnamedStatementLifetimes() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.parse("keep", "select 1");
      c.parse("keep", "select 1");
      c.sync();
      List<RawPgClient.Msg> msgs = c.readUntil('Z');
      assertThat(RawPgClient.types(msgs)).isEqualTo("1EZ");
      assertThat(msgs.get(1).field('C')).isEqualTo("42P05");

      c.parse("", "select 1");
      c.parse("", "select generate_series(1, 2)");
      c.bind("", "", TEXT, List.of(), TEXT);
      c.execute("", 0);
      c.bind("p", "keep", TEXT, List.of(), TEXT);
      c.execute("p", 0);
      c.close('S', "keep");
      c.close('P', "p");
      c.close('S', "never-existed");
      c.bind("", "keep", TEXT, List.of(), TEXT);
      c.sync();
      msgs = c.readUntil('Z');
      assertThat(RawPgClient.types(msgs)).isEqualTo("112DDC2DC333EZ");
      assertThat(msgs.get(12).field('C')).isEqualTo("26000");

      // A simple Query drops the unnamed statement.
      c.parse("", "select 1");
      c.sync();
      c.readUntil('Z');
      c.query("select 1");
      c.readUntil('Z');
      c.bind("", "", TEXT, List.of(), TEXT);
      c.sync();
      assertThat(c.readUntil('Z').get(0).field('C')).isEqualTo("26000");
    }
  }

  @Test
  void emptyQueryAndMultipleCommandsInExtendedProtocol() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.parse("", "  ");
      c.bind("", "", TEXT, List.of(), TEXT);
      c.describe('P', "");
      c.execute("", 0);
      c.sync();
      assertThat(RawPgClient.types(c.readUntil('Z'))).isEqualTo("12nIZ");
      c.parse("", "select 1; select 1");
      c.sync();
      List<RawPgClient.Msg> msgs = c.readUntil('Z');
      assertThat(msgs.get(0).field('M')).isEqualTo("cannot insert multiple commands into a prepared statement");
    }
  }

  @Test
  void flushSendsPendingOutputWithoutSync() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.parse("", "select 1");
      c.flush();
      assertThat(c.read().type()).isEqualTo('1');
      c.describe('S', "");
      c.flush();
      assertThat(c.read().type()).isEqualTo('t');
      assertThat(c.read().type()).isEqualTo('T');
      c.sync();
      assertThat(c.read().type()).isEqualTo('Z');
    }
  }

  @Test
  void resultFormatsMustMatchTheColumns() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.parse("", "select 1");
      c.bind("", "", TEXT, List.of(), new short[] {0, 1});
      c.sync();
      List<RawPgClient.Msg> msgs = c.readUntil('Z');
      assertThat(msgs.get(1).field('C')).isEqualTo("08P01");
    }
  }

  @Test
  void copyFromStdinInsideAMultiStatementQuery() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.query("copy items from stdin; select * from items");
      RawPgClient.Msg g = c.read();
      assertThat(g.type()).isEqualTo('G');
      assertThat(g.buffer().getShort(1)).as("column count learnt from the table").isEqualTo((short) 2);
      c.copyData("1\ta\n2\t");
      c.flush(); // ignored during COPY
      c.copyData("b\n");
      c.copyDone();
      List<RawPgClient.Msg> msgs = c.readUntil('Z');
      assertThat(RawPgClient.types(msgs)).isEqualTo("CTDDCZ");
      assertThat(msgs.get(0).text()).isEqualTo("COPY 2");
      assertThat(RawPgClient.row(msgs.get(3))).containsExactly("2", "b");
    }
  }

  @Test
  void copyFailAndUnexpectedMessagesAbortTheCopy() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.query("copy items from stdin; select 1");
      assertThat(c.read().type()).isEqualTo('G');
      c.copyData("1\ta\n");
      c.copyFail("client gave up");
      List<RawPgClient.Msg> msgs = c.readUntil('Z');
      assertThat(RawPgClient.types(msgs)).as("remaining statements are skipped").isEqualTo("EZ");
      assertThat(msgs.get(0).field('C')).isEqualTo("57014");
      assertThat(msgs.get(0).field('M')).isEqualTo("COPY from stdin failed: client gave up");

      c.query("copy items from stdin");
      assertThat(c.read().type()).isEqualTo('G');
      c.query("select 1");
      msgs = c.readUntil('Z');
      assertThat(RawPgClient.types(msgs)).isEqualTo("EZ");
      assertThat(msgs.get(0).field('C')).isEqualTo("08P01");
      assertThat(msgs.get(0).field('S')).isEqualTo("ERROR");
      assertThat(engine.items).isEmpty();

      c.query("copy items to stdout");
      msgs = c.readUntil('Z');
      assertThat(RawPgClient.types(msgs)).isEqualTo("HcCZ");
      assertThat(msgs.get(2).text()).isEqualTo("COPY 0");
    }
  }

  @Test
  void invalidUtf8IsA22021UserError() throws Exception {
    byte[] bad = {'s', 'e', 'l', 'e', 'c', 't', ' ', '\'', (byte) 0xC3, 0x28, '\'', 0};
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.send('Q', bad);
      List<RawPgClient.Msg> msgs = c.readUntil('Z');
      assertThat(RawPgClient.types(msgs)).isEqualTo("EZ");
      assertThat(msgs.get(0).field('C')).isEqualTo("22021");
      assertThat(msgs.get(0).field('S')).isEqualTo("ERROR");

      java.io.ByteArrayOutputStream parse = new java.io.ByteArrayOutputStream();
      parse.write(0);
      parse.write(bad);
      parse.write(new byte[] {0, 0});
      c.send('P', parse.toByteArray());
      c.bind("", "", TEXT, List.of(), TEXT);
      c.execute("", 0);
      c.sync();
      msgs = c.readUntil('Z');
      assertThat(RawPgClient.types(msgs)).isEqualTo("EZ");
      assertThat(msgs.get(0).field('C')).isEqualTo("22021");

      c.parse("", "select $1", PgType.TEXT.oid());
      c.bind("", "", TEXT, List.of(new byte[] {(byte) 0xFF}), TEXT);
      c.sync();
      msgs = c.readUntil('Z');
      assertThat(RawPgClient.types(msgs)).isEqualTo("1EZ");
      assertThat(msgs.get(1).field('C')).isEqualTo("22021");

      c.query("select 1");
      assertThat(RawPgClient.types(c.readUntil('Z'))).isEqualTo("TDCZ");
    }
  }

  @Test
  void copyInThroughParseIsRefused() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.parse("", "copy items from stdin");
      c.sync();
      assertThat(c.readUntil('Z').get(0).field('C')).isEqualTo("0A000");
    }
  }

  @Test
  void functionCallIsRefusedWithoutClosing() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.send('F', new byte[] {0, 0, 0, 1, 0, 0, 0, 0, 0, 0});
      List<RawPgClient.Msg> msgs = c.readUntil('Z');
      assertThat(msgs.get(0).field('C')).isEqualTo("0A000");
      c.query("select 1");
      assertThat(RawPgClient.types(c.readUntil('Z'))).isEqualTo("TDCZ");
    }
  }

  @Test
  void terminateClosesTheSession() throws Exception {
    int closed = engine.sessionsClosed.get();
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.terminate();
      assertThat(c.readUntilClosed()).isEmpty();
    }
    long deadline = System.currentTimeMillis() + 5000;
    while (engine.sessionsClosed.get() == closed && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertThat(engine.sessionsClosed.get()).isGreaterThan(closed);
  }

  @Test
  void pipelinedMessagesAreAnsweredInOrder() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      // pgJDBC style: BEGIN as a simple query pipelined before an extended sequence.
      c.query("BEGIN");
      for (int i = 0; i < 50; i++) {
        c.parse("", "select $1", PgType.INT4.oid());
        c.bind("", "", TEXT, List.of(String.valueOf(i).getBytes(StandardCharsets.US_ASCII)), TEXT);
        c.execute("", 0);
      }
      c.sync();
      c.query("COMMIT");
      List<RawPgClient.Msg> msgs = c.readUntil('Z');
      assertThat(last(msgs).text()).isEqualTo("T");
      msgs = c.readUntil('Z');
      int expected = 0;
      for (RawPgClient.Msg m : msgs) {
        if (m.type() == 'D') {
          assertThat(RawPgClient.row(m)).containsExactly(String.valueOf(expected++));
        }
      }
      assertThat(expected).isEqualTo(50);
      assertThat(last(msgs).text()).isEqualTo("T");
      msgs = c.readUntil('Z');
      assertThat(msgs.get(0).text()).isEqualTo("COMMIT");
      assertThat(last(msgs).text()).isEqualTo("I");
    }
  }

  @Test
  void unexpectedEngineExceptionsBecomeXX000AndTheConnectionStays() throws Exception {
    try (RawPgClient c = RawPgClient.connect(server.port())) {
      c.parse("", "select boom()");
      c.bind("", "", TEXT, List.of(), TEXT);
      c.execute("", 0);
      c.sync();
      List<RawPgClient.Msg> msgs = c.readUntil('Z');
      assertThat(RawPgClient.types(msgs)).isEqualTo("12EZ");
      assertThat(msgs.get(2).field('C')).isEqualTo("XX000");
      assertThat(msgs.get(2).field('M')).isEqualTo("boom: engine bug");
      c.query("select 1");
      assertThat(RawPgClient.types(c.readUntil('Z'))).isEqualTo("TDCZ");
    }
  }

  private static RawPgClient.Msg last(List<RawPgClient.Msg> msgs) {
    return msgs.get(msgs.size() - 1);
  }
}
