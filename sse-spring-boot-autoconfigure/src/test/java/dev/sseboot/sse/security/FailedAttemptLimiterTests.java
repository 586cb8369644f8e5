package dev.sseboot.sse.security;

import java.time.Duration;
import java.time.Instant;

import dev.sseboot.sse.fixtures.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FailedAttemptLimiterTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T12:00:00Z"));

	private final FailedAttemptLimiter limiter = new FailedAttemptLimiter(3, Duration.ofMinutes(1), 2, this.clock);

	@Test
	void blocksAClientAtItsLimitUntilTheWindowEnds() {
		for (int i = 0; i < 3; i++) {
			assertThat(this.limiter.retryAfter("10.0.0.1")).isNull();
			this.limiter.recordFailure("10.0.0.1");
		}
		this.clock.advance(Duration.ofSeconds(20));
		assertThat(this.limiter.retryAfter("10.0.0.1")).isEqualTo(Duration.ofSeconds(40));
		assertThat(this.limiter.retryAfter("10.0.0.2")).isNull();
		this.clock.advance(Duration.ofSeconds(40));
		assertThat(this.limiter.retryAfter("10.0.0.1")).isNull();
	}

	@Test
	void tracksABoundedNumberOfClients() {
		this.limiter.recordFailure("10.0.0.1");
		this.clock.advance(Duration.ofSeconds(1));
		this.limiter.recordFailure("10.0.0.2");
		this.limiter.recordFailure("10.0.0.3");
		for (int i = 0; i < 2; i++) {
			this.limiter.recordFailure("10.0.0.3");
		}
		assertThat(this.limiter.retryAfter("10.0.0.3")).isNotNull();
	}

}
