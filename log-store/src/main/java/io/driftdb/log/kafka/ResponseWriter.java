package io.driftdb.log.kafka;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
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
 * On a write error the socket is closed, which also ends the reader.
 */
final class ResponseWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ResponseWriter.class);
  static final int MAX_PENDING = 16;
  private static final KafkaApis.Pending END = new KafkaApis.Pending(null, (short) 0, null);

  private final BlockingQueue<KafkaApis.Pending> queue = new ArrayBlockingQueue<>(MAX_PENDING + 1);
  private final DataOutputStream out;
  private final Runnable closeSocket;
  private final String peer;
  private final Thread thread;

  ResponseWriter(DataOutputStream out, Runnable closeSocket, String peer, String threadName) {
    this.out = out;
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
  void add(KafkaApis.Pending p) throws IOException, InterruptedException {
    while (!queue.offer(p, 100, TimeUnit.MILLISECONDS)) {
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
        KafkaApis.Pending p = queue.poll();
        if (p == null || p == END || !p.body().isDone()) {
          // Responses that are ready go out together, but none waits in the buffer while the
          // next one waits for its fsync.
          out.flush();
        }
        if (p == null) {
          p = queue.take();
        }
        if (p == END) {
          out.flush();
          return;
        }
        ByteBuffer response = p.encode();
        if (response != null) {
          out.writeInt(response.remaining());
          out.write(response.array(), response.arrayOffset() + response.position(), response.remaining());
        }
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
}
