package io.driftdb.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second, non-Java client: Debian's psycopg2 (libpq underneath) runs the quick-reference flow,
 * time travel with bound parameters (psycopg2 interpolates them client-side, so the server sees
 * quoted literals), transactions and errors. Uses {@code /usr/bin/python3}, the interpreter the
 * Debian package {@code python3-psycopg2} installs into.
 */
class PsycopgE2eTest {
  static final String PYTHON = "/usr/bin/python3";

  @TempDir
  static Path tmp;
  static E2eServer server;

  @BeforeAll
  static void start() {
    assumeTrue(ExternalClient.executable(PYTHON), PYTHON + " is missing");
    ExternalClient.Result probe = ExternalClient.run(List.of(PYTHON, "-c", "import psycopg2"), Map.of(), null);
    assumeTrue(probe.exitCode() == 0, "psycopg2 is not installed for " + PYTHON + " (Debian package python3-psycopg2)");
    server = E2eServer.start(tmp.resolve("db"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  /** Writes {@code script} to a file and runs it with the server's port as argv[1]; returns stdout. */
  static String python(String script) throws Exception {
    Path file = Files.createTempFile(tmp, "client", ".py");
    Files.writeString(file, script);
    ExternalClient.Result r = ExternalClient.run(List.of(PYTHON, file.toString(), String.valueOf(server.pgPort())),
        Map.of("PYTHONIOENCODING", "utf-8"), null);
    assertThat(r.exitCode()).as("python client failed:\n%s", r).isZero();
    return r.stdout();
  }

  private static final String PRELUDE = String.join("\n",
      "import sys, time, psycopg2, psycopg2.errors",
      "conn = psycopg2.connect(host='127.0.0.1', port=int(sys.argv[1]), user='driftdb', dbname='driftdb',",
      "                        application_name='psycopg2-e2e')",
      "def show(cur):",
      "    for row in cur.fetchall():",
      "        print('|'.join('NULL' if v is None else str(v) for v in row))",
      "");

  @Test
  void quickReferenceFlowWithTimeTravelByBoundParameters() throws Exception {
    String out = python(PRELUDE + String.join("\n",
        "conn.autocommit = True",
        "cur = conn.cursor()",
        "cur.execute('CREATE TABLE users (id VARCHAR PRIMARY KEY, name VARCHAR, email VARCHAR)')",
        "print(cur.statusmessage)",
        "cur.execute('CREATE INDEX ON users (name)')",
        "print(cur.statusmessage)",
        "cur.execute('INSERT INTO users {\"id\": \"u1\", \"name\": \"Alice\", \"age\": 30}')",
        "print(cur.statusmessage, cur.rowcount)",
        "cur.execute('SELECT * FROM users')",
        "print([d.name for d in cur.description])",
        "show(cur)",
        // commit times have millisecond resolution: keep the two versions in different milliseconds
        "time.sleep(0.01)",
        "cur.execute('UPDATE users SET age = %s WHERE id = %s', (31, 'u1'))",
        "print(cur.statusmessage, cur.rowcount)",
        "cur.execute('SELECT * FROM users FOR SYSTEM_TIME AS OF @SEQ:2')",
        "print('seq2'); show(cur)",
        "cur.execute('SELECT *, _seq_from, _seq_to, _op FROM users FOR SYSTEM_TIME ALL WHERE id = %s ORDER BY _seq_from', ('u1',))",
        "print('all'); show(cur)",
        // the commit time of each version, as text and as a datetime object
        "cur.execute('SELECT _system_from FROM users FOR SYSTEM_TIME ALL WHERE id = %s ORDER BY _seq_from', ('u1',))",
        "(inserted,), (updated,) = cur.fetchall()",
        "ts = str(inserted)",
        "cur.execute('SELECT * FROM users FOR SYSTEM_TIME AS OF %s WHERE id = %s', (ts, 'u1'))",
        "print('as of insert (str)'); show(cur)",
        "cur.execute('SELECT * FROM users FOR SYSTEM_TIME AS OF %s WHERE id = %s', (inserted, 'u1'))",
        "print('as of insert (datetime)'); show(cur)",
        "cur.execute('SELECT age FROM users FOR SYSTEM_TIME AS OF %s WHERE id = %s', (str(updated), 'u1'))",
        "print('as of update'); show(cur)",
        "cur.execute('SELECT count(*) FROM users FOR SYSTEM_TIME AS OF %s', ('2000-01-01 00:00:00',))",
        "print('as of 2000'); show(cur)",
        "cur.execute('SELECT age FROM users FOR SYSTEM_TIME AS OF @SEQ:%s WHERE id = %s', (3, 'u1'))",
        "print('seq3'); show(cur)",
        ""));
    assertThat(out).isEqualTo(String.join("\n",
        "CREATE TABLE",
        "CREATE INDEX",
        "INSERT 0 1 1",
        "['id', 'name', 'email', 'age']",
        "u1|Alice|NULL|30",
        "UPDATE 1 1",
        "seq2",
        "u1|Alice|NULL|30",
        "all",
        "u1|Alice|NULL|30|2|3|INSERT",
        "u1|Alice|NULL|31|3|9223372036854775807|UPDATE",
        "as of insert (str)",
        "u1|Alice|NULL|30",
        "as of insert (datetime)",
        "u1|Alice|NULL|30",
        "as of update",
        "31",
        "as of 2000",
        "0",
        "seq3",
        "31",
        ""));
  }

  /** psycopg2's default mode: an implicit BEGIN before the first statement, then commit() or rollback(). */
  @Test
  void transactionsAndErrorsKeepTheConnectionUsable() throws Exception {
    String out = python(PRELUDE + String.join("\n",
        "cur = conn.cursor()",
        // DDL inside a transaction block is refused (25001), so create the table in autocommit mode
        "conn.autocommit = True",
        "cur.execute('CREATE TABLE py_tx (id INT PRIMARY KEY, v VARCHAR)')",
        "conn.autocommit = False",
        "cur.executemany('INSERT INTO py_tx VALUES (%s, %s)', [(i, 'v%d' % i) for i in range(5)])",
        "conn.rollback()",
        "cur.execute('SELECT count(*) FROM py_tx'); print('after rollback'); show(cur)",
        "cur.executemany('INSERT INTO py_tx VALUES (%s, %s)', [(i, \"it's %d\" % i) for i in range(5)])",
        "conn.commit()",
        "cur.execute('SELECT v FROM py_tx WHERE id = %s', (3,)); print('after commit'); show(cur)",
        "conn.commit()",
        "for sql, params in [('INSERT INTO py_tx VALUES (%s, %s)', (1, 'dup')),",
        "                    ('SELECT * FROM no_such_table', None),",
        "                    ('SELEKT 1', None)]:",
        "    try:",
        "        cur.execute(sql, params)",
        "        print('no error for', sql)",
        "    except psycopg2.Error as e:",
        "        print(e.pgcode)",
        "        conn.rollback()",
        "    cur.execute('SELECT count(*) FROM py_tx'); show(cur)",
        "    conn.commit()",
        ""));
    assertThat(out).isEqualTo(String.join("\n",
        "after rollback",
        "0",
        "after commit",
        "it's 3",
        "23505",
        "5",
        "42P01",
        "5",
        "42601",
        "5",
        ""));
  }
}
