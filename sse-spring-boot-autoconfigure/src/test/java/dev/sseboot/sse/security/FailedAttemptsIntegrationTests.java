package dev.sseboot.sse.security;

import dev.sseboot.sse.fixtures.SseIntegrationTest;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

@SseIntegrationTest
@TestPropertySource(properties = { "sse.security.failed-attempts.enabled=true", "sse.security.failed-attempts.max=3",
		"sse.security.failed-attempts.window=1m" })
class FailedAttemptsIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void refusesAClientWithTooManyBadTokensUntilItsWindowEnds() {
		SseTestClient client = new SseTestClient(this.port);
		for (int i = 0; i < 3; i++) {
			assertThat(client.openWithBearer("/sse", "bad-token-" + i).status()).isEqualTo(403);
		}
		SseTestClient.Stream limited = client.openWithBearer("/sse", TestTokens.forUser("alex", "chat"));
		assertThat(limited.status()).isEqualTo(429);
		assertThat(limited.errorBody()).contains("\"code\":\"TOO_MANY_REQUESTS\"");
		assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 60L);
	}

}
