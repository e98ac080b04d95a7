package io.driftdb.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every PgType through pgJDBC, as result columns and as parameters, in text and binary formats.
 * Modes: default (binary for the driver's binary types once prepared), forced binary
 * ({@code prepareThreshold=-1}, plus NUMERIC), all-text ({@code binaryTransfer=false}) and the
 * simple protocol.
 */
class PgJdbcTypesTest {

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

  @ParameterizedTest
  @ValueSource(strings = {"", "prepareThreshold=-1&binaryTransferEnable=NUMERIC",
      "binaryTransfer=false&prepareThreshold=0", "preferQueryMode=simple"})
  void resultColumnsOfEveryType(String mode) throws Exception {
    try (Connection c = TestServers.connect(server, mode); PreparedStatement ps = c.prepareStatement("select * from typed")) {
      // Run it several times so default mode reaches the named statement with binary results.
      for (int round = 0; round < 7; round++) {
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertTypedRow(rs);
          assertThat(rs.next()).isTrue();
          for (int i = 1; i <= TestEngine.TYPED_COLUMNS.size(); i++) {
            assertThat(rs.getObject(i)).as("null column " + i).isNull();
          }
          assertThat(rs.next()).isFalse();
        }
      }
    }
  }

  private static void assertTypedRow(ResultSet rs) throws Exception {
    assertThat(rs.getBoolean("b")).isTrue();
    assertThat(rs.getShort("i2")).isEqualTo((short) -12);
    assertThat(rs.getInt("i4")).isEqualTo(123456);
    assertThat(rs.getLong("i8")).isEqualTo(9_000_000_000L);
    assertThat(rs.getFloat("f4")).isEqualTo(1.5f);
    assertThat(rs.getDouble("f8")).isEqualTo(3.141592653589793);
    assertThat(rs.getBigDecimal("n")).isEqualTo(new BigDecimal("-12345.678900"));
    assertThat(rs.getString("t")).isEqualTo("héllo, wörld \"q\" \\ end");
    assertThat(rs.getString("vc")).isEqualTo("varchar");
    assertThat(rs.getString("bp")).isEqualTo("bp  ");
    assertThat(rs.getString("nm")).isEqualTo("name");
    assertThat(rs.getString("ch")).isEqualTo("c");
    assertThat(rs.getBytes("by")).containsExactly(0, 1, 2, 0xFF);
    assertThat(rs.getObject("d", LocalDate.class)).isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(rs.getObject("ts", LocalDateTime.class)).isEqualTo(LocalDateTime.of(2024, 2, 29, 13, 45, 30, 123_456_000));
    assertThat(rs.getObject("tstz", OffsetDateTime.class).toInstant())
        .isEqualTo(OffsetDateTime.of(2024, 2, 29, 13, 45, 30, 500_000_000, ZoneOffset.UTC).toInstant());
    assertThat(rs.getObject("u")).isEqualTo(UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
    assertThat(rs.getString("j")).isEqualTo("{\"a\": 1}");
    assertThat(rs.getString("jb")).isEqualTo("{\"b\": [1, 2]}");
    assertThat(rs.getLong("o")).isEqualTo(4_000_000_000L);
    assertThat((Object[]) rs.getArray("ta").getArray()).containsExactly("a", "b c", null, "", "NULL", "x\"y");
    assertThat((Object[]) rs.getArray("i4a").getArray()).containsExactly(1, 2, null, -3);
    assertThat(Arrays.stream((Object[]) rs.getArray("i2a").getArray()).map(o -> ((Number) o).intValue()))
        .containsExactly(7, -8);
    assertThat(Arrays.stream((Object[]) rs.getArray("oa").getArray()).map(o -> ((Number) o).longValue()))
        .containsExactly(1L, 4_000_000_000L);
    assertThat(rs.getString("unk")).isEqualTo("unk");
    assertThat(rs.getMetaData().getColumnTypeName(rs.findColumn("tstz"))).isEqualTo("timestamptz");
    // (Type names of non-core types such as jsonb make the driver query pg_catalog: engine territory.)
  }

  /** A parameter bound one way and read back another, through {@code select ?} (echoed by the engine). */
  private interface Binder {
    void bind(Connection c, PreparedStatement ps) throws Exception;
  }

  private interface Checker {
    void check(ResultSet rs) throws Exception;
  }

  private record Case(String name, Binder binder, Checker checker) {}

  private static List<Case> parameterCases() {
    OffsetDateTime tstz = OffsetDateTime.of(2024, 2, 29, 13, 45, 30, 123_456_000, ZoneOffset.ofHours(2));
    UUID uuid = UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    return List.of(
        new Case("bool", (c, ps) -> ps.setBoolean(1, true), rs -> assertThat(rs.getBoolean(1)).isTrue()),
        new Case("int2", (c, ps) -> ps.setShort(1, (short) -3), rs -> assertThat(rs.getShort(1)).isEqualTo((short) -3)),
        new Case("int4", (c, ps) -> ps.setInt(1, Integer.MIN_VALUE), rs -> assertThat(rs.getInt(1)).isEqualTo(Integer.MIN_VALUE)),
        new Case("int8", (c, ps) -> ps.setLong(1, Long.MAX_VALUE), rs -> assertThat(rs.getLong(1)).isEqualTo(Long.MAX_VALUE)),
        new Case("float4", (c, ps) -> ps.setFloat(1, 0.1f), rs -> assertThat(rs.getFloat(1)).isEqualTo(0.1f)),
        new Case("float8", (c, ps) -> ps.setDouble(1, 1e-300), rs -> assertThat(rs.getDouble(1)).isEqualTo(1e-300)),
        new Case("numeric", (c, ps) -> ps.setBigDecimal(1, new BigDecimal("-98765.43210")),
            rs -> assertThat(rs.getBigDecimal(1)).isEqualTo(new BigDecimal("-98765.43210"))),
        new Case("text", (c, ps) -> ps.setString(1, "tab\tquote' \"ünï\""),
            rs -> assertThat(rs.getString(1)).isEqualTo("tab\tquote' \"ünï\"")),
        new Case("bytea", (c, ps) -> ps.setBytes(1, new byte[] {0, 127, -128, -1}),
            rs -> assertThat(rs.getBytes(1)).containsExactly(0, 127, -128, -1)),
        new Case("date", (c, ps) -> ps.setObject(1, LocalDate.of(1999, 12, 31)),
            rs -> assertThat(rs.getObject(1, LocalDate.class)).isEqualTo(LocalDate.of(1999, 12, 31))),
        new Case("timestamp", (c, ps) -> ps.setObject(1, LocalDateTime.of(2001, 2, 3, 4, 5, 6, 7000)),
            rs -> assertThat(rs.getObject(1, LocalDateTime.class)).isEqualTo(LocalDateTime.of(2001, 2, 3, 4, 5, 6, 7000))),
        new Case("timestamptz", (c, ps) -> ps.setObject(1, tstz),
            rs -> assertThat(rs.getObject(1, OffsetDateTime.class).toInstant()).isEqualTo(tstz.toInstant())),
        new Case("uuid", (c, ps) -> ps.setObject(1, uuid), rs -> assertThat(rs.getObject(1)).isEqualTo(uuid)),
        // A PGobject of type json would make the driver look the type up in pg_catalog (engine territory).
        new Case("json as untyped", (c, ps) -> ps.setObject(1, "{\"k\": [1, 2]}", Types.OTHER),
            rs -> assertThat(rs.getString(1)).isEqualTo("{\"k\": [1, 2]}")),
        new Case("text[]", (c, ps) -> ps.setArray(1, c.createArrayOf("text", new Object[] {"a", null, "b,c", ""})),
            rs -> assertThat((Object[]) rs.getArray(1).getArray()).containsExactly("a", null, "b,c", "")),
        new Case("int4[]", (c, ps) -> ps.setArray(1, c.createArrayOf("int4", new Object[] {1, null, 3})),
            rs -> assertThat((Object[]) rs.getArray(1).getArray()).containsExactly(1, null, 3)),
        new Case("int4[] primitive", (c, ps) -> ps.setObject(1, new int[] {4, 5}),
            rs -> assertThat((Object[]) rs.getArray(1).getArray()).containsExactly(4, 5)),
        new Case("null", (c, ps) -> ps.setNull(1, Types.INTEGER), rs -> {
          assertThat(rs.getObject(1)).isNull();
          assertThat(rs.wasNull()).isTrue();
        }));
  }

  /** Not in simple mode: there the driver inlines literals into the SQL, which only a real engine can read. */
  @ParameterizedTest
  @ValueSource(strings = {"", "prepareThreshold=-1&binaryTransferEnable=NUMERIC",
      "binaryTransfer=false&prepareThreshold=0"})
  void parametersOfEveryTypeRoundTrip(String mode) throws Exception {
    try (Connection c = TestServers.connect(server, mode)) {
      for (Case tc : parameterCases()) {
        try (PreparedStatement ps = c.prepareStatement("select ?")) {
          for (int round = 0; round < 6; round++) {
            tc.binder().bind(c, ps);
            try (ResultSet rs = ps.executeQuery()) {
              assertThat(rs.next()).as(tc.name()).isTrue();
              try {
                tc.checker().check(rs);
              } catch (AssertionError | Exception e) {
                throw new AssertionError(tc.name() + " in mode '" + mode + "' round " + round + ": " + e, e);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void driverSwitchesToNamedStatementAndBinaryResultsOnTheWire() throws Exception {
    try (WireTap tap = new WireTap(server.port())) {
      Properties p = new Properties();
      p.setProperty("user", "tester");
      try (Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + tap.port() + "/db", p);
           PreparedStatement ps = c.prepareStatement("select ?, ?")) {
        for (int i = 0; i < 10; i++) {
          ps.setInt(1, i);
          ps.setString(2, "s");
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(i);
            assertThat(rs.getString(2)).isEqualTo("s");
          }
        }
      }
      List<WireTap.Sent> sent = tap.messages();
      List<WireTap.Sent> namedParses = sent.stream().filter(m -> m.type() == 'P' && !m.statementName().isEmpty()).toList();
      assertThat(namedParses).as("a named server-side statement was prepared").hasSize(1);
      String name = namedParses.get(0).statementName();
      List<WireTap.Sent> namedBinds = sent.stream().filter(m -> m.type() == 'B' && m.statementName().equals(name)).toList();
      assertThat(namedBinds.size()).isGreaterThanOrEqualTo(5);
      WireTap.Sent last = namedBinds.get(namedBinds.size() - 1);
      assertThat(last.resultFormats()).as("binary int4 result, text for text").containsExactly((short) 1, (short) 0);
      assertThat(last.parameterFormats()).as("int parameter sent in binary").contains((short) 1);
    }
  }

  @Test
  void timestamptzTextFollowsTheSessionTimeZone() throws Exception {
    try (Connection c = TestServers.connect(server, "preferQueryMode=simple"); Statement s = c.createStatement()) {
      s.execute("set timezone = 'Asia/Kolkata'");
      try (ResultSet rs = s.executeQuery("select * from typed")) {
        rs.next();
        assertThat(rs.getString("tstz")).isEqualTo("2024-02-29 19:15:30.5+05:30");
        assertThat(rs.getObject("tstz", OffsetDateTime.class).toInstant())
            .isEqualTo(OffsetDateTime.of(2024, 2, 29, 13, 45, 30, 500_000_000, ZoneOffset.UTC).toInstant());
      }
    }
  }

  @Test
  void arraysFromResultsAreUsableAsJdbcArrays() throws Exception {
    try (Connection c = TestServers.connect(server, ""); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("select * from typed")) {
      rs.next();
      Array a = rs.getArray("ta");
      assertThat(a.getBaseTypeName()).isEqualTo("text");
    }
  }
}
