package io.driftdb.log.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The gateway reports every request it answers, with its time, to its listener. */
class KafkaGatewayListenerTest {
  private record Served(ApiKeys api, long nanos) {}

  @Test
  void everyAnsweredRequestIsReportedOnceWithItsTime() throws Exception {
    ConcurrentLinkedQueue<Served> served = new ConcurrentLinkedQueue<>();
    double sent;
    try (KafkaGateway gateway = KafkaGateway.start(GatewayConfig.of("127.0.0.1", 0), new MemoryTopicBackend("users"),
        (api, nanos) -> served.add(new Served(api, nanos)))) {
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + gateway.address().getPort());
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
        for (int i = 0; i < 3; i++) {
          // One record at a time: three Produce requests.
          producer.send(new ProducerRecord<>("users", "k" + i, "v" + i)).get();
        }
        sent = requestsSent(producer.metrics());
      }
      // The listener is called right after the flush that the client may already have read.
      long deadline = System.currentTimeMillis() + 10_000;
      while (served.size() < sent && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
    }
    List<Served> all = List.copyOf(served);
    assertThat((double) all.size()).as("one report per request the producer sent").isEqualTo(sent);
    assertThat(all).extracting(Served::api).contains(ApiKeys.API_VERSIONS, ApiKeys.METADATA, ApiKeys.INIT_PRODUCER_ID);
    assertThat(all.stream().filter(s -> s.api() == ApiKeys.PRODUCE).count()).isEqualTo(3);
    assertThat(all).allSatisfy(s -> assertThat(s.nanos()).isPositive());
  }

  private static double requestsSent(Map<MetricName, ? extends Metric> metrics) {
    return metrics.entrySet().stream()
        .filter(e -> e.getKey().name().equals("request-total") && e.getKey().group().equals("producer-metrics"))
        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
        .findFirst().orElseThrow();
  }
}
