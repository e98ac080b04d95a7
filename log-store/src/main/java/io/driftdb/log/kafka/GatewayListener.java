package io.driftdb.log.kafka;

import org.apache.kafka.common.protocol.ApiKeys;

/**
 * What the gateway tells its owner about each request it served, for metrics. Called on a
 * connection's response-writer thread; implementations must be quick and must not throw.
 */
public interface GatewayListener {
  /** Ignores everything. */
  GatewayListener NONE = (api, nanos) -> { };

  /**
   * A request's response went out.
   *
   * @param api the request's API
   * @param nanos from the moment the request's last byte was read to the moment its response
   *     was flushed to the socket (for Produce: including the wait for the fsync and the apply;
   *     for a Produce with acks=0, which gets no response, until it was handled)
   */
  void requestServed(ApiKeys api, long nanos);
}
