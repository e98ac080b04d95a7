package io.driftdb.sql.engine;

import io.driftdb.log.cluster.KafkaBroker;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cluster mode on Kafka's in-process KRaft broker (runs everywhere). */
class ClusterModeInProcessKafkaTest extends ClusterModeContract {
  @RegisterExtension
  static final KafkaBroker KAFKA = new KafkaBroker();

  @Override
  String bootstrapServers() {
    return KAFKA.bootstrapServers();
  }
}
