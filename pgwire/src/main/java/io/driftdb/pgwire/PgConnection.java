package io.driftdb.pgwire;

import io.driftdb.pgwire.codec.TextCodec;
import io.driftdb.sql.SqlSession;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection's protocol state machine: startup and authentication, then simple and
 * extended queries and COPY, until Terminate or disconnect. {@link #receive} is called on the
 * event loop; everything else runs on this connection's {@link SerialExecutor}, so the state here
 * is confined to one thread at a time and messages are handled strictly in arrival order.
 */
final class PgConnection {

  private static final Logger LOG = LoggerFactory.getLogger(PgConnection.class);
  /** Stop reading the socket when this many decoded messages wait (a client pipelining without limit). */
  private static final int PAUSE_READING_AT = 256;
  private static final int RESUME_READING_AT = 64;
  /** Messages of one read handed over together at most (see {@link #receive}). */
  private static final int MAX_INBOUND_BATCH = 32;

  enum State { AWAITING_STARTUP, AUTHENTICATING, READY, COPY_IN, CLOSED }

  private final Channel channel;
  private final ServerContext server;
  private final Outbox out;
  private final SerialExecutor serial;
  private final AtomicInteger pending = new AtomicInteger();
  /** Decoded but not yet handed to the session thread; event loop only. */
  private List<FrontendMessage> inbound;
  private final StartupHandler startup;
  private final SimpleQueryHandler simple;
  private final ExtendedQueryHandler extended;

  private State state = State.AWAITING_STARTUP;
  /** Read from the event loop on disconnect (to cancel), hence volatile. */
  private volatile SqlSession session;
  /** Read by the event loop's authentication timer. */
  private volatile boolean authenticated;
  private CancelRegistry.Key cancelKey;
  private boolean holdsConnectionSlot;
  private TextCodec text = new TextCodec(ZoneOffset.UTC);
  private CopyInHandler copyIn;

  PgConnection(Channel channel, ServerContext server) {
    this.channel = channel;
    this.server = server;
    this.out = new Outbox(channel);
    this.serial = new SerialExecutor(server.sessionPool());
    this.startup = new StartupHandler(this, server);
    this.simple = new SimpleQueryHandler(this);
    this.extended = new ExtendedQueryHandler(this);
  }

  // ---------------------------------------------------------------- event loop side

  /**
   * Takes a decoded message. Messages decoded from one socket read (pgbench and the drivers send
   * Bind, Execute and Sync in one packet) are handed to the session thread together, at
   * {@link #flushInbound()}: one hand-off and one thread wake-up per read rather than one per
   * message, and the session thread never finishes Bind before Execute has been queued.
   */
  void receive(FrontendMessage message) {
    if (pending.incrementAndGet() >= PAUSE_READING_AT) {
      channel.config().setAutoRead(false);
    }
    if (inbound == null) {
      inbound = new ArrayList<>(4);
    }
    inbound.add(message);
    if (inbound.size() >= MAX_INBOUND_BATCH) {
      flushInbound(); // a long pipeline starts executing while the rest is still being decoded
    }
  }

  /** Hands the messages received so far to the session thread (end of a read, or before anything else happens). */
  void flushInbound() {
    List<FrontendMessage> batch = inbound;
    if (batch == null) {
      return;
    }
    inbound = null;
    serial.execute(() -> {
      for (FrontendMessage message : batch) {
        try {
          handle(message);
        } finally {
          if (pending.decrementAndGet() == RESUME_READING_AT) {
            // Decide on the event loop, where reading was paused, to avoid racing with it.
            channel.eventLoop().execute(() -> {
              if (pending.get() <= RESUME_READING_AT) {
                channel.config().setAutoRead(true);
              }
            });
          }
        }
      }
    });
  }

  void disconnected() {
    flushInbound();
    SqlSession s = session;
    if (s != null) {
      try {
        s.cancel(); // nobody will read the result of a running statement
      } catch (RuntimeException e) {
        LOG.debug("cancel on disconnect failed", e);
      }
    }
    serial.execute(this::release);
  }

  void inputClosed() {
    flushInbound();
    serial.execute(() -> {
      if (state != State.CLOSED) {
        close();
      }
    });
  }

  void writabilityChanged() {
    out.writabilityChanged();
  }

  // ---------------------------------------------------------------- session thread side

  private void handle(FrontendMessage message) {
    if (state == State.CLOSED) {
      return;
    }
    try {
      if (message instanceof FrontendMessage.ProtocolViolation violation) {
        fatal(PgException.protocolViolation(violation.message()));
        return;
      }
      if (message instanceof FrontendMessage.Terminate) {
        close();
        return;
      }
      switch (state) {
        case AWAITING_STARTUP -> startup.onStartupPhaseMessage(message);
        case AUTHENTICATING -> startup.onAuthenticationMessage(message);
        case READY -> handleReady(message);
        case COPY_IN -> copyIn.handle(message);
        default -> { }
      }
    } catch (PgException e) {
      if (e.fatal()) {
        fatal(e);
      } else {
        // Handlers deal with statement errors themselves; reaching here means a broken invariant.
        LOG.warn("unhandled protocol error", e);
        fatal(PgException.from(e));
      }
    } catch (Throwable t) {
      LOG.error("internal error on connection {}", channel.remoteAddress(), t);
      fatal(PgException.fatal("XX000", "internal error: " + t));
    }
  }

  private void handleReady(FrontendMessage m) {
    if (m instanceof FrontendMessage.Sync) {
      extended.sync();
      return;
    }
    if (extended.skippingUntilSync()) {
      return; // after an error in the extended protocol everything up to Sync is discarded
    }
    if (m instanceof FrontendMessage.InvalidEncoding bad) {
      PgException error = PgException.error("22021", "invalid byte sequence for encoding \"UTF8\"");
      if (bad.type() == 'Q' || bad.type() == 'F') {
        sendError(error);
        readyForQuery();
      } else if (bad.type() != 'd' && bad.type() != 'c' && bad.type() != 'f') {
        extended.fail(error);
      }
    } else if (m instanceof FrontendMessage.Query q) {
      simple.handle(q);
    } else if (m instanceof FrontendMessage.Parse || m instanceof FrontendMessage.Bind
        || m instanceof FrontendMessage.Describe || m instanceof FrontendMessage.Execute
        || m instanceof FrontendMessage.Close) {
      extended.handle(m);
    } else if (m instanceof FrontendMessage.Flush) {
      out.flush();
    } else if (m instanceof FrontendMessage.CopyData || m instanceof FrontendMessage.CopyDone
        || m instanceof FrontendMessage.CopyFail) {
      // Ignored outside COPY, as PostgreSQL does: usually the tail of a COPY that already failed.
    } else if (m instanceof FrontendMessage.FunctionCall) {
      sendError(PgException.error("0A000", "the function call sub-protocol is not supported"));
      readyForQuery();
    } else {
      throw PgException.protocolViolation("unexpected message " + m.getClass().getSimpleName());
    }
  }

  // ---------------------------------------------------------------- services for the handlers

  ByteBuf buf() {
    return out.buf();
  }

  Outbox outbox() {
    return out;
  }

  Channel channel() {
    return channel;
  }

  SqlSession session() {
    return session;
  }

  TextCodec text() {
    return text;
  }

  ExtendedQueryHandler extended() {
    return extended;
  }

  void state(State next) {
    state = next;
  }

  /** Called by {@link StartupHandler} once authentication succeeded and the session is open. */
  void sessionOpened(SqlSession opened, CancelRegistry.Key key, ZoneId zone) {
    session = opened;
    authenticated = true;
    cancelKey = key;
    text = new TextCodec(zone);
  }

  boolean authenticated() {
    return authenticated;
  }

  void holdConnectionSlot() {
    holdsConnectionSlot = true;
  }

  void sendError(PgException e) {
    BackendMessages.error(out.buf(), e);
  }

  /** Sends ParameterStatus for settings a statement changed, and follows TimeZone for timestamptz text. */
  void settingsChanged(Map<String, String> changed) {
    if (changed == null) {
      return;
    }
    for (Map.Entry<String, String> e : changed.entrySet()) {
      BackendMessages.parameterStatus(out.buf(), e.getKey(), e.getValue() == null ? "" : e.getValue());
      if (e.getKey().equalsIgnoreCase("TimeZone") && e.getValue() != null) {
        TimeZones.resolve(e.getValue()).ifPresentOrElse(z -> text = new TextCodec(z),
            () -> LOG.debug("engine reported unknown TimeZone {}", e.getValue()));
      }
    }
  }

  void readyForQuery() {
    char status = 'I';
    SqlSession s = session;
    if (s != null) {
      try {
        status = s.transactionStatus().code();
      } catch (RuntimeException e) {
        LOG.warn("transactionStatus failed", e);
      }
    }
    BackendMessages.readyForQuery(out.buf(), status);
    out.flush();
  }

  void startCopyIn(CopyInHandler handler, int columnCount) {
    copyIn = handler;
    state = State.COPY_IN;
    BackendMessages.copyResponse(out.buf(), 'G', columnCount);
    out.flush();
  }

  void copyInFinished() {
    copyIn = null;
    state = State.READY;
  }

  SimpleQueryHandler simple() {
    return simple;
  }

  /** Reports a fatal error and ends the connection. */
  void fatal(PgException e) {
    if (state == State.CLOSED) {
      return;
    }
    LOG.debug("closing connection {}: {} {}", channel.remoteAddress(), e.sqlState(), e.getMessage());
    BackendMessages.error(out.buf(), new PgException(e.sqlState(), e.getMessage(), true, e.detail(), e.hint(), null));
    state = State.CLOSED;
    out.flushAndClose();
    release();
  }

  /** Orderly end (Terminate or client EOF). */
  void close() {
    state = State.CLOSED;
    out.flushAndClose();
    release();
  }

  /** Frees the session and the connection's registrations; idempotent. */
  private void release() {
    state = State.CLOSED;
    out.discard();
    SqlSession s = session;
    session = null;
    if (cancelKey != null) {
      server.cancels().unregister(cancelKey);
      cancelKey = null;
    }
    if (holdsConnectionSlot) {
      holdsConnectionSlot = false;
      server.openConnections().decrementAndGet();
    }
    if (s != null) {
      try {
        s.close();
      } catch (RuntimeException e) {
        LOG.warn("closing session failed", e);
      }
    }
  }
}
