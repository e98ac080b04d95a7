package io.driftdb.log.kafka;

/**
 * Settings of the Kafka-protocol gateway.
 *
 * @param host address to bind
 * @param port port to bind; 0 picks a free one
 * @param advertisedHost host name put into Metadata/FindCoordinator answers; null = the local
 *     address each client connected to (right for loopback and single-interface setups)
 * @param clusterId reported cluster id
 * @param maxRequestBytes largest request frame accepted; larger frames close the connection
 *     (Kafka's {@code socket.request.max.bytes}, default 100 MiB)
 * @param maxMessageBytes largest record batch accepted, as sent (compressed); larger ones get
 *     MESSAGE_TOO_LARGE (Kafka's {@code message.max.bytes}, default 1 MiB + 12)
 * @param maxUncompressedBatchBytes largest total of keys and values in one batch after
 *     decompression; protects against compression bombs (default 64 MiB)
 * @param maxConnections connections beyond this are closed at once
 * @param idleTimeoutMs a connection without any request for this long is closed
 *     (Kafka's {@code connections.max.idle.ms}, default 10 minutes)
 * @param offsetsFile where committed consumer-group offsets are kept; null = in memory only
 */
public record GatewayConfig(String host, int port, String advertisedHost, String clusterId, int maxRequestBytes,
                            int maxMessageBytes, long maxUncompressedBatchBytes, int maxConnections,
                            int idleTimeoutMs, java.nio.file.Path offsetsFile) {

  public GatewayConfig {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("Kafka port must be between 0 and 65535, got " + port);
    }
    if (maxRequestBytes < 1024 || maxMessageBytes < 1 || maxUncompressedBatchBytes < 1 || maxConnections < 1
        || idleTimeoutMs < 0) {
      throw new IllegalArgumentException("invalid Kafka gateway limits");
    }
  }

  public static GatewayConfig of(String host, int port) {
    return new GatewayConfig(host, port, null, "driftdb", 100 * 1024 * 1024, 1024 * 1024 + 12, 64L << 20, 1000,
        600_000, null);
  }

  public GatewayConfig withMaxMessageBytes(int bytes) {
    return new GatewayConfig(host, port, advertisedHost, clusterId, maxRequestBytes, bytes, maxUncompressedBatchBytes,
        maxConnections, idleTimeoutMs, offsetsFile);
  }

  public GatewayConfig withOffsetsFile(java.nio.file.Path file) {
    return new GatewayConfig(host, port, advertisedHost, clusterId, maxRequestBytes, maxMessageBytes,
        maxUncompressedBatchBytes, maxConnections, idleTimeoutMs, file);
  }

  public GatewayConfig withAdvertisedHost(String advertised) {
    return new GatewayConfig(host, port, advertised, clusterId, maxRequestBytes, maxMessageBytes,
        maxUncompressedBatchBytes, maxConnections, idleTimeoutMs, offsetsFile);
  }
}
