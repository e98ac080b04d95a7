package io.driftdb.sql.changefeed;

import io.driftdb.log.cluster.KafkaLogAddress;
import java.nio.file.Path;
import java.util.Map;

/**
 * How to run a change feed.
 *
 * @param log the cluster-mode log to read
 * @param applicationId the Kafka Streams application id: its consumer group keeps the position,
 *     so a restart with the same id continues where the last run stopped
 * @param stateDir Kafka Streams' state directory, or null for its default
 * @param exactlyOnce {@code exactly_once_v2} (events and position commit together; needs a
 *     broker with transactions) or else {@code at_least_once}
 * @param clientProps extra Kafka client settings (security, timeouts) for every client
 */
public record ChangeFeedConfig(KafkaLogAddress log, String applicationId, Path stateDir, boolean exactlyOnce,
                               Map<String, Object> clientProps) {

  public ChangeFeedConfig {
    clientProps = Map.copyOf(clientProps);
  }

  /** Exactly-once, application id {@code driftdb-changefeed-<topic>}, default state directory. */
  public static ChangeFeedConfig of(KafkaLogAddress log) {
    return new ChangeFeedConfig(log, defaultApplicationId(log), null, true, Map.of());
  }

  public static String defaultApplicationId(KafkaLogAddress log) {
    return "driftdb-changefeed-" + log.topic();
  }

  public ChangeFeedConfig withApplicationId(String id) {
    return new ChangeFeedConfig(log, id, stateDir, exactlyOnce, clientProps);
  }

  public ChangeFeedConfig withStateDir(Path dir) {
    return new ChangeFeedConfig(log, applicationId, dir, exactlyOnce, clientProps);
  }

  public ChangeFeedConfig withExactlyOnce(boolean on) {
    return new ChangeFeedConfig(log, applicationId, stateDir, on, clientProps);
  }
}
