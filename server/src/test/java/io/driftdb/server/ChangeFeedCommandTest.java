package io.driftdb.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftdb.log.cluster.InProcessKafka;
import io.driftdb.sql.SessionInfo;
import io.driftdb.sql.SqlSession;
import io.driftdb.sql.engine.DriftEngine;
import io.driftdb.sql.engine.EngineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code driftdb changefeed}: option checks, and a real run against an in-process broker stopped by SIGTERM. */
class ChangeFeedCommandTest {
  @TempDir
  Path tmp;

  @Test
  void aBadLogAddressIsAUsageError() {
    CliResult r = Cli.run("changefeed", "--log", "/var/lib/driftdb");
    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(r.stderr()).contains("driftdb: --log: a shared log address looks like kafka://host:9092/topic");

    CliResult topicless = Cli.run("changefeed", "--log", "kafka://localhost:9092/");
    assertThat(topicless.exitCode()).as("%s", topicless).isEqualTo(2);
    assertThat(topicless.stderr()).contains("missing bootstrap servers or topic");

    CliResult missing = Cli.run("changefeed");
    assertThat(missing.exitCode()).as("%s", missing).isEqualTo(2);
    assertThat(missing.stderr()).contains("Missing required option: '--log=kafka://BOOTSTRAP/TOPIC'");
  }

  @Test
  void runsUntilSigtermAndEmitsTheCommittedRows() throws Exception {
    try (InProcessKafka kafka = InProcessKafka.start(1)) {
      String uri = kafka.logUri("clilog");
      CliResult absent = Cli.run("changefeed", "--log", uri);
      assertThat(absent.exitCode()).as("%s", absent).isEqualTo(1);
      assertThat(absent.stderr()).contains("does not exist");

      try (DriftEngine engine = DriftEngine.open(EngineConfig.of(tmp.resolve("node")).withSharedLog(uri));
           SqlSession s = engine.openSession(SessionInfo.local("test"))) {
        s.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)", List.of());
        s.execute("INSERT INTO users VALUES (1, 'ada')", List.of());
      }
      Process p = new ProcessBuilder(ChildJvm.command(DriftCli.class, List.of("changefeed", "--log", uri,
          "--application-id", "cli-test", "--state-dir", tmp.resolve("streams").toString()))).start();
      CompletableFuture<String> out = Cli.drain(p.getInputStream());
      CompletableFuture<String> err = Cli.drain(p.getErrorStream());
      try {
        assertThat(readEvents(kafka, "clilog.users.changes", 1)).containsExactly("1 {\"id\":1,\"name\":\"ada\"}");
        // SIGTERM through the handle: Process.destroy() would also close our end of the pipes.
        p.toHandle().destroy();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
      } finally {
        if (p.isAlive()) {
          p.destroyForcibly().waitFor();
        }
      }
      String result = "stdout:\n" + out.join() + "stderr:\n" + err.join();
      assertThat(p.exitValue()).as(result).isZero();
      assertThat(out.join()).contains("Change feed running: " + uri + " -> clilog.<table>.changes (application id "
          + "cli-test, exactly-once)").contains("Change feed stopped.");
    }
  }

  private static List<String> readEvents(InProcessKafka kafka, String topic, int count) throws Exception {
    Map<String, Object> p = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    List<String> out = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    TopicPartition tp = new TopicPartition(topic, 0);
    // The feed creates the topic when the table appears in the log.
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      while (!admin.listTopics().names().get().contains(topic)) {
        assertThat(System.nanoTime()).as("%s was not created", topic).isLessThan(deadline);
        Thread.sleep(200);
      }
    }
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      while (out.size() < count) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
          out.add(r.key() + " " + r.value());
        }
        assertThat(System.nanoTime()).as("events of %s: %s", topic, out).isLessThan(deadline);
      }
    }
    return out;
  }
}
