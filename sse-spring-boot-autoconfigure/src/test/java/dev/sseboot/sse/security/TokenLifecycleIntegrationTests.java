package dev.sseboot.sse.security;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.fixtures.SseIntegrationTest;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SseIntegrationTest
class TokenLifecycleIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	SseBroker broker;

	@Autowired
	TokenRevocations revocations;

	SseTestClient client;

	@BeforeEach
	void setUp() {
		this.client = new SseTestClient(this.port);
	}

	@Test
	void revokingATokenClosesItsStreamsAndRefusesItAfterwards() {
		Instant expiresAt = Instant.now().plus(Duration.ofHours(1));
		String revoked = TestTokens.hs256(
				TestTokens.claims("rita", "chat").jwtID("jti-revoked").expirationTime(Date.from(expiresAt)).build());
		String other = TestTokens.hs256(TestTokens.claims("rita", "chat").jwtID("jti-other").build());
		try (SseTestClient.Stream stream = this.client.openWithBearer("/sse", revoked);
				SseTestClient.Stream untouched = this.client.openWithBearer("/sse", other)) {
			stream.next("sse-connected");
			untouched.next("sse-connected");
			this.revocations.revoke("jti-revoked", expiresAt);
			assertThat(stream.next("sse-close").data()).isEqualTo("{\"reason\":\"revoked\"}");
			await().until(stream::ended);
			this.broker.toUser("rita").send("note", "still here");
			assertThat(untouched.next("note").data()).isEqualTo("still here");
		}
		SseTestClient.Stream refused = this.client.openWithBearer("/sse", revoked);
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.errorBody()).contains("\"code\":\"FORBIDDEN\"").doesNotContain(revoked);
	}

	@Test
	void disconnectingAUserClosesEachOfItsStreamsWithReasonRevoked() {
		try (SseTestClient.Stream first = this.client.openWithBearer("/sse", TestTokens.forUser("dora", "chat"));
				SseTestClient.Stream second = this.client.openWithQueryToken("/sse", TestTokens.forUser("dora", "chat"),
						"")) {
			first.next("sse-connected");
			second.next("sse-connected");
			assertThat(this.broker.disconnectUser("dora")).isEqualTo(2);
			assertThat(first.next("sse-close").data()).isEqualTo("{\"reason\":\"revoked\"}");
			assertThat(second.next("sse-close").data()).isEqualTo("{\"reason\":\"revoked\"}");
			await().until(() -> first.ended() && second.ended());
			assertThat(this.broker.isOnline("dora")).isFalse();
		}
	}

	@Test
	void warnsThenClosesTheStreamWhenItsTokenExpires() {
		Instant expiresAt = Instant.ofEpochSecond(Instant.now().plusSeconds(4).getEpochSecond());
		String token = TestTokens.hs256(TestTokens.claims("eve", "chat").expirationTime(Date.from(expiresAt)).build());
		try (SseTestClient.Stream stream = this.client.openWithBearer("/sse", token)) {
			stream.next("sse-connected");
			SseTestClient.Event warning = stream.next("sse-token-expiring");
			assertThat(Instant.now()).isBefore(expiresAt);
			assertThat(warning.data()).isEqualTo("{\"expiresAt\":\"" + expiresAt + "\"}");
			assertThat(stream.next("sse-close").data()).isEqualTo("{\"reason\":\"token-expired\"}");
			assertThat(Instant.now()).isAfterOrEqualTo(expiresAt);
			await().until(stream::ended);
		}
	}

	@Test
	void refusesAnExpiredTokenInsteadOfConnectingAnonymously() {
		String token = TestTokens.withClaims(Map.of("sub", "old"), Duration.ofHours(-1));
		SseTestClient.Stream stream = this.client.openWithBearer("/sse", token);
		assertThat(stream.status()).isEqualTo(403);
		assertThat(stream.errorBody()).isEqualTo("{\"code\":\"FORBIDDEN\",\"message\":\"Invalid or expired token/api-key\"}");
		assertThat(this.broker.isOnline("old")).isFalse();
	}

}
