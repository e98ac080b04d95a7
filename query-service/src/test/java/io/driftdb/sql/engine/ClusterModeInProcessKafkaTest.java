package io.driftdb.sql.engine;

import io.driftdb.log.cluster.InProcessKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Cluster mode on Kafka's in-process KRaft broker (runs everywhere). */
class ClusterModeInProcessKafkaTest extends ClusterModeContract {
  private static InProcessKafka kafka;

  @BeforeAll
  static void start() throws Exception {
    kafka = InProcessKafka.start(1);
  }

  @AfterAll
  static void stop() throws Exception {
    kafka.close();
  }

  @Override
  String bootstrapServers() {
    return kafka.bootstrapServers();
  }
}
