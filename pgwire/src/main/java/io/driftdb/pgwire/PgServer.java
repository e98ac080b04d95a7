package io.driftdb.pgwire;

import io.driftdb.pgwire.auth.PasswordStore;
import io.driftdb.sql.SqlEngine;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL v3 wire-protocol server. Netty event loops decode and encode; each connection's
 * statements run in order on a session thread pool, against one {@link io.driftdb.sql.SqlSession}
 * opened from the {@link SqlEngine} after authentication.
 *
 * <pre>
 * PgServer server = new PgServer(PgServerConfig.defaults().withPort(5432), engine, passwordStore).start();
 * ...
 * server.stop();
 * </pre>
 */
public final class PgServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PgServer.class);

  private final PgServerConfig config;
  private final SqlEngine engine;
  private final PasswordStore passwords;
  private EventLoopGroup bossGroup;
  private EventLoopGroup ioGroup;
  private ExecutorService sessionPool;
  private ChannelGroup channels;
  private Channel serverChannel;
  private ServerContext context;

  /**
   * @param passwords credential lookup for {@link AuthMode#PASSWORD} and {@link AuthMode#MD5};
   *                  may be null with {@link AuthMode#TRUST}
   */
  public PgServer(PgServerConfig config, SqlEngine engine, PasswordStore passwords) {
    if (config == null || engine == null) {
      throw new IllegalArgumentException("config and engine are required");
    }
    if (config.authMode() != AuthMode.TRUST && passwords == null) {
      throw new IllegalArgumentException("password authentication needs a PasswordStore");
    }
    this.config = config;
    this.engine = engine;
    this.passwords = passwords == null ? PasswordStore.none() : passwords;
  }

  /** A trust-mode server (no passwords). */
  public PgServer(PgServerConfig config, SqlEngine engine) {
    this(config.withAuthMode(AuthMode.TRUST), engine, null);
  }

  /** Binds and starts accepting connections; returns once the port is bound. */
  public synchronized PgServer start() {
    if (serverChannel != null) {
      throw new IllegalStateException("already started");
    }
    SslContext ssl = config.tlsEnabled() ? buildSslContext() : null;
    SecureRandom random = new SecureRandom();
    byte[] mockKey = new byte[32];
    random.nextBytes(mockKey);
    AtomicInteger threadIds = new AtomicInteger();
    // Unbounded but idle-reaped: a thread per *busy* connection, capped by maxConnections.
    sessionPool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(r, "pgwire-session-" + threadIds.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    context = new ServerContext(config, engine, passwords, new CancelRegistry(), ssl, sessionPool, mockKey, random,
        new AtomicInteger());
    bossGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("pgwire-accept", true));
    ioGroup = new NioEventLoopGroup(config.ioThreads(), new DefaultThreadFactory("pgwire-io", true));
    channels = new DefaultChannelGroup("pgwire", GlobalEventExecutor.INSTANCE);
    ServerContext ctx = context;
    ChannelGroup group = channels;
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(bossGroup, ioGroup)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        // Keep reading half-closed sockets so a truncated final message can still be reported.
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            group.add(ch);
            ch.pipeline()
                .addLast("decoder", new FrontendMessageDecoder(ctx.config().maxMessageBytes()))
                .addLast("handler", new PgChannelHandler(ctx));
          }
        });
    try {
      serverChannel = bootstrap.bind(config.host(), config.port()).sync().channel();
    } catch (Exception e) {
      shutdownResources();
      throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
    }
    LOG.info("PostgreSQL protocol listening on {} (auth {}, TLS {})", serverChannel.localAddress(),
        config.authMode(), ssl != null ? "on" : "off");
    return this;
  }

  private SslContext buildSslContext() {
    try {
      return SslContextBuilder.forServer(config.tlsCertFile().toFile(), config.tlsKeyFile().toFile())
          .protocols("TLSv1.3", "TLSv1.2")
          .build();
    } catch (Exception e) {
      throw new IllegalStateException("cannot load TLS certificate/key: " + e.getMessage(), e);
    }
  }

  /** The bound port (the ephemeral one when configured with port 0). */
  public synchronized int port() {
    return address().getPort();
  }

  public synchronized InetSocketAddress address() {
    if (serverChannel == null) {
      throw new IllegalStateException("not started");
    }
    return (InetSocketAddress) serverChannel.localAddress();
  }

  public PgServerConfig config() {
    return config;
  }

  /** Connections past startup that hold a session. */
  public synchronized int openConnections() {
    return context == null ? 0 : context.openConnections().get();
  }

  /** Stops accepting, closes every connection (cancelling running statements) and their sessions. */
  public synchronized void stop() {
    if (serverChannel == null) {
      return;
    }
    serverChannel.close().syncUninterruptibly();
    serverChannel = null;
    channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    shutdownResources();
    LOG.info("PostgreSQL protocol server stopped");
  }

  private void shutdownResources() {
    if (bossGroup != null) {
      bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (sessionPool != null) {
      // Let the connections' cleanup tasks close their sessions, then stop the threads.
      sessionPool.shutdown();
      try {
        if (!sessionPool.awaitTermination(5, TimeUnit.SECONDS)) {
          sessionPool.shutdownNow();
        }
      } catch (InterruptedException e) {
        sessionPool.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    bossGroup = null;
    ioGroup = null;
    sessionPool = null;
  }

  @Override
  public void close() {
    stop();
  }
}
