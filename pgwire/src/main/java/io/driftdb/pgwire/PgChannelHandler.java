package io.driftdb.pgwire;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty side of one connection, on the event loop. Pre-startup negotiation that must happen
 * in step with the byte stream (SSLRequest → 'S' + TLS handler, GSSENCRequest → 'N') and
 * CancelRequest are answered here; every other message is handed to the {@link PgConnection},
 * which processes it on a session thread.
 */
final class PgChannelHandler extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(PgChannelHandler.class);

  private final ServerContext server;
  private PgConnection connection;

  PgChannelHandler(ServerContext server) {
    this.server = server;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    connection = new PgConnection(ctx.channel(), server);
    long timeoutMillis = server.config().authenticationTimeout().toMillis();
    ctx.executor().schedule(() -> {
      if (!connection.authenticated() && ctx.channel().isActive()) {
        LOG.debug("closing {}: startup/authentication not completed in {} ms", ctx.channel().remoteAddress(),
            timeoutMillis);
        ctx.close();
      }
    }, timeoutMillis, TimeUnit.MILLISECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    FrontendMessage message = (FrontendMessage) msg;
    if (message instanceof FrontendMessage.SslRequest) {
      connection.flushInbound();
      answerSslRequest(ctx);
    } else if (message instanceof FrontendMessage.GssEncRequest) {
      connection.flushInbound();
      ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'N'}));
    } else if (message instanceof FrontendMessage.CancelRequest cancel) {
      // A cancel connection carries nothing else; it gets no reply and is closed.
      ctx.close();
      try {
        server.sessionPool().execute(() -> server.cancels().cancel(cancel.processId(), cancel.secretKey()));
      } catch (RuntimeException e) {
        LOG.debug("cancel request dropped: {}", e.toString());
      }
    } else {
      connection.receive(message);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    connection.flushInbound();
    ctx.fireChannelReadComplete();
  }

  private void answerSslRequest(ChannelHandlerContext ctx) {
    if (ctx.pipeline().get(SslHandler.class) != null) {
      connection.receive(new FrontendMessage.ProtocolViolation("SSLRequest received on an encrypted connection"));
      connection.flushInbound();
      return;
    }
    if (server.sslContext() == null) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'N'}));
      return;
    }
    // The 'S' must leave in clear text: write it before the TLS handler joins the pipeline.
    // The client sends its ClientHello only after reading 'S', and this runs on the event loop,
    // so no encrypted byte can be decoded before the handler is in place.
    ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'S'}));
    ctx.pipeline().addFirst("tls", server.sslContext().newHandler(ctx.alloc()));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (connection != null) {
      connection.disconnected();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      connection.inputClosed(); // the client half-closed: finish queued work, then close
    } else if (evt instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
      LOG.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), handshake.cause().toString());
      ctx.close();
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (connection != null) {
      connection.writabilityChanged();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      LOG.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    } else {
      LOG.warn("connection {} failed", ctx.channel().remoteAddress(), cause);
    }
    ctx.close();
  }
}
