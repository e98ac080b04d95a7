package io.driftdb.materializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdb.log.LogCursor;
import io.driftdb.log.LogRecord;
import io.driftdb.schemas.Schemas;
import io.driftdb.schemas.TransactionCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class DecodingCursorTest {
  private static final TransactionCodec CODEC = new TransactionCodec();

  /** A cursor over {@code n} records that throws at record {@code failAt} (or never). */
  private static LogCursor records(int n, int failAt, AtomicBoolean closed) {
    return new LogCursor() {
      int next;

      @Override
      public boolean hasNext() {
        return next < n;
      }

      @Override
      public LogRecord next() {
        if (next == failAt) {
          throw new IllegalStateException("CRC mismatch at " + next);
        }
        byte[] value = CODEC.encode(Schemas.transaction("u" + next).setEvents(List.of()).build());
        return new LogRecord(next++, 1000L + next, null, value, List.of());
      }

      @Override
      public void close() {
        closed.set(true);
      }
    };
  }

  @Test
  void decodesEveryRecordInOrder() {
    AtomicBoolean closed = new AtomicBoolean();
    List<String> users = new ArrayList<>();
    try (DecodingCursor c = new DecodingCursor(records(1000, -1, closed))) {
      long expected = 0;
      while (c.hasNext()) {
        DecodingCursor.Decoded d = c.next();
        assertThat(d.seq()).isEqualTo(expected++);
        users.add(d.tx().getUser());
      }
    }
    assertThat(users).hasSize(1000).startsWith("u0", "u1").endsWith("u999");
    assertThat(closed).isTrue();
  }

  @Test
  void aReadErrorSurfacesAfterTheRecordsBeforeIt() {
    AtomicBoolean closed = new AtomicBoolean();
    try (DecodingCursor c = new DecodingCursor(records(1000, 700, closed))) {
      int seen = 0;
      while (seen < 700) {
        c.next();
        seen++;
      }
      assertThatThrownBy(c::hasNext).hasMessageContaining("CRC mismatch at 700");
    }
  }

  @Test
  void closingEarlyStopsTheReader() {
    AtomicBoolean closed = new AtomicBoolean();
    try (DecodingCursor c = new DecodingCursor(records(100_000, -1, closed))) {
      c.next();
    }
    assertThat(closed).isTrue();
  }
}
