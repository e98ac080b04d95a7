package io.driftdb.pgwire;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of a {@link PgServer}.
 *
 * @param host address to listen on ({@code 0.0.0.0} for all interfaces)
 * @param port TCP port; 0 picks a free ephemeral port (see {@link PgServer#port()})
 * @param authMode trust or password authentication
 * @param tlsCertFile PEM certificate chain; with {@code tlsKeyFile} enables TLS (SSLRequest answered 'S')
 * @param tlsKeyFile PEM private key (unencrypted PKCS#8, {@code BEGIN PRIVATE KEY})
 * @param serverVersion reported as server_version; psql and pgJDBC pick their catalog queries from it
 * @param maxConnections further connections are refused with 53300 after startup
 * @param ioThreads Netty event-loop threads (decode and write only; statements run elsewhere)
 * @param maxMessageBytes largest accepted frontend message; larger ones are a protocol violation
 * @param authenticationTimeout a connection that has not completed startup and authentication by
 *                              then is closed (PostgreSQL's authentication_timeout)
 */
public record PgServerConfig(String host, int port, AuthMode authMode, Path tlsCertFile, Path tlsKeyFile,
                             String serverVersion, int maxConnections, int ioThreads, int maxMessageBytes,
                             Duration authenticationTimeout) {

  /** Major version 16 so psql 15+/pgJDBC use catalog queries DriftDB's pg_catalog answers. */
  public static final String DEFAULT_SERVER_VERSION = "16.4 (DriftDB 0.1.0)";
  public static final int DEFAULT_PORT = 5432;
  /** PostgreSQL's own limit for a single message is 1 GB. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 1 << 30;

  public PgServerConfig {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host is required");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (authMode == null) {
      throw new IllegalArgumentException("authMode is required");
    }
    if ((tlsCertFile == null) != (tlsKeyFile == null)) {
      throw new IllegalArgumentException("TLS needs both a certificate and a key file");
    }
    if (serverVersion == null || serverVersion.isBlank() || !Character.isDigit(serverVersion.charAt(0))) {
      throw new IllegalArgumentException("serverVersion must start with a version number, e.g. 16.4");
    }
    if (maxConnections < 1 || ioThreads < 1 || maxMessageBytes < 1024) {
      throw new IllegalArgumentException("maxConnections, ioThreads must be positive; maxMessageBytes >= 1024");
    }
    if (authenticationTimeout == null || authenticationTimeout.isNegative() || authenticationTimeout.isZero()) {
      throw new IllegalArgumentException("authenticationTimeout must be positive");
    }
  }

  /** localhost:5432, password authentication, no TLS. */
  public static PgServerConfig defaults() {
    return new PgServerConfig("127.0.0.1", DEFAULT_PORT, AuthMode.PASSWORD, null, null, DEFAULT_SERVER_VERSION,
        1000, Math.max(1, Runtime.getRuntime().availableProcessors()), DEFAULT_MAX_MESSAGE_BYTES,
        Duration.ofSeconds(60));
  }

  public boolean tlsEnabled() {
    return tlsCertFile != null;
  }

  public PgServerConfig withHost(String value) {
    return new PgServerConfig(value, port, authMode, tlsCertFile, tlsKeyFile, serverVersion, maxConnections,
        ioThreads, maxMessageBytes, authenticationTimeout);
  }

  public PgServerConfig withPort(int value) {
    return new PgServerConfig(host, value, authMode, tlsCertFile, tlsKeyFile, serverVersion, maxConnections,
        ioThreads, maxMessageBytes, authenticationTimeout);
  }

  public PgServerConfig withAuthMode(AuthMode value) {
    return new PgServerConfig(host, port, value, tlsCertFile, tlsKeyFile, serverVersion, maxConnections,
        ioThreads, maxMessageBytes, authenticationTimeout);
  }

  public PgServerConfig withTls(Path certFile, Path keyFile) {
    return new PgServerConfig(host, port, authMode, certFile, keyFile, serverVersion, maxConnections, ioThreads,
        maxMessageBytes, authenticationTimeout);
  }

  public PgServerConfig withServerVersion(String value) {
    return new PgServerConfig(host, port, authMode, tlsCertFile, tlsKeyFile, value, maxConnections, ioThreads,
        maxMessageBytes, authenticationTimeout);
  }

  public PgServerConfig withMaxConnections(int value) {
    return new PgServerConfig(host, port, authMode, tlsCertFile, tlsKeyFile, serverVersion, value, ioThreads,
        maxMessageBytes, authenticationTimeout);
  }

  public PgServerConfig withIoThreads(int value) {
    return new PgServerConfig(host, port, authMode, tlsCertFile, tlsKeyFile, serverVersion, maxConnections, value,
        maxMessageBytes, authenticationTimeout);
  }

  public PgServerConfig withMaxMessageBytes(int value) {
    return new PgServerConfig(host, port, authMode, tlsCertFile, tlsKeyFile, serverVersion, maxConnections,
        ioThreads, value, authenticationTimeout);
  }

  public PgServerConfig withAuthenticationTimeout(Duration value) {
    return new PgServerConfig(host, port, authMode, tlsCertFile, tlsKeyFile, serverVersion, maxConnections,
        ioThreads, maxMessageBytes, value);
  }
}
