package dev.sseboot.sse.security;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.fixtures.CapturedLogs;
import dev.sseboot.sse.fixtures.ServerContainer;
import dev.sseboot.sse.fixtures.SseIntegrationTest;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of bad input the stream endpoint can get, each answered with a status and an
 * error code, and none of them opening a stream. The application declares no chain of its
 * own, so Boot's default chain guards everything but the stream path.
 */
@SseIntegrationTest
@TestPropertySource(properties = { "sse.security.jwt.issuer=" + BadInputIntegrationTests.ISSUER, "sse.security.jwt.audience=sse" })
class BadInputIntegrationTests {

	/** Tomcat's own report of the oversized headers these tests send on purpose. */
	@RegisterExtension
	CapturedLogs tomcat = CapturedLogs.named("org.apache.coyote.http11.Http11Processor");

	static final String ISSUER = "https://issuer.example";

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
	void refusesTokenThatIsNotBase64() {
		assertRefused(() -> this.client.openWithBearer("/sse", "e30.e30!!.%%%"), 403, "FORBIDDEN");
	}

	@Test
	void refusesTokenWithTwoSegments() {
		assertRefused(() -> this.client.openWithBearer("/sse", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0"), 403,
				"FORBIDDEN");
	}

	@Test
	void refusesLargeGarbageTokenThatFitsTheHeaderLimit() {
		assertRefused(() -> this.client.openWithBearer("/sse", "a".repeat(6 * 1024)), 403, "FORBIDDEN");
	}

	@Test
	void answersTheServersRefusalOfA20KilobyteTokenWithJson() {
		String token = valid("mallory").substring(0, 10) + "A".repeat(20 * 1024);
		assertRefused(() -> this.client.openWithBearer("/sse", token), ServerContainer.CURRENT.headersTooLarge(),
				"BAD_REQUEST");
	}

	@Test
	void leavesARequestLineOverTheHeaderLimitToTheServersOwnPage() {
		// Tomcat refuses it before it has read the path: it cannot tell the stream path.
		String token = valid("mallory").substring(0, 10) + "A".repeat(20 * 1024);
		SseTestClient.Stream stream = this.client.openWithQueryToken("/sse", token, "");
		assertThat(stream.status()).isEqualTo(ServerContainer.CURRENT.requestLineTooLong());
		assertThat(this.broker.isOnline("mallory")).isFalse();
	}

	@Test
	void answersTheServersRefusalOfOversizedHeadersWithJson() {
		assertRefused(() -> this.client.open("/sse",
				Map.of("Authorization", "Bearer " + valid("mallory"), "X-Padding", "p".repeat(20 * 1024))),
				ServerContainer.CURRENT.headersTooLarge(), "BAD_REQUEST");
		assertRawRefused(this.client.sendRaw("GET /sse?token=" + valid("mallory") + " HTTP/1.1",
				Map.of("Host", "second.example")), 400, "BAD_REQUEST");
	}

	@Test
	void leavesTheServersRefusalsOnOtherPathsAlone() {
		SseTestClient.RawResponse response = this.client.sendRaw("GET /other/hello HTTP/1.1",
				Map.of("X-Padding", "p".repeat(20 * 1024)));
		assertThat(response.status()).isEqualTo(ServerContainer.CURRENT.headersTooLarge());
		// Spring Boot's error report on Tomcat, a bare status on Jetty: no version, no stack.
		assertThat(response.body()).doesNotContain("Apache Tomcat").doesNotContain("Jetty").doesNotContain("<pre>")
			.doesNotContain("\"code\"");
		if (ServerContainer.CURRENT == ServerContainer.TOMCAT) {
			assertThat(response.header("Content-Type")).startsWith("text/html");
		}
		SseTestClient.RawResponse slash = this.client.sendRaw("GET /sse/ HTTP/1.1",
				Map.of("Authorization", "Bearer " + valid("mallory")));
		assertThat(slash.status()).isEqualTo(401);
		assertThat(slash.header("WWW-Authenticate")).startsWith("Basic");
	}

	@Test
	void refusesAValidTokenWithCharactersAddedToIt() {
		String token = valid("mallory");
		int signature = token.lastIndexOf('.') + 1;
		assertRefused(() -> this.client.openWithQueryToken("/sse", token + "!!", ""), 403, "FORBIDDEN");
		assertRefused(() -> this.client.openWithBearer("/sse", token + "~*"), 403, "FORBIDDEN");
		assertRefused(() -> this.client.openWithQueryToken("/sse",
				token.substring(0, signature + 5) + "*" + token.substring(signature + 5), ""), 403, "FORBIDDEN");
		assertRawRefused(this.client.sendRaw("GET /sse HTTP/1.1", Map.of("Authorization", "Bearer " + token + "é")),
				403, "FORBIDDEN");
		assertRefused(() -> this.client.openWithQueryToken("/sse", token + "%3D", ""), 403, "FORBIDDEN");
	}

	@Test
	void acceptsAnHs256TokenWhoseHeaderNamesAKey() throws Exception {
		String token = TestTokens.sign(new MACSigner(TestTokens.SECRET),
				new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("signing-key-1").build(), claims("kid-user").build());
		try (SseTestClient.Stream stream = this.client.openWithBearer("/sse", token)) {
			assertThat(stream.status()).isEqualTo(200);
			assertThat(stream.next().field("userId")).isEqualTo("kid-user");
		}
	}

	@Test
	void keepsTheStatusOfAContainerRefusalItDoesNotName() {
		SseTestClient.RawResponse response = this.client.sendRaw("GET /sse?token=" + valid("mallory") + " HTTP/1.2",
				Map.of());
		assertThat(response.status()).isEqualTo(505);
		assertThat(this.broker.isOnline("mallory")).isFalse();
		if (ServerContainer.CURRENT == ServerContainer.TOMCAT) {
			// Jetty answers a request line it could not read with a bare status: no path to tell.
			assertThat(response.body())
				.contains("{\"code\":\"SERVER_ERROR\",\"message\":\"Stream request refused (HTTP 505)\"}");
		}
	}

	@Test
	void answersMalformedPercentEncodingWithJson() {
		String token = valid("mallory");
		for (String query : List.of("token=%%%", "token=%ZZ", "token=" + token + "&channel=%E0%A4",
				"token=" + token + "&lastEventId=%ZZ")) {
			assertRawRefused(this.client.sendRaw("GET /sse?" + query + " HTTP/1.1", Map.of()), 400, "BAD_REQUEST");
		}
	}

	@Test
	void refusesAnAuthorizationHeaderWithControlCharactersAsABadToken() {
		assertRawRefused(this.client.sendRaw("GET /sse HTTP/1.1",
				Map.of("Authorization", "Bearer " + valid("mallory") + "\u0085")), 403, "FORBIDDEN");
	}

	@Test
	void resumesALastEventIdWithControlCharactersAsResetOrRefusesItWithJson() {
		SseTestClient.RawResponse response = this.client.sendRaw("GET /sse HTTP/1.1",
				Map.of("Authorization", "Bearer " + valid("lou"), "Last-Event-ID", "1-\u00852"));
		if (ServerContainer.CURRENT == ServerContainer.JETTY) {
			// Jetty's parser refuses the header before the application sees it.
			assertThat(response.status()).isEqualTo(400);
			assertThat(response.body()).startsWith("{\"code\":\"BAD_REQUEST\",\"message\":");
			assertThat(this.broker.isOnline("lou")).isFalse();
			return;
		}
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body()).contains("\"resume\":\"reset\"");
	}

	@Test
	void answersOtherMethodsWith405Json() {
		for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE")) {
			HttpResponse<String> response = this.client.send(method, "/sse",
					Map.of("Authorization", "Bearer " + valid("mallory")));
			if (method.equals("TRACE") && ServerContainer.CURRENT == ServerContainer.JETTY) {
				// Jetty refuses TRACE itself, before the application sees it.
				assertThat(response.statusCode()).isEqualTo(400);
				assertThat(response.body()).startsWith("{\"code\":\"BAD_REQUEST\",\"message\":");
				continue;
			}
			assertThat(response.statusCode()).as(method).isEqualTo(405);
			assertThat(response.headers().firstValue("Allow")).as(method).hasValue("GET");
			assertThat(response.body()).as(method).startsWith("{\"code\":\"METHOD_NOT_ALLOWED\",\"message\":");
		}
	}

	@Test
	void answersPathsTheFirewallRefusesWithJson() {
		String token = valid("mallory");
		for (String path : List.of("/sse;jsessionid=1", "//sse", "/other/../sse")) {
			assertRawRefused(this.client.sendRaw("GET " + path + "?token=" + token + " HTTP/1.1", Map.of()), 400,
					"BAD_REQUEST");
		}
	}

	@Test
	void refusesACrossOriginStreamWhenNoOriginIsAllowed() {
		String token = valid("mallory");
		assertRefused(() -> this.client.open("/sse?token=" + token, Map.of("Origin", "https://evil.example")), 403,
				"FORBIDDEN");
		assertRefused(() -> this.client.open("/sse?token=" + token, Map.of("Origin", "null")), 403, "FORBIDDEN");
		HttpResponse<String> preflight = this.client.send("OPTIONS", "/sse",
				Map.of("Origin", "https://evil.example", "Access-Control-Request-Method", "GET"));
		assertThat(preflight.statusCode()).isEqualTo(403);
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
		try (SseTestClient.Stream sameOrigin = this.client.open("/sse?token=" + valid("neighbour"),
				Map.of("Origin", "http://127.0.0.1:" + this.port))) {
			assertThat(sameOrigin.status()).isEqualTo(200);
		}
	}

	@Test
	void refusesUnsignedToken() {
		assertRefused(() -> this.client.openWithBearer("/sse", TestTokens.unsigned(claims("mallory").build())), 403,
				"FORBIDDEN");
	}

	@Test
	void refusesTokenSignedWithAnotherKey() {
		String token = TestTokens.sign("another-secret-another-secret-another-secret",
				Map.of("sub", "mallory", "iss", ISSUER, "aud", "sse"), Duration.ofHours(1));
		assertRefused(() -> this.client.openWithBearer("/sse", token), 403, "FORBIDDEN");
	}

	@Test
	void refusesExpiredToken() {
		String token = TestTokens.hs256(
				claims("mallory").expirationTime(Date.from(Instant.now().minus(Duration.ofHours(1)))).build());
		assertRefused(() -> this.client.openWithBearer("/sse", token), 403, "FORBIDDEN");
	}

	@Test
	void refusesTokenNotYetValid() {
		String token = TestTokens.hs256(
				claims("mallory").notBeforeTime(Date.from(Instant.now().plus(Duration.ofHours(1)))).build());
		assertRefused(() -> this.client.openWithBearer("/sse", token), 403, "FORBIDDEN");
	}

	@Test
	void refusesTokenOfAnotherIssuer() {
		assertRefused(() -> this.client.openWithBearer("/sse", TestTokens.hs256(claims("mallory").issuer("https://evil.example").build())),
				403, "FORBIDDEN");
	}

	@Test
	void refusesTokenForAnotherAudience() {
		assertRefused(() -> this.client.openWithBearer("/sse", TestTokens.hs256(claims("mallory").audience("billing").build())),
				403, "FORBIDDEN");
	}

	@Test
	void refusesTokenWithoutUser() {
		assertRefused(() -> this.client.openWithBearer("/sse", TestTokens.hs256(claims("").build())), 403, "FORBIDDEN");
		JWTClaimsSet blankUserId = new JWTClaimsSet.Builder(claims("x").build()).subject(null)
			.claim("userId", "  ")
			.build();
		assertRefused(() -> this.client.openWithBearer("/sse", TestTokens.hs256(blankUserId)), 403, "FORBIDDEN");
	}

	@Test
	void refusesChannelNameWithLineBreaks() {
		assertRefused(() -> this.client.openWithBearer("/sse?channel=chat%0D%0Aevent:%20sse-close", valid("mallory", "*")),
				400, "BAD_REQUEST");
		assertRefused(() -> this.client.openWithBearer("/sse?channel=chat%0A", valid("mallory", "*")), 400, "BAD_REQUEST");
	}

	@Test
	void refusesChannelNameWithDotDot() {
		assertRefused(() -> this.client.openWithBearer("/sse?channel=project:1/../admin", valid("mallory", "*")), 400,
				"BAD_REQUEST");
		assertRefused(() -> this.client.openWithBearer("/sse?channel=..", valid("mallory", "*")), 400, "BAD_REQUEST");
	}

	@Test
	void refusesMoreParametersThanTomcatAllowsWithJsonOnEveryServer() {
		String parameters = IntStream.range(0, 1001).mapToObj((i) -> "p=").collect(Collectors.joining("&"));
		assertRefused(() -> this.client.openWithBearer("/sse?" + parameters, valid("mallory", "*")), 400,
				"BAD_REQUEST");
	}

	@Test
	void refusesMoreChannelParametersThanAStreamMayName() {
		assertRefused(() -> this.client.openWithBearer("/sse?" + channelParameters(100), valid("mallory", "*")), 400,
				"BAD_REQUEST");
	}

	@Test
	void refusesAThousandCommaSeparatedChannels() {
		String channels = IntStream.range(0, 1000).mapToObj((i) -> "c" + i).collect(Collectors.joining(","));
		assertRefused(() -> this.client.openWithBearer("/sse?channel=" + channels, valid("mallory", "*")), 400,
				"BAD_REQUEST");
	}

	@Test
	void acceptsGrantedChannelNamesInAnyScript() {
		String token = valid("yuki", "café", "チャット");
		try (SseTestClient.Stream stream = this.client.openWithBearer(
				"/sse?channel=" + encode("café") + "&channel=" + encode("チャット"), token)) {
			assertThat(stream.status()).isEqualTo(200);
			assertThat(stream.next().data()).contains("café").contains("チャット");
		}
	}

	@Test
	void refusesLookAlikeOfAGrantedChannel() {
		// Cyrillic "с" in place of Latin "c": a different channel, not granted.
		assertRefused(() -> this.client.openWithBearer("/sse?channel=" + encode("\u0441hat"), valid("mallory", "chat")),
				403, "FORBIDDEN");
	}

	@Test
	void refusesChannelNamesWithMarksOrFormatCharacters() {
		// A combining accent (not the precomposed "é") and a right-to-left override.
		assertRefused(() -> this.client.openWithBearer("/sse?channel=" + encode("cafe\u0301"), valid("mallory", "*")), 400,
				"BAD_REQUEST");
		assertRefused(() -> this.client.openWithBearer("/sse?channel=" + encode("chat\u202Etxt"), valid("mallory", "*")),
				400, "BAD_REQUEST");
	}

	@Test
	void refusesTokenInBothTheHeaderAndTheQuery() {
		String token = valid("mallory");
		assertRefused(() -> this.client.open("/sse?token=" + token, Map.of("Authorization", "Bearer " + token)), 400,
				"BAD_REQUEST");
	}

	@Test
	void refusesTokenGivenTwiceInTheQuery() {
		String token = valid("mallory");
		assertRefused(() -> this.client.open("/sse?token=" + token + "&token=" + token, Map.of()), 400, "BAD_REQUEST");
	}

	@Test
	void acceptsLowercaseBearerScheme() {
		try (SseTestClient.Stream stream = this.client.open("/sse", Map.of("Authorization", "bearer " + valid("lou")))) {
			assertThat(stream.status()).isEqualTo(200);
		}
	}

	@Test
	void treatsAnotherSchemeAsNoToken() {
		assertRefused(() -> this.client.open("/sse", Map.of("Authorization", "Basic bWFsbG9yeTpwYXNzd29yZA==")), 401,
				"UNAUTHORIZED");
	}

	@Test
	void queryTokenDoesNotAuthenticateBootsDefaultChain() {
		assertThat(this.client.send("GET", "/other/hello?token=" + valid("mallory", "*"), Map.of()).statusCode())
			.isEqualTo(401);
	}

	private static String channelParameters(int count) {
		return IntStream.range(0, count).mapToObj((i) -> "channel=c" + i).collect(Collectors.joining("&"));
	}

	private String valid(String userId, String... channels) {
		return TestTokens.hs256(claims(userId, channels).build());
	}

	private static JWTClaimsSet.Builder claims(String userId, String... channels) {
		return TestTokens.claims(userId, channels).issuer(ISSUER).audience("sse");
	}

	private void assertRefused(Supplier<SseTestClient.Stream> request, int status, String code) {
		int before = this.broker.connectionCount();
		SseTestClient.Stream stream = request.get();
		assertThat(stream.status()).isEqualTo(status);
		assertThat(stream.header("Content-Type")).startsWith("application/json");
		assertThat(stream.errorBody()).startsWith("{\"code\":\"" + code + "\",\"message\":");
		assertNothingOpened(before);
	}

	private void assertRawRefused(SseTestClient.RawResponse response, int status, String code) {
		assertThat(response.status()).isEqualTo(status);
		assertThat(response.header("Content-Type")).startsWith("application/json");
		assertThat(response.body()).contains("{\"code\":\"" + code + "\",\"message\":");
		assertThat(this.broker.isOnline("mallory")).isFalse();
	}

	private void assertNothingOpened(int before) {
		assertThat(this.broker.isOnline("mallory")).isFalse();
		assertThat(this.broker.connectionCount()).isLessThanOrEqualTo(before);
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
