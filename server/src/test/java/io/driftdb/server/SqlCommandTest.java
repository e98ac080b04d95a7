package io.driftdb.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code driftdb init} and {@code driftdb sql} as a user runs them: exit codes, stderr, formats. */
class SqlCommandTest {

  @TempDir
  Path tmp;
  String data;

  @BeforeEach
  void createDatabase() {
    data = tmp.resolve("db").toString();
    assertThat(Cli.run("init", data).exitCode()).isZero();
  }

  @Test
  void failingStatementReportsSqlstateStopsTheScriptAndChangesNothing() {
    ok("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR); INSERT INTO t VALUES (1, 'a')");

    CliResult r = Cli.run("sql", "--data", data,
        "-e", "INSERT INTO t VALUES (2, 'b')",
        "-e", "INSERT INTO t VALUES (3, 'c'), (1, 'duplicate')",
        "-e", "INSERT INTO t VALUES (4, 'never run')");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
    assertThat(r.stdout()).isEqualTo("INSERT 0 1\n");
    assertThat(r.stderr()).contains("ERROR:  duplicate key value").contains("SQLSTATE: 23505");
    // The statement before the failure committed; the failing one (row 3 included) and the
    // one after it left no trace.
    assertThat(ok("SELECT id, v FROM t ORDER BY id", "--format", "csv")).isEqualTo("id,v\n1,a\n2,b\n");
  }

  @Test
  void syntaxErrorIsReportedWithItsSqlstate() {
    CliResult r = Cli.run("sql", "--data", data, "-e", "SELEKT 1");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).contains("ERROR:  ").contains("SQLSTATE: 42601");
  }

  @Test
  void unknownFlagsCommandsAndMissingArgumentsAreUsageErrors() {
    CliResult flag = Cli.run("sql", "--data", data, "--bogus", "-e", "SELECT 1");
    assertThat(flag.exitCode()).isEqualTo(2);
    assertThat(flag.stderr()).contains("Unknown option: '--bogus'").contains("Usage: driftdb sql");

    CliResult command = Cli.run("frobnicate");
    assertThat(command.exitCode()).isEqualTo(2);
    assertThat(command.stderr()).contains("Unmatched argument");

    CliResult missing = Cli.run("sql", "-e", "SELECT 1");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.stderr()).contains("Missing required option: '--data=DIR'");

    CliResult format = Cli.run("sql", "--data", data, "--format", "xml", "-e", "SELECT 1");
    assertThat(format.exitCode()).isEqualTo(2);
    assertThat(format.stderr()).contains("--format");

    assertThat(Cli.run().exitCode()).as("no command").isEqualTo(2);
  }

  @Test
  void csvAndJsonFormats() {
    ok("CREATE TABLE p (id INT PRIMARY KEY, name VARCHAR, price DOUBLE, ok BOOLEAN);"
        + "INSERT INTO p VALUES (1, 'plain', 1.5, true), (2, 'comma, \"quoted\"', NULL, false), (3, '', 0, NULL)");

    String csv = ok("SELECT * FROM p ORDER BY id", "--format", "csv");
    assertThat(csv).isEqualTo("id,name,price,ok\n"
        + "1,plain,1.5,t\n"
        + "2,\"comma, \"\"quoted\"\"\",,f\n"
        + "3,\"\",0,\n");

    String json = ok("SELECT * FROM p ORDER BY id", "--format", "json");
    assertThat(json).isEqualTo("[\n"
        + "  {\"id\": 1, \"name\": \"plain\", \"price\": 1.5, \"ok\": true},\n"
        + "  {\"id\": 2, \"name\": \"comma, \\\"quoted\\\"\", \"price\": null, \"ok\": false},\n"
        + "  {\"id\": 3, \"name\": \"\", \"price\": 0, \"ok\": null}\n"
        + "]\n");

    // Machine formats keep command tags off stdout.
    CliResult insert = Cli.run("sql", "--data", data, "--format", "json", "-e", "INSERT INTO p VALUES (4, 'x', 2, true)");
    assertThat(insert.exitCode()).isZero();
    assertThat(insert.stdout()).isEmpty();
    assertThat(insert.stderr()).contains("INSERT 0 1");
  }

  @Test
  void tableFormatFollowsPsql() {
    String out = ok("CREATE TABLE n (id INT PRIMARY KEY, label VARCHAR);"
        + "INSERT INTO n VALUES (7, 'seven'), (1234, NULL);"
        + "SELECT id, label FROM n ORDER BY id; SELECT id FROM n WHERE id < 0");
    assertThat(out).isEqualTo(String.join("\n",
        "CREATE TABLE",
        "INSERT 0 2",
        "  id  | label",
        "------+-------",
        "    7 | seven",
        " 1234 |",
        "(2 rows)",
        "",
        " id",
        "----",
        "(0 rows)",
        "", ""));
  }

  @Test
  void statementsComeFromStdinOrFilesInCommandLineOrder() throws Exception {
    CliResult stdin = Cli.runWithInput("CREATE TABLE s (id INT PRIMARY KEY);\nINSERT INTO s VALUES (1);\n",
        "sql", "--data", data);
    assertThat(stdin.exitCode()).as("%s", stdin).isZero();
    assertThat(stdin.stdout()).isEqualTo("CREATE TABLE\nINSERT 0 1\n");

    Path file = tmp.resolve("script.sql");
    Files.writeString(file, "-- a comment; with a semicolon\nINSERT INTO s VALUES (2);\nINSERT INTO s VALUES (3)");
    CliResult mixed = Cli.run("sql", "--data", data, "-e", "INSERT INTO s VALUES (10)", "-f", file.toString(),
        "-e", "SELECT count(*) AS n FROM s", "--format", "csv");
    assertThat(mixed.exitCode()).as("%s", mixed).isZero();
    assertThat(mixed.stdout()).isEqualTo("n\n4\n");

    CliResult missing = Cli.run("sql", "--data", data, "-f", tmp.resolve("nope.sql").toString());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.stderr()).contains("nope.sql: no such file");
  }

  @Test
  void initRefusesAnExistingDatabaseAndSqlRefusesAMissingOne() {
    CliResult again = Cli.run("init", data);
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.stderr()).contains("exists but is not empty");

    CliResult absent = Cli.run("sql", "--data", tmp.resolve("typo").toString(), "-e", "SELECT 1");
    assertThat(absent.exitCode()).isEqualTo(1);
    assertThat(absent.stderr()).contains("does not exist").contains("driftdb init");
    assertThat(tmp.resolve("typo")).doesNotExist();
  }

  private String ok(String sql, String... extra) {
    String[] all = java.util.Arrays.copyOf(new String[] {"sql", "--data", data, "-e", sql}, 5 + extra.length);
    System.arraycopy(extra, 0, all, 5, extra.length);
    CliResult r = Cli.run(all);
    assertThat(r.exitCode()).as("%s", r).isZero();
    return r.stdout();
  }
}
