package io.driftdb.pgwire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;

/**
 * Buffers one connection's outgoing messages on the session thread and hands them to Netty in
 * batches: at ReadyForQuery, Flush, COPY hand-overs, and whenever a batch passes
 * {@link #BATCH_BYTES}. If the client reads slower than results are produced, the channel turns
 * unwritable and the session thread waits here, so a large result never piles up in memory.
 */
final class Outbox {

  static final int BATCH_BYTES = 64 * 1024;

  private final Channel channel;
  private final Object writable = new Object();
  private ByteBuf buf;

  Outbox(Channel channel) {
    this.channel = channel;
  }

  /** The buffer to append messages to. */
  ByteBuf buf() {
    if (buf == null) {
      buf = channel.alloc().buffer(512);
    }
    return buf;
  }

  /** Sends the batch if it has grown past {@link #BATCH_BYTES}. */
  void maybeFlush() {
    if (buf != null && buf.readableBytes() >= BATCH_BYTES) {
      flush();
    }
  }

  void flush() {
    if (buf == null) {
      return;
    }
    ByteBuf out = buf;
    buf = null;
    if (!out.isReadable()) {
      out.release();
      return;
    }
    channel.writeAndFlush(out, channel.voidPromise());
    awaitWritable();
  }

  /** Sends what is buffered and closes the connection once it is written. */
  void flushAndClose() {
    ByteBuf out = buf;
    buf = null;
    if (out != null && out.isReadable() && channel.isActive()) {
      channel.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    } else {
      if (out != null) {
        out.release();
      }
      channel.close();
    }
  }

  /** Drops unsent output (connection gone). */
  void discard() {
    if (buf != null) {
      buf.release();
      buf = null;
    }
  }

  /** Called on the event loop when the channel's writability flips. */
  void writabilityChanged() {
    synchronized (writable) {
      writable.notifyAll();
    }
  }

  private void awaitWritable() {
    synchronized (writable) {
      while (!channel.isWritable() && channel.isActive()) {
        try {
          writable.wait(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
