package io.driftdb.log.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdb.log.Appended;
import io.driftdb.log.LogCursor;
import io.driftdb.log.LogListener;
import io.driftdb.log.LogRecord;
import io.driftdb.log.RecordHeader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shared log against a real in-process KRaft broker. */
class KafkaTopicLogTest {
  @RegisterExtension
  static final KafkaBroker kafka = new KafkaBroker();

  private static KafkaTopicLog open(String topic) throws IOException {
    return KafkaTopicLog.open(KafkaLogAddress.parse(kafka.logUri(topic)), Map.of(), "zstd", LogListener.NONE);
  }

  private static byte[] payload(int i) {
    return ("tx-" + i).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void appendsGetDenseSeqsThatEveryNodeReadsBack() throws Exception {
    try (KafkaTopicLog a = open("dense"); KafkaTopicLog b = open("dense")) {
      assertThat(a.headSeq()).isEqualTo(-1);
      List<CompletableFuture<Appended>> acks = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        KafkaTopicLog writer = i % 2 == 0 ? a : b;
        acks.add(writer.append(null, payload(i), List.of(new RecordHeader("n", new byte[] {(byte) i}))));
      }
      List<Long> seqs = new ArrayList<>();
      long lastTs = Long.MIN_VALUE;
      for (CompletableFuture<Appended> f : acks) {
        seqs.add(f.get().seq());
      }
      assertThat(seqs).doesNotHaveDuplicates().allMatch(s -> s >= 0 && s < 200);
      try (KafkaTopicLog reader = open("dense"); LogCursor c = reader.read(0)) {
        assertThat(reader.headSeq()).isEqualTo(199);
        int n = 0;
        while (c.hasNext()) {
          LogRecord r = c.next();
          assertThat(r.seq()).isEqualTo(n);
          int i = acks.stream().map(CompletableFuture::join).map(Appended::seq).toList().indexOf(r.seq());
          assertThat(r.value()).isEqualTo(payload(i));
          assertThat(r.headers()).singleElement().satisfies(h -> assertThat(h.key()).isEqualTo("n"));
          assertThat(r.timestampMs()).isGreaterThanOrEqualTo(lastTs);
          lastTs = r.timestampMs();
          n++;
        }
        assertThat(n).isEqualTo(200);
        assertThat(reader.seqAtOrBefore(lastTs)).hasValue(199);
        assertThat(reader.seqAtOrBefore(0)).isEmpty();
        assertThat(reader.timestampOf(199)).isEqualTo(lastTs);
      }
    }
  }

  @Test
  void aFollowerSeesRecordsAppendedLater() throws Exception {
    try (KafkaTopicLog a = open("follow"); LogFollower f = a.follow(0)) {
      assertThat(f.poll(Duration.ofMillis(200))).isEmpty();
      long seq = a.append(null, payload(1), List.of()).get().seq();
      List<LogRecord> got = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 30_000;
      while (got.isEmpty() && System.currentTimeMillis() < deadline) {
        got.addAll(f.poll(Duration.ofMillis(500)));
      }
      assertThat(got).singleElement().satisfies(r -> {
        assertThat(r.seq()).isEqualTo(seq);
        assertThat(r.value()).isEqualTo(payload(1));
      });
    }
  }

  @Test
  void refusesATopicWithSeveralPartitions() throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("three", 3, (short) 1))).all().get();
    }
    assertThatThrownBy(() -> open("three")).isInstanceOf(IOException.class)
        .hasMessageContaining("has 3 partitions").hasMessageContaining("single-partition");
  }

  @Test
  void createsTheTopicWithInfiniteRetention() throws Exception {
    open("retained").close();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      var resource = new org.apache.kafka.common.config.ConfigResource(
          org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "retained");
      var config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
      assertThat(config.get("retention.ms").value()).isEqualTo("-1");
      assertThat(config.get("message.timestamp.type").value()).isEqualTo("LogAppendTime");
    }
  }

  @Test
  void aClosedLogRefusesAppends() throws Exception {
    KafkaTopicLog a = open("closed");
    a.close();
    assertThat(a.isWritable()).isFalse();
    assertThat(a.append(null, payload(0), List.of())).isCompletedExceptionally();
  }

  @Test
  void addressesAreParsedStrictly() {
    assertThat(KafkaLogAddress.parse("kafka://k1:9092,k2:9093/driftdb.log"))
        .isEqualTo(new KafkaLogAddress("k1:9092,k2:9093", "driftdb.log"));
    assertThatThrownBy(() -> KafkaLogAddress.parse("http://k1:9092/t")).hasMessageContaining("kafka://host:9092/topic");
    assertThatThrownBy(() -> KafkaLogAddress.parse("kafka://k1:9092/")).hasMessageContaining("missing");
    assertThatThrownBy(() -> KafkaLogAddress.parse("kafka://k1/t")).hasMessageContaining("bad bootstrap server");
    assertThatThrownBy(() -> KafkaLogAddress.parse("kafka://k1:9092/a b")).hasMessageContaining("bad topic name");
  }
}
