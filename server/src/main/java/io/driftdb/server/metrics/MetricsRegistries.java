package io.driftdb.server.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** Builds the server's Prometheus registry with the JVM and process meters bound. */
public final class MetricsRegistries {
  private MetricsRegistries() {}

  /**
   * The registry, the GC binder and the heap watch (both hold JMX listeners and must be closed
   * with it; the watch is null when the JVM has no pool to watch).
   */
  public record Bundle(PrometheusMeterRegistry registry, JvmGcMetrics gc, HeapHeadroomWatch heap)
      implements AutoCloseable {
    @Override
    public void close() {
      if (heap != null) {
        heap.close();
      }
      gc.close();
      registry.close();
    }
  }

  public static Bundle prometheus() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    return new Bundle(registry, gc, HeapHeadroomWatch.start().orElse(null));
  }
}
