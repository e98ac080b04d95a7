package io.driftdb.sql.engine;

import io.driftdb.log.LogRecord;
import io.driftdb.log.cluster.LogFollower;
import io.driftdb.log.cluster.SharedLog;
import io.driftdb.materializer.Materializer;
import io.driftdb.schemas.TransactionCodec;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster mode: the one thread that feeds the materializer, following the shared log and
 * applying every record in SEQ order, this node's commits and other nodes' alike. Each record
 * passes the deterministic commit check as it is applied, so all nodes agree on what committed.
 */
final class SharedLogApplier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SharedLogApplier.class);

  private final Materializer materializer;
  private final LogFollower follower;
  private final TransactionCodec codec = new TransactionCodec();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Throwable failure;

  SharedLogApplier(SharedLog log, Materializer materializer) {
    this.materializer = materializer;
    this.follower = log.follow(materializer.appliedSeq() + 1);
    this.thread = new Thread(this::run, "driftdb-log-applier");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (running) {
        for (LogRecord r : follower.poll(Duration.ofMillis(500))) {
          if (r.seq() > materializer.appliedSeq()) {
            materializer.apply(r.seq(), r.timestampMs(), codec.decode(r.value()));
          }
        }
      }
    } catch (RuntimeException e) {
      if (running) {
        // A record this node cannot apply (not a DriftDB record, a gap): stop rather than diverge.
        failure = e;
        LOG.error("cannot apply the shared log after SEQ {}; this node stops following it", materializer.appliedSeq(),
            e);
      }
    } finally {
      follower.close();
    }
  }

  /** Why the applier stopped, or null while it runs. */
  Throwable failure() {
    return failure;
  }

  @Override
  public void close() {
    running = false;
    follower.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
