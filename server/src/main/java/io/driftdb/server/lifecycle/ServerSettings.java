package io.driftdb.server.lifecycle;

import io.driftdb.pgwire.AuthMode;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Validated configuration of {@code driftdb-server}.
 *
 * @param dataPath data directory (created and initialized when missing or empty)
 * @param listen address both listeners bind
 * @param port PostgreSQL-protocol port (0 = ephemeral)
 * @param httpPort admin HTTP port (0 = ephemeral)
 * @param adminToken bearer token for non-health HTTP endpoints; null = none
 * @param auth pgwire authentication
 * @param tlsCert PEM certificate chain, or null
 * @param tlsKey PEM private key, or null
 * @param fsync log fsync policy
 * @param minFreeDiskBytes /health/ready fails below this much free space
 * @param shutdownTimeout how long shutdown waits for running statements
 * @param maxConnections pgwire connection limit
 * @param bootstrapPassword password of the bootstrap superuser, or null
 * @param kafkaPort Kafka-protocol gateway port (0 = off)
 * @param kafkaAdvertisedHost host name the gateway advertises to Kafka clients; null = the address they connected to
 * @param sharedLog cluster mode: the shared log {@code kafka://BOOTSTRAP/TOPIC}; null = the local log
 */
public record ServerSettings(Path dataPath, String listen, int port, int httpPort, String adminToken, AuthMode auth,
                             Path tlsCert, Path tlsKey, String fsync, long minFreeDiskBytes,
                             Duration shutdownTimeout, int maxConnections, String bootstrapPassword,
                             int kafkaPort, String kafkaAdvertisedHost, String sharedLog) {

  public ServerSettings {
    checkPort("--port", port);
    checkPort("--http-port", httpPort);
    checkPort("--kafka-port", kafkaPort);
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key must be given together");
    }
    if (minFreeDiskBytes < 0) {
      throw new IllegalArgumentException("--min-free-disk-mb must not be negative");
    }
    if (shutdownTimeout.isNegative()) {
      throw new IllegalArgumentException("--shutdown-timeout must not be negative");
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("--max-connections must be at least 1");
    }
    if (sharedLog != null) {
      io.driftdb.log.cluster.KafkaLogAddress.parse(sharedLog);
    }
    kafkaAdvertisedHost = kafkaAdvertisedHost == null || kafkaAdvertisedHost.isBlank() ? null : kafkaAdvertisedHost;
    adminToken = adminToken == null || adminToken.isEmpty() ? null : adminToken;
    bootstrapPassword = bootstrapPassword == null || bootstrapPassword.isEmpty() ? null : bootstrapPassword;
  }

  private static void checkPort(String option, int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(option + " must be between 0 and 65535, got " + port);
    }
  }

  /** Secrets stay out of logs. */
  @Override
  public String toString() {
    return "ServerSettings[dataPath=" + dataPath + ", listen=" + listen + ", port=" + port + ", httpPort=" + httpPort
        + ", adminToken=" + (adminToken == null ? "none" : "set") + ", auth=" + auth + ", tls="
        + (tlsCert != null) + ", fsync=" + fsync + ", minFreeDiskBytes=" + minFreeDiskBytes + ", shutdownTimeout="
        + shutdownTimeout + ", maxConnections=" + maxConnections + ", bootstrapPassword="
        + (bootstrapPassword == null ? "none" : "set") + ", kafkaPort=" + kafkaPort + ", log=" + (sharedLog == null ? "local" : sharedLog) + "]";
  }
}
