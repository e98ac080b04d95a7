package io.driftdb.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's {@code psql} against the real {@code driftdb-server}: the seed's quick-reference flow
 * as SQL, with psql's exact output, then psql's describe commands ({@code \dt}, {@code \d users},
 * {@code \l}, {@code \di}, {@code \du}), which run psql's own catalog queries against
 * {@code pg_catalog}.
 */
class PsqlE2eTest {
  static final String PSQL = "/usr/bin/psql";

  @TempDir
  static Path tmp;
  static E2eServer server;
  static ExternalClient.Result flow;

  /** The quick-reference statements, in order, as one psql script. SEQ 0 = CREATE TABLE ... 3 = UPDATE. */
  static final String QUICK_REFERENCE = String.join("\n",
      "CREATE TABLE users (id VARCHAR PRIMARY KEY, name VARCHAR, email VARCHAR);",
      "CREATE INDEX ON users (name);",
      "INSERT INTO users {\"id\": \"u1\", \"name\": \"Alice\", \"age\": 30};",
      "SELECT * FROM users;",
      "UPDATE users SET age = 31 WHERE id = 'u1';",
      "SELECT * FROM users FOR SYSTEM_TIME AS OF @SEQ:2;",
      "SELECT * FROM users FOR SYSTEM_TIME ALL WHERE id = 'u1';",
      "SELECT *, _seq_from, _seq_to, _op FROM users FOR SYSTEM_TIME ALL WHERE id = 'u1';",
      "");

  @BeforeAll
  static void startServerAndRunTheFlow() {
    assumeTrue(ExternalClient.executable(PSQL), PSQL + " is not installed (Debian package postgresql-client)");
    server = E2eServer.start(tmp.resolve("db"));
    flow = psql(List.of("-f", "-"), QUICK_REFERENCE);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  static ExternalClient.Result psql(List<String> args, String stdin) {
    List<String> cmd = new ArrayList<>(List.of(PSQL, "-X", "-w", "-h", "127.0.0.1", "-p", String.valueOf(server.pgPort()),
        "-U", "driftdb", "-d", "driftdb", "-v", "ON_ERROR_STOP=1", "-P", "pager=off"));
    cmd.addAll(args);
    return ExternalClient.run(cmd, Map.of(), stdin);
  }

  /** Runs one backslash command; fails with psql's error (the catalog query that failed) if it does not succeed. */
  static String describe(String command) {
    ExternalClient.Result r = psql(List.of("-c", command), null);
    assertThat(r.exitCode()).as("psql -c '%s' failed:\n%s", command, r).isZero();
    assertThat(r.stderr()).as("psql -c '%s' stderr", command).isEmpty();
    return trimLineEnds(r.stdout());
  }

  /** psql pads the last column with a trailing blank in some lines; compare without it. */
  static String trimLineEnds(String s) {
    return Arrays.stream(s.split("\n", -1)).map(String::stripTrailing).collect(Collectors.joining("\n"));
  }

  @Test
  void quickReferenceFlowPrintsWhatPsqlPrintsForPostgres() {
    assertThat(flow.exitCode()).as("%s", flow).isZero();
    assertThat(flow.stderr()).as("%s", flow).isEmpty();
    assertThat(trimLineEnds(flow.stdout())).isEqualTo(String.join("\n",
        "CREATE TABLE",
        "CREATE INDEX",
        "INSERT 0 1",
        " id | name  | email | age",
        "----+-------+-------+-----",
        " u1 | Alice |       |  30",
        "(1 row)",
        "",
        "UPDATE 1",
        // AS OF @SEQ:2: the state after the INSERT, before the UPDATE
        " id | name  | email | age",
        "----+-------+-------+-----",
        " u1 | Alice |       |  30",
        "(1 row)",
        "",
        // ALL: both versions
        " id | name  | email | age",
        "----+-------+-------+-----",
        " u1 | Alice |       |  30",
        " u1 | Alice |       |  31",
        "(2 rows)",
        "",
        " id | name  | email | age | _seq_from |       _seq_to       |  _op",
        "----+-------+-------+-----+-----------+---------------------+--------",
        " u1 | Alice |       |  30 |         2 |                   3 | INSERT",
        " u1 | Alice |       |  31 |         3 | 9223372036854775807 | UPDATE",
        "(2 rows)",
        "",
        ""));
  }

  @Test
  void backslashDtListsTheTable() {
    String out = describe("\\dt");
    assertThat(out).contains("List of relations");
    assertThat(out).containsPattern("(?m)^\\s*Schema\\s*\\|\\s*Name\\s*\\|\\s*Type\\s*\\|\\s*Owner$");
    assertThat(out).containsPattern("(?m)^ public \\| users \\| table \\| driftdb$");
    assertThat(out).contains("(1 row)");
  }

  @Test
  void backslashDUsersShowsColumnsTypesAndIndexes() {
    String out = describe("\\d users");
    assertThat(out).contains("Table \"public.users\"");
    assertThat(out).containsPattern("(?m)^ Column \\|\\s+Type\\s+\\| Collation \\| Nullable \\| Default$");
    assertThat(out).containsPattern("(?m)^ id\\s+\\| character varying \\|\\s+\\| not null \\|$");
    assertThat(out).containsPattern("(?m)^ name\\s+\\| character varying \\|\\s+\\|\\s+\\|$");
    assertThat(out).containsPattern("(?m)^ email\\s+\\| character varying \\|\\s+\\|\\s+\\|$");
    // "age" came from the JSON document of the INSERT
    assertThat(out).containsPattern("(?m)^ age\\s+\\| bigint\\s+\\|\\s+\\|\\s+\\|$");
    assertThat(out).contains("Indexes:\n"
        + "    \"users_pkey\" PRIMARY KEY, btree (id)\n"
        + "    \"users_name_idx\" btree (name)\n");
  }

  @Test
  void backslashLListsTheDatabase() {
    String out = describe("\\l");
    assertThat(out).contains("List of databases");
    assertThat(out).containsPattern("(?m)^ driftdb \\| driftdb \\| UTF8\\s+\\|");
  }

  @Test
  void backslashDiListsBothIndexesOfUsers() {
    String out = describe("\\di");
    assertThat(out).containsPattern("(?m)^\\s*Schema\\s*\\|\\s*Name\\s*\\|\\s*Type\\s*\\|\\s*Owner\\s*\\|\\s*Table$");
    assertThat(out).containsPattern("(?m)^ public \\| users_name_idx \\| index \\| driftdb \\| users$");
    assertThat(out).containsPattern("(?m)^ public \\| users_pkey\\s+\\| index \\| driftdb \\| users$");
  }

  @Test
  void backslashDuListsTheBootstrapSuperuser() {
    String out = describe("\\du");
    assertThat(out).contains("List of roles");
    assertThat(out).containsPattern("(?m)^ driftdb\\s+\\| Superuser\\b.*\\|");
  }
}
