package dev.sseboot.sse.security;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.sseboot.sse.fixtures.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class TokenRevocationsTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T12:00:00Z"));

	private final List<String> closed = new ArrayList<>();

	private final TokenRevocations revocations = new TokenRevocations(2, (tokenId, expiresAt) -> this.closed.add(tokenId), this.clock);

	@Test
	void refusesRevokedTokenAndClosesItsStreams() {
		this.revocations.revoke("t1", this.clock.instant().plus(Duration.ofMinutes(5)));
		assertThat(this.revocations.isRevoked("t1")).isTrue();
		assertThat(this.revocations.isRevoked("t2")).isFalse();
		assertThat(this.closed).containsExactly("t1");
	}

	@Test
	void forgetsRevocationsOnceTheTokenHasExpired() {
		this.revocations.revoke("t1", this.clock.instant().plus(Duration.ofMinutes(5)));
		this.clock.advance(Duration.ofMinutes(6));
		assertThat(this.revocations.isRevoked("t1")).isTrue();
		assertThat(this.revocations.size()).isZero();
	}

	@Test
	void makesRoomByPurgingExpiredEntriesAndFailsRatherThanForgetAnUnexpiredOne() {
		this.revocations.revoke("t1", this.clock.instant().plus(Duration.ofMinutes(1)));
		this.revocations.revoke("t2", this.clock.instant().plus(Duration.ofMinutes(10)));
		this.clock.advance(Duration.ofMinutes(2));
		this.revocations.revoke("t3", this.clock.instant().plus(Duration.ofMinutes(10)));
		assertThat(this.revocations.size()).isEqualTo(2);
		assertThatIllegalStateException()
			.isThrownBy(() -> this.revocations.revoke("t4", this.clock.instant().plus(Duration.ofMinutes(10))))
			.withMessageContaining("sse.security.max-revoked-tokens");
		assertThat(this.revocations.isRevoked("t2")).isTrue();
		assertThat(this.revocations.isRevoked("t3")).isTrue();
	}

}
