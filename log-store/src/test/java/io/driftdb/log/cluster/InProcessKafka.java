package io.driftdb.log.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker (KRaft, combined broker and controller) running inside the test JVM,
 * from Kafka's own test kit, so cluster-mode tests run where no Docker engine exists.
 */
public final class InProcessKafka implements AutoCloseable {
  private final KafkaClusterTestKit cluster;

  private InProcessKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  /** Starts {@code brokers} combined nodes and waits until they serve. */
  public static InProcessKafka start(int brokers) throws Exception {
    Path dir = Files.createTempDirectory("driftdb-kafka");
    KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
        .setCombined(true)
        .setNumBrokerNodes(brokers)
        .setNumControllerNodes(brokers)
        .setBaseDirectory(dir)
        .build())
        .setConfigProp("offsets.topic.replication.factor", String.valueOf(brokers))
        // transactional producers (the change feed's exactly-once mode) need a transaction log that fits
        .setConfigProp("transaction.state.log.replication.factor", String.valueOf(brokers))
        .setConfigProp("transaction.state.log.min.isr", String.valueOf(Math.min(2, brokers)))
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .setConfigProp("auto.create.topics.enable", "false")
        .build();
    try {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
    return new InProcessKafka(cluster);
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** A shared-log address on this broker. */
  public String logUri(String topic) {
    return "kafka://" + bootstrapServers() + "/" + topic;
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
