package dev.sseboot.sse.security;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.SsePrincipal;
import dev.sseboot.sse.TokenValidator;
import dev.sseboot.sse.fixtures.ApplicationEndpoints;
import dev.sseboot.sse.fixtures.SseTestApplication;
import dev.sseboot.sse.test.SseTestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(classes = { SseTestApplication.class, HardeningIntegrationTests.OpaqueTokens.class },
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.security.cache.enabled=true", "sse.cors.allowed-origins=https://app.example.com",
				"sse.cors.allow-credentials=true", "sse.cors.max-age=10m", "logging.level.dev.sseboot.sse=debug" })
@ExtendWith(OutputCaptureExtension.class)
class HardeningIntegrationTests {

	private static final String APP_ORIGIN = "https://app.example.com";

	@LocalServerPort
	int port;

	@Autowired
	SseBroker broker;

	@Autowired
	OpaqueTokens tokens;

	SseTestClient client;

	@BeforeEach
	void setUp() {
		this.client = new SseTestClient(this.port);
	}

	@Test
	void validatesARepeatedTokenOnceWhenTheCacheIsEnabled() {
		int before = this.tokens.calls.get();
		for (int i = 0; i < 3; i++) {
			try (SseTestClient.Stream stream = this.client.openWithBearer("/sse", "opaque-cached-user")) {
				assertThat(stream.status()).isEqualTo(200);
			}
		}
		assertThat(this.tokens.calls.get() - before).isEqualTo(1);
	}

	@Test
	void answersPreflightOfAListedOriginWithCredentials() {
		HttpResponse<String> preflight = this.client.send("OPTIONS", "/sse",
				Map.of("Origin", APP_ORIGIN, "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers",
						"authorization,last-event-id"));
		assertThat(preflight.statusCode()).isEqualTo(200);
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP_ORIGIN);
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
		assertThat(preflight.headers().firstValue("Access-Control-Max-Age")).hasValue("600");
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow().toLowerCase())
			.contains("authorization")
			.contains("last-event-id");
	}

	@Test
	void allowsAStreamFromAListedOrigin() {
		try (SseTestClient.Stream stream = this.client.open("/sse",
				Map.of("Origin", APP_ORIGIN, "Authorization", "Bearer opaque-cors-user"))) {
			assertThat(stream.status()).isEqualTo(200);
			assertThat(stream.header("Access-Control-Allow-Origin")).isEqualTo(APP_ORIGIN);
		}
	}

	@Test
	void neverReflectsAnUnlistedOrigin() {
		int before = this.broker.connectionCount();
		SseTestClient.Stream stream = this.client.open("/sse",
				Map.of("Origin", "https://evil.example", "Authorization", "Bearer opaque-evil-user"));
		assertThat(stream.status()).isEqualTo(403);
		assertThat(stream.errorBody()).startsWith("{\"code\":\"FORBIDDEN\",\"message\":");
		assertThat(stream.header("Access-Control-Allow-Origin")).isNull();
		assertThat(this.broker.isOnline("evil-user")).isFalse();
		assertThat(this.broker.connectionCount()).isLessThanOrEqualTo(before);
		HttpResponse<String> preflight = this.client.send("OPTIONS", "/sse",
				Map.of("Origin", "https://evil.example", "Access-Control-Request-Method", "GET"));
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
	}

	@Test
	void appliesTheStreamCorsRulesToTheStreamPathOnly() {
		HttpResponse<String> preflight = this.client.send("OPTIONS", "/other/hello",
				Map.of("Origin", APP_ORIGIN, "Access-Control-Request-Method", "GET"));
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
	}

	@Test
	void neverLogsTokens(CapturedOutput output) {
		String valid = "opaque-logged-user-3f9a1c";
		String invalid = "not-a-valid-token-77e2b9";
		try (SseTestClient.Stream stream = this.client.openWithQueryToken("/sse", valid, "")) {
			stream.next("sse-connected");
			this.broker.disconnectUser("logged-user");
			stream.next("sse-close");
			await().until(stream::ended);
		}
		assertThat(this.client.openWithQueryToken("/sse", invalid, "").status()).isEqualTo(403);
		SseTestClient.Stream refused = this.client.openWithBearer("/sse", invalid);
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.errorBody()).doesNotContain(invalid);
		assertThat(output).contains("Rejected SSE token").doesNotContain(valid).doesNotContain(invalid);
	}

	@Configuration(proxyBeanMethods = false)
	@Import(ApplicationEndpoints.class)
	static class OpaqueTokens {

		final AtomicInteger calls = new AtomicInteger();

		@Bean
		TokenValidator opaqueTokenValidator() {
			// Stands for a database lookup: "opaque-<user>" is valid for an hour.
			return (token) -> {
				this.calls.incrementAndGet();
				if (!token.startsWith("opaque-")) {
					return Optional.empty();
				}
				String userId = token.substring("opaque-".length()).replaceAll("-[0-9a-f]{6}$", "");
				return Optional.of(new SsePrincipal(userId, Set.of("*"), Instant.now().plusSeconds(3600), null,
						Map.of()));
			};
		}

	}

}
