package io.driftdb.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real psql 15 client (simple query protocol, text format, COPY via \copy). */
class PsqlTest {

  private static TestEngine engine;
  private static PgServer server;

  @BeforeAll
  static void start() {
    assumeTrue(Psql.available(), "psql is not installed");
    engine = new TestEngine();
    server = TestServers.trust(engine);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop();
    }
  }

  @BeforeEach
  void clear() {
    engine.items.clear();
  }

  private static Psql.Result psql(String... args) throws Exception {
    return Psql.run(server.port(), "psqluser", Map.of(), null, args);
  }

  @Test
  void selectOne() throws Exception {
    Psql.Result r = psql("-c", "select 1");
    assertThat(r.stderr()).isEmpty();
    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).isEqualTo("1\n");
    assertThat(engine.sessionInfos).anySatisfy(i -> {
      assertThat(i.applicationName()).isEqualTo("psql");
      assertThat(i.user()).isEqualTo("psqluser");
    });
  }

  @Test
  void everyTypeInTextFormat() throws Exception {
    Psql.Result r = psql("-c", "select * from typed");
    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout().split("\n")).containsExactly(
        "t|-12|123456|9000000000|1.5|3.141592653589793|-12345.678900|héllo, wörld \"q\" \\ end|varchar|bp  |name|c"
            + "|\\x000102ff|2024-02-29|2024-02-29 13:45:30.123456|2024-02-29 13:45:30.5+00"
            + "|a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11|{\"a\": 1}|{\"b\": [1, 2]}|4000000000"
            + "|{a,\"b c\",NULL,\"\",\"NULL\",\"x\\\"y\"}|{1,2,NULL,-3}|{7,-8}|{1,4000000000}|unk",
        "|".repeat(TestEngine.TYPED_COLUMNS.size() - 1));
  }

  @Test
  void timeZoneFromPgtzShapesTimestamptzText() throws Exception {
    Psql.Result r = Psql.run(server.port(), "psqluser", Map.of("PGTZ", "Asia/Kolkata"), null, "-c", "select * from typed");
    assertThat(r.stdout()).contains("|2024-02-29 19:15:30.5+05:30|");
  }

  @Test
  void severalStatementsInOneCommand() throws Exception {
    Psql.Result r = psql("-c", "begin; select 1; select generate_series(1, 2); commit");
    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).contains("1\n1\n2\n");
  }

  @Test
  void errorsShowTheirSqlState() throws Exception {
    Psql.Result r = psql("-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose", "-c", "selec 1");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).contains("ERROR:  42601: syntax error at or near \"selec\"");
  }

  @Test
  void copyInFromStdinAndOutToStdout() throws Exception {
    Psql.Result in = Psql.run(server.port(), "psqluser", Map.of(), "1\tone\n2\t\\N\n3\tthree\n\\.\n",
        "-c", "\\copy items from stdin");
    assertThat(in.stderr()).isEmpty();
    assertThat(in.stdout().trim()).isEqualTo("COPY 3");
    assertThat(engine.items).hasSize(3);

    Psql.Result out = psql("-c", "COPY items TO STDOUT");
    assertThat(out.stdout()).isEqualTo("1\tone\n2\t\\N\n3\tthree\n");
    Psql.Result csv = psql("-c", "\\copy (select * from items) to stdout with (format csv, header)");
    assertThat(csv.stdout()).isEqualTo("id,name\n1,one\n2,\n3,three\n");
  }

  @Test
  void scriptFromStdinWithCopyData() throws Exception {
    String script = "copy items from stdin;\n10\tten\n\\.\nselect * from items;\n";
    Psql.Result r = Psql.run(server.port(), "psqluser", Map.of(), script, "-f", "-");
    assertThat(r.stderr()).isEmpty();
    assertThat(r.stdout()).isEqualTo("COPY 1\n10|ten\n");
  }
}
