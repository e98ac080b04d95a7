package io.driftdb.sql.engine;

import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/** Cluster mode on a Kafka broker in a container (skipped where no Docker engine runs). */
@Testcontainers(disabledWithoutDocker = true)
class ClusterModeContainerKafkaTest extends ClusterModeContract {
  @Container
  static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

  @Override
  String bootstrapServers() {
    return KAFKA.getBootstrapServers();
  }
}
