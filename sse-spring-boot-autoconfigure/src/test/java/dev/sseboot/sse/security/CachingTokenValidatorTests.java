package dev.sseboot.sse.security;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import dev.sseboot.sse.SsePrincipal;
import dev.sseboot.sse.TokenValidator;
import dev.sseboot.sse.fixtures.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CachingTokenValidatorTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T12:00:00Z"));

	private final AtomicInteger calls = new AtomicInteger();

	@Test
	void callsTheValidatorOnceForARepeatedToken() throws Exception {
		CachingTokenValidator cache = cachingFor(principalExpiringIn(Duration.ofHours(1)));
		assertThat(cache.validate("token-a")).isPresent();
		assertThat(cache.validate("token-a")).isPresent();
		assertThat(this.calls).hasValue(1);
		assertThat(cache.validate("token-b")).isPresent();
		assertThat(this.calls).hasValue(2);
	}

	@Test
	void neverServesAPrincipalPastItsExpiry() throws Exception {
		CachingTokenValidator cache = cachingFor(principalExpiringIn(Duration.ofSeconds(30)));
		assertThat(cache.validate("token-a")).isPresent();
		this.clock.advance(Duration.ofSeconds(31));
		cache.validate("token-a");
		assertThat(this.calls).hasValue(2);
	}

	@Test
	void doesNotCacheRefusals() throws Exception {
		CachingTokenValidator cache = new CachingTokenValidator((token) -> {
			this.calls.incrementAndGet();
			return Optional.empty();
		}, Duration.ofMinutes(5), 100, this.clock);
		cache.validate("token-a");
		cache.validate("token-a");
		assertThat(this.calls).hasValue(2);
		assertThat(cache.size()).isZero();
	}

	private CachingTokenValidator cachingFor(SsePrincipal principal) {
		TokenValidator counting = (token) -> {
			this.calls.incrementAndGet();
			return Optional.of(principal);
		};
		return new CachingTokenValidator(counting, Duration.ofMinutes(5), 100, this.clock);
	}

	private SsePrincipal principalExpiringIn(Duration duration) {
		return new SsePrincipal("alex", Set.of("chat"), this.clock.instant().plus(duration), "jti-1", Map.of());
	}

}
