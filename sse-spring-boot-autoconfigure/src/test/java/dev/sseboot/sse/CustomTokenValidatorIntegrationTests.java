package dev.sseboot.sse;

import java.util.Optional;
import java.util.Set;

import dev.sseboot.sse.fixtures.CapturedLogs;
import dev.sseboot.sse.fixtures.SseTestApplication;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.security.JwtTokenValidator;
import dev.sseboot.sse.security.TokenAuthenticationManager;
import dev.sseboot.sse.test.SseTestClient;
import dev.sseboot.sse.test.SseTestClient.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user-declared {@link TokenValidator} is the only validator of the stream endpoint.
 * No JWT secret is set here: with one set, the default validator does not back off (see
 * {@code SseAutoConfigurationTests#backsOffWhenUserDefinesTokenValidatorAndSecretIsSet}).
 */
@SpringBootTest(classes = { SseTestApplication.class, CustomTokenValidatorIntegrationTests.Validator.class },
		webEnvironment = WebEnvironment.RANDOM_PORT)
class CustomTokenValidatorIntegrationTests {

	@RegisterExtension
	CapturedLogs logs = CapturedLogs.of(TokenAuthenticationManager.class);

	static final String BROKEN = "db-is-down-token";

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	SseTestClient client;

	@BeforeEach
	void setUp() {
		this.client = new SseTestClient(this.port);
	}

	@Test
	void replacesDefaultJwtValidator() {
		assertThat(this.context.getBeansOfType(TokenValidator.class)).hasSize(1);
		assertThat(this.context.getBeansOfType(JwtTokenValidator.class)).isEmpty();
	}

	@Test
	void acceptsTheUsersTokens() {
		try (Stream stream = this.client.openWithBearer("/sse", "api-key-alex")) {
			assertThat(stream.status()).isEqualTo(200);
			SseTestClient.Event connected = stream.next();
			assertThat(connected.field("userId")).isEqualTo("alex");
		}
	}

	@Test
	void refusesDefaultJwtTokens() {
		String token = TestTokens.forUser("alex", "chat");
		Stream stream = this.client.openWithBearer("/sse", token);
		assertThat(stream.status()).isEqualTo(403);
		assertThat(stream.errorBody()).contains("\"code\":\"FORBIDDEN\"").doesNotContain(token);
	}

	@Test
	void answers403WhenValidatorReturnsEmpty() {
		Stream stream = this.client.openWithBearer("/sse", "unknown-key");
		assertThat(stream.status()).isEqualTo(403);
		assertThat(stream.errorBody())
			.isEqualTo("{\"code\":\"FORBIDDEN\",\"message\":\"Invalid or expired token/api-key\"}");
	}

	@Test
	void answers403WhenValidatorThrowsInvalidTokenException() {
		Stream stream = this.client.openWithBearer("/sse", "revoked-key");
		assertThat(stream.status()).isEqualTo(403);
		assertThat(stream.errorBody())
			.isEqualTo("{\"code\":\"FORBIDDEN\",\"message\":\"Invalid or expired token/api-key\"}");
	}

	@Test
	void answers500WhenValidatorFails() {
		Stream stream = this.client.openWithQueryToken("/sse", BROKEN, "");
		assertThat(stream.status()).isEqualTo(500);
		assertThat(stream.header("Content-Type")).startsWith("application/json");
		assertThat(stream.errorBody()).isEqualTo("{\"code\":\"SERVER_ERROR\",\"message\":\"Token validation failed\"}")
			.doesNotContain(BROKEN);
		// Logged with its cause, for the operator, and without the token.
		assertThat(this.logs.text()).contains("ERROR SSE token validation failed")
			.contains("Connection refused: database at db:5432")
			.doesNotContain(BROKEN);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Validator {

		@Bean
		TokenValidator apiKeyValidator() {
			return (token) -> {
				if (token.equals(BROKEN)) {
					throw new IllegalStateException("Connection refused: database at db:5432");
				}
				if (token.equals("revoked-key")) {
					throw new InvalidTokenException("revoked");
				}
				if (token.startsWith("api-key-")) {
					return Optional.of(SsePrincipal.of(token.substring("api-key-".length()), Set.of("chat")));
				}
				return Optional.empty();
			};
		}

	}

}
