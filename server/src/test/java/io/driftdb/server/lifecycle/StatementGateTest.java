package io.driftdb.server.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdb.sql.SqlError;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StatementGateTest {

  @Test
  void closingWaitsForRunningRequestsAndRefusesNewOnes() throws Exception {
    StatementGate gate = new StatementGate();
    gate.enter();
    CompletableFuture<Integer> closed = CompletableFuture.supplyAsync(() -> {
      try {
        return gate.closeAndAwait(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(100);
    assertThat(closed).isNotDone();
    assertThatThrownBy(gate::enter).isInstanceOfSatisfying(SqlError.class,
        e -> assertThat(e.sqlState()).isEqualTo("57P01"));
    assertThatThrownBy(gate::checkOpen).isInstanceOfSatisfying(SqlError.class,
        e -> assertThat(e.sqlState()).isEqualTo("57P03"));
    gate.exit();
    assertThat(closed.get(10, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void closingGivesUpAfterTheTimeoutAndSaysHowManyAreLeft() throws Exception {
    StatementGate gate = new StatementGate();
    gate.enter();
    gate.enter();
    long t0 = System.nanoTime();
    assertThat(gate.closeAndAwait(Duration.ofMillis(200))).isEqualTo(2);
    assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(190));
  }
}
