package io.driftdb.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The waits of {@link AppendFuture}: yield-polling first, then blocking, with the usual results. */
class AppendFutureTest {
  private static final long SPIN = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  void joinSeesACompletionMadeWhileItPollsAndOneMadeAfterItParked() throws Exception {
    for (long delayMs : new long[] {0, 50}) { // within the spin budget, then well past it
      AppendFuture f = new AppendFuture(SPIN);
      Thread completer = new Thread(() -> {
        sleep(delayMs);
        f.complete(new Appended(7, 1234));
      });
      completer.start();
      assertThat(f.join()).isEqualTo(new Appended(7, 1234));
      assertThat(f.get()).isEqualTo(new Appended(7, 1234));
      completer.join();
    }
  }

  @Test
  void failuresAndTimeoutsAreReportedAsByAnyCompletableFuture() {
    AppendFuture failed = new AppendFuture(SPIN);
    failed.completeExceptionally(new LogFailedException(Path.of("d"), new java.io.IOException("disk gone")));
    assertThatThrownBy(failed::join).isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(LogFailedException.class);
    assertThatThrownBy(failed::get).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(LogFailedException.class);

    AppendFuture pending = new AppendFuture(TimeUnit.SECONDS.toNanos(10));
    long start = System.nanoTime();
    // The timeout bounds the spin too: a 10 s budget does not make a 20 ms get wait 10 s.
    assertThatThrownBy(() -> pending.get(20, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
  }

  @Test
  void anInterruptedWaiterStopsPollingAndGetThrows() {
    AppendFuture f = new AppendFuture(TimeUnit.SECONDS.toNanos(30));
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(f::get).isInstanceOf(InterruptedException.class);
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void configRefusesANegativeSpin() {
    assertThatThrownBy(() -> LogConfig.builder(Path.of("d")).appendWaitSpinNanos(-1).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be negative");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
