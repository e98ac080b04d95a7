package io.driftdb.log.cluster;

import java.util.regex.Pattern;

/**
 * Where a shared log lives: {@code kafka://host:port[,host:port...]/topic}.
 *
 * @param bootstrapServers the Kafka bootstrap list, as clients take it
 * @param topic the single-partition topic holding the transaction records
 */
public record KafkaLogAddress(String bootstrapServers, String topic) {
  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9_.\\-]+:[0-9]{1,5}|\\[[0-9A-Fa-f:.]+\\]:[0-9]{1,5}");
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._\\-]{1,249}");

  /** Parses {@code kafka://BOOTSTRAP/TOPIC}; throws IllegalArgumentException saying what is wrong. */
  public static KafkaLogAddress parse(String uri) {
    String prefix = "kafka://";
    if (uri == null || !uri.startsWith(prefix)) {
      throw new IllegalArgumentException("a shared log address looks like kafka://host:9092/topic, got: " + uri);
    }
    String rest = uri.substring(prefix.length());
    int slash = rest.indexOf('/');
    if (slash <= 0 || slash == rest.length() - 1) {
      throw new IllegalArgumentException("missing bootstrap servers or topic in " + uri + " (kafka://host:9092/topic)");
    }
    String servers = rest.substring(0, slash);
    String topic = rest.substring(slash + 1);
    for (String hp : servers.split(",")) {
      if (!HOST_PORT.matcher(hp).matches()) {
        throw new IllegalArgumentException("bad bootstrap server \"" + hp + "\" in " + uri + " (expected host:port)");
      }
    }
    if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
      throw new IllegalArgumentException("bad topic name \"" + topic + "\" in " + uri
          + " (Kafka topic names use letters, digits, '.', '_' and '-')");
    }
    return new KafkaLogAddress(servers, topic);
  }

  @Override
  public String toString() {
    return "kafka://" + bootstrapServers + "/" + topic;
  }
}
