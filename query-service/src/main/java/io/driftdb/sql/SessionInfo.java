package io.driftdb.sql;

/** Who opened a session and from where; recorded as commit metadata. */
public record SessionInfo(String user, String database, String applicationName, String clientAddress) {

  public static SessionInfo local(String applicationName) {
    return new SessionInfo(System.getProperty("user.name", "driftdb"), "driftdb", applicationName, "local");
  }
}
