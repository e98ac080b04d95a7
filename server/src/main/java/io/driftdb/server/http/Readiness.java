package io.driftdb.server.http;

/** Whether the server should receive traffic, and if not, why (shown to the operator). */
public record Readiness(boolean ready, String reason) {

  public static Readiness ok() {
    return new Readiness(true, null);
  }

  public static Readiness unavailable(String reason) {
    return new Readiness(false, reason);
  }
}
