package io.driftdb.materializer;

import io.driftdb.log.LogCursor;
import io.driftdb.log.LogRecord;
import io.driftdb.schemas.TransactionCodec;
import io.driftdb.schemas.TransactionRecord;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads and decodes log records on a second thread while the caller applies the previous ones,
 * so a replay uses two cores: reading, CRC checks and Avro decoding here, version chains and
 * indexes in the applying thread. Records keep their order; an error in the reader surfaces
 * from {@link #next()}.
 */
public final class DecodingCursor implements Iterator<DecodingCursor.Decoded>, AutoCloseable {
  /** A record with its decoded transaction. */
  public record Decoded(long seq, long timestampMs, int bytes, TransactionRecord tx) {}

  /** A chunk is handed over at this many records or encoded bytes; few chunks wait, so little decoded data is live. */
  private static final int CHUNK = 256;
  private static final int CHUNK_BYTES = 256 * 1024;
  private static final List<Decoded> END = List.of();

  private final LogCursor cursor;
  private final BlockingQueue<List<Decoded>> queue = new ArrayBlockingQueue<>(4);
  private final Thread reader;
  private volatile boolean closed;
  private volatile RuntimeException failure;
  private List<Decoded> chunk = new ArrayList<>();
  private int pos;
  private boolean ended;

  public DecodingCursor(LogCursor cursor) {
    this.cursor = cursor;
    this.reader = new Thread(this::readAll, "driftdb-log-decoder");
    reader.setDaemon(true);
    reader.start();
  }

  private void readAll() {
    TransactionCodec codec = new TransactionCodec();
    List<Decoded> out = new ArrayList<>(CHUNK);
    int bytes = 0;
    try {
      while (!closed && cursor.hasNext()) {
        LogRecord r = cursor.next();
        out.add(new Decoded(r.seq(), r.timestampMs(), r.value().length, codec.decode(r.value())));
        bytes += r.value().length;
        if (out.size() == CHUNK || bytes >= CHUNK_BYTES) {
          queue.put(out);
          out = new ArrayList<>(CHUNK);
          bytes = 0;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (RuntimeException e) {
      failure = e;
    }
    try {
      // The records read before an error are delivered first, as a plain cursor would.
      if (!out.isEmpty()) {
        queue.put(out);
      }
      queue.put(END);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean hasNext() {
    while (!ended && pos == chunk.size()) {
      try {
        chunk = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while reading the log", e);
      }
      pos = 0;
      if (chunk == END) {
        ended = true;
      }
    }
    if (ended && failure != null) {
      throw failure;
    }
    return !ended;
  }

  @Override
  public Decoded next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return chunk.get(pos++);
  }

  @Override
  public void close() {
    closed = true;
    // No interrupt: it would close the FileChannels the reader is using, which the log shares.
    // Draining lets a reader blocked on the full queue see the flag and finish.
    try {
      while (reader.isAlive()) {
        queue.clear();
        reader.join(10);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    cursor.close();
  }
}
