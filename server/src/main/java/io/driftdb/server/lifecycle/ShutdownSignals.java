package io.driftdb.server.lifecycle;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a request for a graceful stop. The JVM's default handling
 * would run shutdown hooks and exit with 143/130; a server stopped on purpose and cleanly
 * should exit 0, so the main thread does the shutdown and returns normally instead.
 */
public final class ShutdownSignals {
  private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignals.class);
  private final CountDownLatch requested = new CountDownLatch(1);

  /** Installs the handlers; must be called once per process. */
  public ShutdownSignals install() {
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> {
        if (requested.getCount() > 0) {
          LOG.info("Received SIG{}", signal.getName());
        }
        requested.countDown();
      });
    }
    return this;
  }

  /** Requests the stop from inside the process (a long-running command whose work ended by itself). */
  public void request() {
    requested.countDown();
  }

  /** Blocks until a stop is requested. */
  public void await() throws InterruptedException {
    requested.await();
  }
}
