package io.driftdb.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BearerTokenFilterTest {
  private final BearerTokenFilter filter = new BearerTokenFilter("mysecrettoken");

  @Test
  void acceptsOnlyTheExactTokenWithTheBearerScheme() {
    assertThat(filter.authorized("Bearer mysecrettoken")).isTrue();
    assertThat(filter.authorized("bearer mysecrettoken")).as("scheme is case-insensitive").isTrue();
    assertThat(filter.authorized(null)).isFalse();
    assertThat(filter.authorized("Bearer")).isFalse();
    assertThat(filter.authorized("Bearer ")).isFalse();
    assertThat(filter.authorized("Bearer mysecrettoke")).isFalse();
    assertThat(filter.authorized("Bearer mysecrettokenX")).isFalse();
    assertThat(filter.authorized("Basic mysecrettoken")).isFalse();
    assertThat(filter.authorized("mysecrettoken")).isFalse();
  }
}
