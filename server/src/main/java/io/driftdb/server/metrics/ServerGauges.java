package io.driftdb.server.metrics;

import io.driftdb.sql.SqlEngine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntSupplier;

/**
 * Gauges read at scrape time from the running server: log head and segments, materializer
 * progress and lag, open and busy sessions, pgwire connections, writability and the
 * free space of the data directory's file system.
 */
public final class ServerGauges implements MeterBinder {
  private final SqlEngine engine;
  private final IntSupplier openConnections;
  private final IntSupplier busySessions;
  private final Path dataDir;

  public ServerGauges(SqlEngine engine, IntSupplier openConnections, IntSupplier busySessions, Path dataDir) {
    this.engine = engine;
    this.openConnections = openConnections;
    this.busySessions = busySessions;
    this.dataDir = dataDir;
  }

  /**
   * Supplier gauges on purpose: Micrometer holds a gauge's state object only weakly, so a gauge
   * over a method reference or a short-lived object would silently turn into NaN after a GC.
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("driftdb.log.head.seq", () -> engine.stats().headSeq())
        .description("SEQ of the last durable log record (-1 when empty)").register(registry);
    Gauge.builder("driftdb.log.segments", () -> engine.stats().segmentCount())
        .description("Log segment files").register(registry);
    Gauge.builder("driftdb.log.writable", () -> engine.isWritable() ? 1 : 0)
        .description("1 while the log accepts appends, 0 after it failed or closed").register(registry);
    Gauge.builder("driftdb.materializer.applied.seq", () -> engine.stats().appliedSeq())
        .description("SEQ of the last transaction the materializer applied").register(registry);
    Gauge.builder("driftdb.materializer.lag", () -> engine.stats().materializerLag()).baseUnit("records")
        .description("Durable log records not yet applied by the materializer").register(registry);
    Gauge.builder("driftdb.sessions.open", () -> engine.stats().openSessions())
        .description("Engine sessions open (pgwire connections and local tools)").register(registry);
    Gauge.builder("driftdb.connections.open", openConnections::getAsInt)
        .description("PostgreSQL-protocol connections past startup").register(registry);
    Gauge.builder("driftdb.sessions.busy", busySessions::getAsInt)
        .description("Sessions running a statement or sending its results right now").register(registry);
    Gauge.builder("driftdb.data.disk.free", () -> usableBytes(dataDir)).baseUnit("bytes")
        .description("Usable space of the file system holding the data directory").register(registry);
  }

  static double usableBytes(Path dir) {
    try {
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      return Double.NaN;
    }
  }
}
