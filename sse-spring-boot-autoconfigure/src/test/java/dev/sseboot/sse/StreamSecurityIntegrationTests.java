package dev.sseboot.sse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import dev.sseboot.sse.fixtures.SseIntegrationTest;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import dev.sseboot.sse.test.SseTestClient.Event;
import dev.sseboot.sse.test.SseTestClient.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@SseIntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class StreamSecurityIntegrationTests {

	private static final String OTHER_SECRET = "another-secret-another-secret-another-secret";

	@LocalServerPort
	int port;

	@Autowired
	SseBroker broker;

	SseTestClient client;

	@BeforeEach
	void setUp() {
		this.client = new SseTestClient(this.port);
	}

	@Test
	void answers401WithJsonAndBearerChallengeWithoutToken() {
		Stream stream = this.client.open("/sse?channel=chat", Map.of());
		assertThat(stream.status()).isEqualTo(401);
		assertThat(stream.header("WWW-Authenticate")).isEqualTo("Bearer");
		assertThat(stream.header("Content-Type")).startsWith("application/json");
		assertThat(stream.errorBody()).isEqualTo("{\"code\":\"UNAUTHORIZED\",\"message\":\"Missing token/api-key\"}");
	}

	@Test
	void answers401ForEmptyToken() {
		Stream stream = this.client.open("/sse?token=&channel=chat", Map.of());
		assertThat(stream.status()).isEqualTo(401);
		assertThat(stream.errorBody()).isEqualTo("{\"code\":\"UNAUTHORIZED\",\"message\":\"Missing token/api-key\"}");
	}

	@Test
	void answers403ForWrongSignature() {
		String token = TestTokens.sign(OTHER_SECRET, Map.of("sub", "alex", "channels", List.of("chat")),
				Duration.ofHours(1));
		assertForbidden(this.client.openWithBearer("/sse?channel=chat", token), token);
	}

	@Test
	void answers403ForTamperedToken() {
		String token = TestTokens.forUser("alex", "chat");
		String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
		assertForbidden(this.client.openWithBearer("/sse", tampered), tampered);
	}

	@Test
	void answers403ForExpiredToken() {
		// Beyond the default clock skew of 30 s.
		String token = TestTokens.expiringIn(Duration.ofMinutes(-5), "alex", "chat");
		assertForbidden(this.client.openWithBearer("/sse?channel=chat", token), token);
	}

	@Test
	void answers403ForGarbageToken() {
		assertForbidden(this.client.openWithQueryToken("/sse", "not-a-jwt", ""), "not-a-jwt");
	}

	@Test
	void answers403ForTokenWithoutExpiry() {
		String token = TestTokens.withClaims(Map.of("sub", "alex", "channels", List.of("chat")), null);
		assertForbidden(this.client.openWithBearer("/sse", token), token);
	}

	@Test
	void answers403ForChannelTheTokenDoesNotGrant() {
		String token = TestTokens.forUser("alex-denied", "chat", "project:*");
		Stream stream = this.client.openWithBearer("/sse?channel=chat&channel=admin", token);
		assertThat(stream.status()).isEqualTo(403);
		assertThat(stream.errorBody()).contains("\"code\":\"FORBIDDEN\"").doesNotContain(token);
		assertThat(this.broker.isOnline("alex-denied")).isFalse();
	}

	@Test
	void acceptsChannelsGrantedByPattern() {
		try (Stream stream = this.client.openWithBearer("/sse?channel=project:42,chat",
				TestTokens.forUser("alex-p", "chat", "project:*"))) {
			assertThat(stream.status()).isEqualTo(200);
			assertThat(SseTestClient.json(stream.next().data(), "channels").valueStream().map((node) -> node.asString()))
				.containsExactlyInAnyOrder("project:42", "chat");
		}
	}

	/**
	 * The test secret has 46 bytes: too short for HS384 (48) and HS512 (64) under RFC 7518.
	 * Such tokens are the client's problem (403), not a server failure (500).
	 */
	@Test
	void answers403NotServerErrorForHmacAlgorithmTheSecretIsTooShortFor() {
		for (String algorithm : List.of("HS384", "HS512")) {
			String token = TestTokens.signHmac(algorithm, TestTokens.SECRET, "{\"sub\":\"alex\",\"channels\":[\"chat\"],\"exp\":"
					+ Instant.now().plusSeconds(600).getEpochSecond() + "}");
			Stream stream = this.client.openWithBearer("/sse", token);
			assertThat(stream.status()).as(algorithm + " token, body %s", stream.errorBody()).isEqualTo(403);
		}
	}

	@Test
	void answers403NotServerErrorForHs512TokenWithWrongSignature() {
		String token = TestTokens.signHmac("HS512", OTHER_SECRET + OTHER_SECRET, "{\"sub\":\"alex\",\"channels\":[\"chat\"],\"exp\":"
				+ Instant.now().plusSeconds(600).getEpochSecond() + "}");
		assertForbidden(this.client.openWithBearer("/sse", token), token);
	}

	@Test
	void answers403ForUnsignedToken() {
		Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
		String token = base64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
				+ base64.encodeToString(("{\"sub\":\"alex\",\"channels\":[\"chat\"],\"exp\":"
						+ Instant.now().plusSeconds(600).getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8))
				+ ".";
		assertForbidden(this.client.openWithBearer("/sse", token), token);
	}

	@Test
	void answers400ForTooManyChannels() {
		String channels = String.join(",", java.util.stream.IntStream.range(0, 33).mapToObj((i) -> "c" + i).toList());
		Stream stream = this.client.openWithBearer("/sse?channel=" + channels, TestTokens.forUser("alex", "*"));
		assertThat(stream.status()).isEqualTo(400);
		assertThat(stream.errorBody()).contains("\"code\":\"BAD_REQUEST\"");
	}

	@Test
	void neverLogsTokens(CapturedOutput output) {
		String expired = TestTokens.expiringIn(Duration.ofMinutes(-5), "alex", "chat");
		String wrongKey = TestTokens.sign(OTHER_SECRET, Map.of("sub", "alex"), Duration.ofHours(1));
		String valid = TestTokens.forUser("alex-log", "chat");
		this.client.openWithBearer("/sse", expired);
		this.client.openWithQueryToken("/sse", wrongKey, "");
		this.client.openWithQueryToken("/sse", "garbage.garbage.garbage", "");
		this.client.openWithQueryToken("/sse", valid, "channel=admin");
		try (Stream stream = this.client.openWithQueryToken("/sse", valid, "")) {
			stream.next();
		}
		assertThat(output.getAll()).contains("Rejected SSE token")
			.doesNotContain(expired)
			.doesNotContain(wrongKey)
			.doesNotContain(valid)
			.doesNotContain(valid.substring(valid.lastIndexOf('.') + 1))
			.doesNotContain("garbage.garbage");
	}

	@Test
	void answers400ForTokenInHeaderAndQuery() {
		String token = TestTokens.forUser("alex", "chat");
		Stream stream = this.client.open("/sse?token=" + token, Map.of("Authorization", "Bearer " + token));
		assertThat(stream.status()).isEqualTo(400);
		assertThat(stream.errorBody()).contains("\"code\":\"BAD_REQUEST\"").doesNotContain(token);
	}

	@Test
	void answers400ForTokenGivenTwiceInQuery() {
		String token = TestTokens.forUser("alex", "chat");
		Stream stream = this.client.open("/sse?token=" + token + "&token=" + token, Map.of());
		assertThat(stream.status()).isEqualTo(400);
		assertThat(stream.errorBody()).contains("\"code\":\"BAD_REQUEST\"").doesNotContain(token);
	}

	@Test
	void answers400ForMalformedChannelName() {
		Stream stream = this.client.openWithBearer("/sse?channel=a%20b", TestTokens.forUser("alex", "*"));
		assertThat(stream.status()).isEqualTo(400);
		assertThat(stream.errorBody()).contains("\"code\":\"BAD_REQUEST\"");
	}

	@Test
	void acceptsTokenInHeader() {
		assertOpens(this.client.openWithBearer("/sse?channel=chat", TestTokens.forUser("alex-h", "chat")), "alex-h");
	}

	@Test
	void acceptsTokenInQuery() {
		assertOpens(this.client.openWithQueryToken("/sse", TestTokens.forUser("alex-q", "chat"), "channel=chat"),
				"alex-q");
	}

	@Test
	void acceptsLowercaseBearerScheme() {
		assertOpens(this.client.openWithAuthorization("/sse", "bearer", TestTokens.forUser("alex-l", "chat")), "alex-l");
	}

	@Test
	void acceptsSeedTokenForm() {
		String token = TestTokens.seedForm("alex-seed", "chat", Duration.ofMinutes(10));
		try (Stream stream = this.client.openWithQueryToken("/sse", token, "channel=chat")) {
			assertThat(stream.status()).isEqualTo(200);
			Event connected = stream.next();
			assertThat(connected.field("userId")).isEqualTo("alex-seed");
			String id = this.broker.toChannel("chat").send("message", "hello");
			assertThat(stream.next("message").id()).isEqualTo(id);
		}
	}

	@Test
	void seedTokenWithoutChannelParameterSubscribesToItsChannel() {
		String token = TestTokens.seedForm("alex-seed2", "chat", Duration.ofMinutes(10));
		try (Stream stream = this.client.openWithQueryToken("/sse", token, "")) {
			assertThat(stream.status()).isEqualTo(200);
			assertThat(SseTestClient.json(stream.next().data(), "channels").valueStream().map((node) -> node.asString()))
				.containsExactly("chat");
		}
	}

	@Test
	void leavesOtherPathsToBootsDefaultChainWhereStreamTokensDoNotAuthenticate() {
		String token = TestTokens.forUser("alex", "chat");
		for (Stream response : List.of(this.client.open("/other", Map.of()),
				this.client.open("/other?token=" + token, Map.of()),
				this.client.openWithBearer("/other", token))) {
			assertThat(response.status()).isIn(401, 302);
			assertThat(response.header("WWW-Authenticate")).isNotEqualTo("Bearer");
			assertThat(response.errorBody()).doesNotContain("UNAUTHORIZED").doesNotContain(token);
		}
	}

	@Test
	void sendsStreamHeaders() {
		try (Stream stream = this.client.openWithBearer("/sse", TestTokens.forUser("alex-hd", "chat"))) {
			assertThat(stream.status()).isEqualTo(200);
			assertThat(stream.header("Content-Type")).startsWith("text/event-stream");
			assertThat(stream.header("Cache-Control")).isEqualTo("no-cache, no-store");
			assertThat(stream.header("X-Accel-Buffering")).isEqualTo("no");
			assertThat(stream.header("Referrer-Policy")).isEqualTo("no-referrer");
			assertThat(stream.header("Content-Encoding")).isNull();
		}
	}

	@Test
	void startsStreamWithRetryAndConnectedEvent() {
		try (Stream stream = this.client.openWithBearer("/sse?channel=chat,news",
				TestTokens.forUser("alex-first", "chat", "news"))) {
			Event connected = stream.next();
			assertThat(connected.name()).isEqualTo("sse-connected");
			assertThat(connected.retry()).isEqualTo("2500");
			assertThat(connected.id()).isNull();
			assertThat(connected.field("connectionId")).isNotBlank();
			assertThat(connected.field("userId")).isEqualTo("alex-first");
			assertThat(connected.field("resume")).isEqualTo("none");
			assertThat(SseTestClient.json(connected.data(), "channels").valueStream().map((node) -> node.asString()))
				.containsExactlyInAnyOrder("chat", "news");
			assertThat(this.broker.connections("alex-first")).singleElement()
				.extracting(SseConnection::connectionId)
				.isEqualTo(connected.field("connectionId"));
		}
	}

	private void assertForbidden(Stream stream, String token) {
		assertThat(stream.status()).isEqualTo(403);
		assertThat(stream.header("Content-Type")).startsWith("application/json");
		assertThat(stream.errorBody())
			.isEqualTo("{\"code\":\"FORBIDDEN\",\"message\":\"Invalid or expired token/api-key\"}")
			.doesNotContain(token);
	}

	private void assertOpens(Stream stream, String userId) {
		try (stream) {
			assertThat(stream.status()).isEqualTo(200);
			Event connected = stream.next();
			assertThat(connected.name()).isEqualTo("sse-connected");
			assertThat(connected.field("userId")).isEqualTo(userId);
		}
	}

}
