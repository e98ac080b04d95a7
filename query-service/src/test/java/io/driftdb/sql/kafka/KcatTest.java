package io.driftdb.sql.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance 6a: kcat (librdkafka) produces to and consumes from the gateway. */
class KcatTest {
  @TempDir
  Path dir;
  private KafkaDb db;
  private String kcat;

  @BeforeEach
  void open() {
    kcat = find("kcat");
    if (kcat == null) {
      kcat = find("kafkacat");
    }
    Assumptions.assumeTrue(kcat != null, "kcat is not installed (Debian package kcat)");
    db = new KafkaDb(dir.resolve("db"));
    db.exec("CREATE TABLE users (id VARCHAR PRIMARY KEY, name VARCHAR, age INT)");
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  private static String find(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  private record Run(int exit, String out, String err) {}

  private Run kcat(String stdin, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(kcat);
    cmd.addAll(List.of(args));
    Path out = dir.resolve("out-" + System.nanoTime());
    Path err = dir.resolve("err-" + System.nanoTime());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    try (var in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("kcat did not finish: " + Files.readString(err));
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void kcatProducesRowsAndConsumesChangeEvents() throws Exception {
    String broker = db.bootstrap();
    long before = db.headSeq();
    Run produce = kcat("u1:{\"name\": \"Alice\", \"age\": 30}\nu2:{\"name\": \"Bob\"}\n",
        "-P", "-b", broker, "-t", "users", "-K:");
    assertThat(produce.exit()).as(produce.err()).isZero();
    assertThat(db.rows("SELECT id, name, age FROM users ORDER BY id")).containsExactly("u1|Alice|30", "u2|Bob|null");
    assertThat(db.headSeq()).isGreaterThan(before);

    // -Z sends an empty value as NULL: a tombstone deletes u2.
    Run delete = kcat("u2:\n", "-P", "-Z", "-b", broker, "-t", "users", "-K:");
    assertThat(delete.exit()).as(delete.err()).isZero();
    assertThat(db.rows("SELECT id FROM users")).containsExactly("u1");

    Run consume = kcat("", "-C", "-b", broker, "-t", "users", "-o", "beginning", "-e", "-f", "%o %k %s\\n");
    assertThat(consume.exit()).as(consume.err()).isZero();
    assertThat(consume.out().lines().toList()).containsExactly(
        "0 \"u1\" {\"id\":\"u1\",\"name\":\"Alice\",\"age\":30}",
        "1 \"u2\" {\"id\":\"u2\",\"name\":\"Bob\",\"age\":null}",
        "2 \"u2\" ");

    // A bad record is refused and kcat reports the delivery failure; nothing changes.
    long seq = db.headSeq();
    Run bad = kcat("u3:{not json\n", "-P", "-b", broker, "-t", "users", "-K:");
    assertThat(bad.err()).contains("Broker failed to validate record"); // librdkafka's text for INVALID_RECORD
    assertThat(db.headSeq()).isEqualTo(seq);
    assertThat(db.rows("SELECT id FROM users")).containsExactly("u1");
  }

  /**
   * DELETE HISTORY leaves the events of deleted rows as gaps at the end of the topic: librdkafka
   * must still reach the high watermark, so `kcat -e` exits instead of waiting forever.
   */
  @Test
  void kcatReachesTheEndPastDeletedHistory() throws Exception {
    db.exec("INSERT INTO users VALUES ('u1', 'kept', 1)");
    db.exec("INSERT INTO users VALUES ('u2', 'gone', 2)");
    db.exec("DELETE FROM users WHERE id = 'u2'");
    db.exec("DELETE HISTORY FROM users");
    Run consume = kcat("", "-C", "-b", db.bootstrap(), "-t", "users", "-o", "beginning", "-e", "-f", "%o %k\\n");
    assertThat(consume.exit()).as(consume.err()).isZero();
    assertThat(consume.out().lines().toList()).containsExactly("0 \"u1\"");
  }
}
