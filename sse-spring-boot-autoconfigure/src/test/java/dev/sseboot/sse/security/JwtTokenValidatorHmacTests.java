package dev.sseboot.sse.security;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.sseboot.sse.InvalidTokenException;
import dev.sseboot.sse.SsePrincipal;
import dev.sseboot.sse.fixtures.TestTokens;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The shared-secret validator: claim mapping and which HMAC algorithms a secret allows.
 */
class JwtTokenValidatorHmacTests {

	private static final String LONG_SECRET = "0123456789abcdef".repeat(4);

	private final JwtTokenValidator validator = JwtTokenValidator.withSecret(TestTokens.SECRET, Duration.ofSeconds(30),
			true);

	@Test
	void readsUserFromSubAndChannelsFromArray() {
		SsePrincipal principal = this.validator.validate(TestTokens.forUser("alex", "chat", "project:*")).orElseThrow();
		assertThat(principal.userId()).isEqualTo("alex");
		assertThat(principal.channels()).containsExactlyInAnyOrder("chat", "project:*");
		assertThat(principal.expiresAt()).isAfter(Instant.now());
	}

	@Test
	void prefersSubOverUserId() {
		String token = TestTokens.withClaims(Map.of("sub", "alex", "userId", "bob"), Duration.ofMinutes(5));
		assertThat(this.validator.validate(token).orElseThrow().userId()).isEqualTo("alex");
	}

	@Test
	void acceptsHs384AndHs512WithLongEnoughSecret() {
		JwtTokenValidator validator = JwtTokenValidator.withSecret(LONG_SECRET, Duration.ofSeconds(30), true);
		for (String algorithm : List.of("HS256", "HS384", "HS512")) {
			String token = TestTokens.signHmac(algorithm, LONG_SECRET,
					"{\"sub\":\"alex\",\"exp\":" + Instant.now().plusSeconds(60).getEpochSecond() + "}");
			assertThat(validator.validate(token)).as(algorithm).isPresent();
		}
	}

	@Test
	void refusesHmacAlgorithmTheSecretIsTooShortForAsInvalidToken() {
		for (String algorithm : List.of("HS384", "HS512")) {
			String token = TestTokens.signHmac(algorithm, TestTokens.SECRET,
					"{\"sub\":\"alex\",\"exp\":" + Instant.now().plusSeconds(60).getEpochSecond() + "}");
			assertThatExceptionOfType(InvalidTokenException.class).as(algorithm)
				.isThrownBy(() -> this.validator.validate(token));
		}
	}

	@Test
	void refusesSecretShorterThan32Bytes() {
		assertThatIllegalStateException()
			.isThrownBy(() -> JwtTokenValidator.withSecret("x".repeat(31), Duration.ZERO, true))
			.withMessageContaining("HMAC-SHA256 needs at least 32 bytes");
	}

}
