package io.driftdb.server.metrics;

import io.driftdb.log.kafka.GatewayListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The Kafka gateway's requests as a Micrometer timer per API ({@code request} tag with Kafka's
 * own request name, as in Kafka's {@code RequestMetrics}): how long each took from its last
 * byte read to its response flushed. A Produce request's time includes the wait for its
 * transaction's fsync and apply, so set beside the producer's own {@code request-latency-avg}
 * it shows how much of a client's latency the server accounts for.
 */
public final class KafkaGatewayMetrics implements GatewayListener {
  private final MeterRegistry registry;
  private final Map<ApiKeys, Timer> timers = new ConcurrentHashMap<>();

  public KafkaGatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void requestServed(ApiKeys api, long nanos) {
    timers.computeIfAbsent(api, a -> Timer.builder("driftdb.kafka.request.duration")
        .description("Kafka gateway requests, from the request read to its response flushed, by API")
        .tag("request", a.name)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(10_000))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
  }
}
