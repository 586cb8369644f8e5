package dev.sseboot.sse.security;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.sseboot.sse.InvalidTokenException;
import dev.sseboot.sse.SsePrincipal;
import dev.sseboot.sse.fixtures.CapturedLogs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TokenAuthenticationManagerTests {

	private static final String TOKEN = "secret-token-value-0123456789";

	private final TokenRevocations revocations = new TokenRevocations(10, (tokenId, expiresAt) -> {
	}, Clock.systemUTC());

	@RegisterExtension
	CapturedLogs logs = CapturedLogs.of(TokenAuthenticationManager.class);

	@Test
	void masksTheTokenInTheLoggedFailureOfAValidator() {
		TokenAuthenticationManager manager = new TokenAuthenticationManager((token) -> {
			throw new IllegalStateException("lookup failed", new SQLException("no row for " + token));
		}, this.revocations);
		assertThatExceptionOfType(AuthenticationServiceException.class)
			.isThrownBy(() -> manager.authenticate(new BearerTokenAuthenticationToken(TOKEN)))
			.withMessage("Token validation failed");
		assertThat(this.logs.text()).contains("java.sql.SQLException: no row for [token]").doesNotContain(TOKEN);
	}

	@Test
	void masksTheTokenInTheLoggedReasonOfARefusal() {
		TokenAuthenticationManager manager = new TokenAuthenticationManager((token) -> {
			throw new InvalidTokenException("unknown key " + token);
		}, this.revocations);
		assertThatExceptionOfType(InvalidBearerTokenException.class)
			.isThrownBy(() -> manager.authenticate(new BearerTokenAuthenticationToken(TOKEN)))
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain(TOKEN));
		assertThat(this.logs.text()).contains("unknown key [token]").doesNotContain(TOKEN);
	}

	@Test
	void refusesARevokedToken() {
		SsePrincipal principal = new SsePrincipal("alex", Set.of("chat"), Instant.now().plusSeconds(60), "jti-1",
				Map.of());
		TokenAuthenticationManager manager = new TokenAuthenticationManager((token) -> Optional.of(principal),
				this.revocations);
		assertThat(manager.authenticate(new BearerTokenAuthenticationToken(TOKEN)).getName()).isEqualTo("alex");
		this.revocations.revoke("jti-1", principal.expiresAt());
		assertThatExceptionOfType(InvalidBearerTokenException.class)
			.isThrownBy(() -> manager.authenticate(new BearerTokenAuthenticationToken(TOKEN)));
	}

}
