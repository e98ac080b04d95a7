package io.driftdb.log.kafka;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's response writer: a thread that writes the responses of the requests the
 * connection's reader has submitted, strictly in request order (Kafka clients require it),
 * each as soon as it and all before it are ready, so the reader never waits for a Produce
 * request's fsync before reading the next request. At most {@link #MAX_PENDING} responses
 * wait at a time; the reader blocks beyond that (Kafka's producer keeps at most 5 in flight).
 * On a write error the socket is closed, which also ends the reader. Each response is reported
 * to the {@link GatewayListener} once it was flushed to the socket.
 */
final class ResponseWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ResponseWriter.class);
  static final int MAX_PENDING = 16;
  private static final Queued END = new Queued(null, 0);

  /** A request's pending response and when the request was read ({@link System#nanoTime}). */
  private record Queued(KafkaApis.Pending pending, long receivedNanos) {}

  private final BlockingQueue<Queued> queue = new ArrayBlockingQueue<>(MAX_PENDING + 1);
  /** Responses written into {@link #out}'s buffer but not flushed yet. */
  private final List<Queued> unflushed = new ArrayList<>();
  private final GatewayListener listener;
  private final DataOutputStream out;
  private final Runnable closeSocket;
  private final String peer;
  private final Thread thread;

  ResponseWriter(DataOutputStream out, Runnable closeSocket, String peer, String threadName,
      GatewayListener listener) {
    this.out = out;
    this.listener = listener;
    this.closeSocket = closeSocket;
    this.peer = peer;
    this.thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
  }

  Thread thread() {
    return thread;
  }

  void start() {
    thread.start();
  }

  /**
   * Queues the response of the next request; blocks while {@link #MAX_PENDING} are waiting.
   * Throws when the writer has stopped (the connection is being closed).
   */
  void add(KafkaApis.Pending p, long receivedNanos) throws IOException, InterruptedException {
    Queued q = new Queued(p, receivedNanos);
    while (!queue.offer(q, 100, TimeUnit.MILLISECONDS)) {
      if (!thread.isAlive()) {
        throw new IOException("the connection's response writer has stopped");
      }
    }
  }

  /** No more requests: write what is queued, then stop. */
  void finish() {
    try {
      queue.put(END);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      thread.interrupt();
    }
  }

  private void run() {
    try {
      while (true) {
        Queued q = queue.poll();
        if (q == null || q == END || !q.pending().body().isDone()) {
          // Responses that are ready go out together, but none waits in the buffer while the
          // next one waits for its fsync.
          flush();
        }
        if (q == null) {
          q = queue.take();
        }
        if (q == END) {
          flush();
          return;
        }
        ByteBuffer response = q.pending().encode();
        if (response != null) {
          out.writeInt(response.remaining());
          out.write(response.array(), response.arrayOffset() + response.position(), response.remaining());
        }
        unflushed.add(q);
      }
    } catch (IOException e) {
      LOG.debug("Kafka gateway: writing to {} failed: {}", peer, e.toString());
      closeSocket.run();
    } catch (InterruptedException e) {
      closeSocket.run();
    } catch (RuntimeException e) {
      LOG.warn("Kafka gateway: closing connection {} after an internal error", peer, e);
      closeSocket.run();
    }
  }

  private void flush() throws IOException {
    out.flush();
    if (!unflushed.isEmpty()) {
      long now = System.nanoTime();
      for (Queued q : unflushed) {
        try {
          listener.requestServed(q.pending().header().apiKey(), now - q.receivedNanos());
        } catch (RuntimeException e) {
          LOG.warn("Kafka gateway: request listener failed", e);
        }
      }
      unflushed.clear();
    }
  }
}
