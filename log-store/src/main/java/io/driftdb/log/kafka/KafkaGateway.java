package io.driftdb.log.kafka;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.protocol.ApiKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka-protocol listener in front of a {@link TopicBackend}: enough of a single-node Kafka
 * broker for unmodified Kafka clients (Java {@code KafkaProducer}/{@code KafkaConsumer} with
 * the classic group protocol, librdkafka/kcat) to produce to and consume from its topics.
 *
 * <p>Plain sockets, two threads per connection: one reads and serves requests in order, a
 * {@link ResponseWriter} writes the responses in the same order (clients pipeline up to five
 * requests and expect the responses in order). Produce requests are pipelined: while one waits
 * for its transaction's fsync, the next ones of the connection are read, checked and submitted,
 * so that a single producer's in-flight batches share group commits (the rule that keeps an
 * idempotent producer's batches in sequence is in {@link ProduceHandler}). Any other request
 * waits until the connection's earlier produce requests are done, and is then served as
 * before. Frames are {@code int32 size + payload}; a frame larger
 * than {@code maxRequestBytes}, a non-positive size, or a request that cannot be parsed closes
 * that connection only, and the gateway keeps serving everyone else. No TLS or SASL: anyone who
 * can reach the port can produce, so bind it to a trusted interface.
 */
public final class KafkaGateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaGateway.class);
  private static final long CLOSE_WAIT_MS = 5_000;

  private final GatewayConfig config;
  private final ServerSocket server;
  private final KafkaApis apis;
  private final GroupCoordinator groups;
  private final GatewayListener listener;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connectionIds = new AtomicInteger();
  private final Thread acceptor;
  private volatile boolean closed;

  private KafkaGateway(GatewayConfig config, ServerSocket server, TopicBackend backend, GatewayListener listener) {
    this.config = config;
    this.listener = listener;
    this.server = server;
    this.groups = new GroupCoordinator(config.offsetsFile() == null ? null : new OffsetStore(config.offsetsFile()));
    ProducerStateTable producers = new ProducerStateTable();
    try {
      producers.seed(backend.recentProducerBatches());
    } catch (RuntimeException e) {
      LOG.warn("Kafka gateway: could not load the recent producer batches; retries of batches appended before "
          + "this start may be appended again: {}", e.toString());
    }
    this.apis = new KafkaApis(backend, config, producers, groups);
    this.acceptor = new Thread(this::acceptLoop, "driftdb-kafka-accept");
    acceptor.setDaemon(true);
  }

  /** Binds {@code config.host():config.port()} and starts serving; throws if the port is taken. */
  public static KafkaGateway start(GatewayConfig config, TopicBackend backend) {
    return start(config, backend, GatewayListener.NONE);
  }

  /** As {@link #start(GatewayConfig, TopicBackend)}, reporting every request served to {@code listener}. */
  public static KafkaGateway start(GatewayConfig config, TopicBackend backend, GatewayListener listener) {
    ServerSocket s;
    try {
      s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName(config.host()), config.port()), 128);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for Kafka clients on " + config.host() + ":" + config.port()
          + ": " + e.getMessage(), e);
    }
    KafkaGateway g;
    try {
      g = new KafkaGateway(config, s, backend, listener);
    } catch (RuntimeException | Error e) {
      closeQuietly(s);
      throw e;
    }
    g.acceptor.start();
    return g;
  }

  /** The bound address (with the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  /** Open client connections. */
  public int connections() {
    return sockets.size();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("Kafka gateway: accept failed: {}", e.toString());
        }
        continue;
      }
      if (sockets.size() >= config.maxConnections()) {
        LOG.warn("Kafka gateway: refusing a connection from {}: {} connections open (the limit)",
            socket.getRemoteSocketAddress(), sockets.size());
        closeQuietly(socket);
        continue;
      }
      sockets.add(socket);
      Thread t = new Thread(() -> serve(socket), "driftdb-kafka-conn-" + connectionIds.incrementAndGet());
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void serve(Socket socket) {
    String peer = String.valueOf(socket.getRemoteSocketAddress());
    ResponseWriter writer = null;
    boolean drain = false;
    try {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(config.idleTimeoutMs());
      String advertised = config.advertisedHost() != null ? config.advertisedHost()
          : socket.getLocalAddress().getHostAddress();
      KafkaApis.Connection conn = new KafkaApis.Connection(socket.getInetAddress().getHostAddress(), advertised,
          address().getPort());
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
      writer = new ResponseWriter(out, () -> closeQuietly(socket), peer, Thread.currentThread().getName() + "-out",
          listener);
      threads.add(writer.thread());
      writer.start();
      // Produce requests whose responses are not complete yet (they wait for durability).
      ArrayDeque<KafkaApis.Pending> producing = new ArrayDeque<>();
      while (!closed) {
        int size;
        try {
          size = in.readInt();
        } catch (EOFException e) {
          drain = true;
          return;
        } catch (SocketTimeoutException e) {
          LOG.debug("Kafka gateway: closing idle connection {}", peer);
          drain = true;
          return;
        }
        if (size <= 0 || size > config.maxRequestBytes()) {
          LOG.info("Kafka gateway: closing connection {}: invalid request size {} (limit {})", peer, size,
              config.maxRequestBytes());
          drain = true;
          return;
        }
        byte[] frame = new byte[size];
        in.readFully(frame);
        long received = System.nanoTime();
        KafkaApis.Pending response;
        try {
          KafkaApis.Request req = KafkaApis.parse(ByteBuffer.wrap(frame));
          if (req.header().apiKey() != ApiKeys.PRODUCE) {
            // Only Produce is pipelined: any other request sees every earlier produce of this
            // connection done, as when requests were served one at a time.
            for (KafkaApis.Pending p : producing) {
              p.body().join();
            }
            producing.clear();
          }
          response = apis.submit(req, conn);
        } catch (KafkaApis.MalformedRequestException e) {
          LOG.info("Kafka gateway: closing connection {}: {}", peer, e.getMessage());
          drain = true;
          return;
        } catch (RuntimeException e) {
          LOG.warn("Kafka gateway: closing connection {} after an internal error", peer, e);
          drain = true;
          return;
        }
        if (response.pipelined()) {
          while (!producing.isEmpty() && producing.peekFirst().body().isDone()) {
            producing.pollFirst();
          }
          producing.addLast(response);
        }
        writer.add(response, received);
      }
    } catch (SocketException | EOFException e) {
      LOG.debug("Kafka gateway: connection {} ended: {}", peer, e.toString());
    } catch (IOException e) {
      LOG.debug("Kafka gateway: connection {} failed: {}", peer, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (writer != null) {
        // The responses to requests already served still go out (as before, when a request's
        // response was written before the next one was read), then the socket is closed.
        writer.finish();
        if (drain) {
          try {
            writer.thread().join(CLOSE_WAIT_MS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
      closeQuietly(socket);
      sockets.remove(socket);
      threads.remove(Thread.currentThread());
      if (writer != null) {
        threads.remove(writer.thread());
      }
    }
  }

  private static void closeQuietly(java.io.Closeable s) {
    try {
      s.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  /**
   * Stops accepting, closes every connection and waits (up to 5 s) for requests in progress to
   * finish. An append already handed to the backend still completes, but its response may be
   * lost; call this before closing the backend's store.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    apis.closing();
    try {
      server.close();
    } catch (IOException e) {
      // ignore
    }
    groups.close();
    for (Socket s : sockets) {
      closeQuietly(s);
    }
    long deadline = System.currentTimeMillis() + CLOSE_WAIT_MS;
    for (Thread t : threads) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        break;
      }
      try {
        t.join(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    try {
      acceptor.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
