package io.driftdb.sql.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
  @TempDir
  Path dir;

  @Test
  void seedFlow() {
    try (EngineFixture f = new EngineFixture(dir)) {
      f.exec("CREATE TABLE users (id VARCHAR PRIMARY KEY, name VARCHAR, email VARCHAR)");
      f.exec("CREATE INDEX ON users (name)");
      f.exec("INSERT INTO users {\"id\": \"u1\", \"name\": \"Alice\", \"age\": 30}");
      System.out.println(f.rows("SELECT * FROM users"));
      f.exec("UPDATE users SET age = 31 WHERE id = 'u1'");
      System.out.println(f.rows("SELECT * FROM users"));
      System.out.println(f.rows("SELECT * FROM users FOR SYSTEM_TIME AS OF @SEQ:2"));
      System.out.println(f.rows("SELECT *, _seq_from, _seq_to, _op FROM users FOR SYSTEM_TIME ALL WHERE id = 'u1'"));
      assertThat(f.rows("SELECT age FROM users FOR SYSTEM_TIME AS OF @SEQ:2")).containsExactly("30");
      assertThat(f.rows("SELECT age FROM users")).containsExactly("31");
    }
  }
}
