package io.driftdb.sql.changefeed;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates change topics with the Admin client as tables appear: one partition (one table's
 * events stay in SEQ order), {@code cleanup.policy=compact} (keyed by primary key with
 * tombstones for deletes, a compacted change topic is the table's current state; the history
 * stays in the log), replication factor {@code min(3, brokers)}. Topics that exist are used as
 * they are. The Streams producer would otherwise block on a topic that does not exist, since
 * brokers usually do not auto-create topics.
 */
final class KafkaChangeTopics implements ChangeTopics {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaChangeTopics.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Admin admin;
  private final Set<String> known = new HashSet<>();
  private short replication;

  KafkaChangeTopics(Map<String, Object> adminProps) {
    this.admin = Admin.create(adminProps);
  }

  @Override
  public synchronized void ensure(String topic) {
    if (known.contains(topic)) {
      return;
    }
    try {
      if (!exists(topic)) {
        NewTopic t = new NewTopic(topic, 1, replication()).configs(Map.of("cleanup.policy", "compact"));
        try {
          admin.createTopics(List.of(t)).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
          LOG.info("created change topic {}", topic);
          awaitMetadata(topic);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      known.add(topic);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create the change topic " + topic + ": " + e.getCause().getMessage(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot create the change topic " + topic + ": Kafka did not answer within "
          + TIMEOUT.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the change topic " + topic, e);
    }
  }

  private boolean exists(String topic) throws ExecutionException, InterruptedException, TimeoutException {
    try {
      admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return false;
      }
      throw e;
    }
  }

  /**
   * The controller has the topic once the creation returns, the brokers a moment later; the
   * producer's first send would otherwise meet UNKNOWN_TOPIC_OR_PARTITION (retried, but logged).
   */
  private void awaitMetadata(String topic) throws InterruptedException, ExecutionException, TimeoutException {
    for (int i = 0; i < 100 && !exists(topic); i++) {
      Thread.sleep(50);
    }
  }

  private short replication() throws ExecutionException, InterruptedException, TimeoutException {
    if (replication == 0) {
      int brokers = admin.describeCluster().nodes().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).size();
      replication = (short) Math.max(1, Math.min(3, brokers));
    }
    return replication;
  }

  @Override
  public void close() {
    admin.close(TIMEOUT);
  }
}
