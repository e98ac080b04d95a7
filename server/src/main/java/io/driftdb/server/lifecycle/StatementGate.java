package io.driftdb.server.lifecycle;

import io.driftdb.sql.SqlError;
import java.time.Duration;

/**
 * Counts sessions busy with a request (see {@link GatedSession}) and, once closed for shutdown,
 * turns new requests and new sessions away, so the server can let running statements finish
 * and their results reach the client before it stops the wire protocol and closes the log.
 */
public final class StatementGate {
  /** PostgreSQL's admin_shutdown: the server is going down. */
  static final String ADMIN_SHUTDOWN = "57P01";
  /** PostgreSQL's cannot_connect_now. */
  static final String CANNOT_CONNECT_NOW = "57P03";

  private final Object lock = new Object();
  private int inFlight;
  private boolean closed;

  /** Admits one request; refuses it with SQLSTATE 57P01 once shutdown has begun. */
  void enter() {
    synchronized (lock) {
      if (closed) {
        throw new SqlError(ADMIN_SHUTDOWN, "the server is shutting down; the statement was not run");
      }
      inFlight++;
    }
  }

  void exit() {
    synchronized (lock) {
      inFlight--;
      if (inFlight == 0) {
        lock.notifyAll();
      }
    }
  }

  /** Refuses new sessions with SQLSTATE 57P03 once shutdown has begun. */
  void checkOpen() {
    synchronized (lock) {
      if (closed) {
        throw new SqlError(CANNOT_CONNECT_NOW, "the database system is shutting down");
      }
    }
  }

  /** Sessions busy with a request right now. */
  public int inFlight() {
    synchronized (lock) {
      return inFlight;
    }
  }

  /**
   * Stops admitting requests and waits up to {@code timeout} for those running to finish.
   * Returns how many were still running when the wait ended (0 = all finished).
   */
  public int closeAndAwait(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      closed = true;
      while (inFlight > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
      return inFlight;
    }
  }
}
