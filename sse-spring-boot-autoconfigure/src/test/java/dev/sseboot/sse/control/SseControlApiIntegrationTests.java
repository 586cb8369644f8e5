package dev.sseboot.sse.control;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import dev.sseboot.sse.fixtures.SseIntegrationTest;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The control API over real HTTP, on its own port next to the public one, with Spring
 * Boot's default security protecting the rest of the application.
 */
@SseIntegrationTest
@TestPropertySource(properties = { "sse.control.enabled=true", "sse.control.port=0",
		"sse.control.api-key=" + SseControlApiIntegrationTests.API_KEY, "sse.control.max-body-size=2KB" })
class SseControlApiIntegrationTests {

	static final String API_KEY = "test-control-api-key";

	private static final String FORM = "application/x-www-form-urlencoded";

	private static final String JSON = "application/json";

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int publicPort;

	@Autowired
	SseControlServer controlServer;

	@Autowired
	List<SecurityFilterChain> securityFilterChains;

	SseTestClient streams;

	@BeforeEach
	void setUp() {
		this.streams = new SseTestClient(this.publicPort);
	}

	@Test
	void refusesRequestsFromBrowserPagesEvenWithTheKey() {
		HttpResponse<String> response = send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.controlServer.getPort() + "/token"))
			.header("Authorization", "Bearer " + API_KEY)
			.header("Origin", "https://evil.example")
			.header("Content-Type", FORM)
			.POST(HttpRequest.BodyPublishers.ofString("userId=alex&channel=chat"))
			.build());
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(read(response).get("code").asString()).isEqualTo("FORBIDDEN");
		assertThat(response.body()).doesNotContain("token\"");
	}

	@Test
	void listensOnItsOwnLoopbackPort() {
		assertThat(this.controlServer.getAddress().isLoopbackAddress()).isTrue();
		assertThat(this.controlServer.getPort()).isPositive().isNotEqualTo(this.publicPort);
	}

	@Test
	void mintsTokenThatOpensStreamOnThePublicPort() {
		Instant before = Instant.now();
		// The seed's request, trailing slash included.
		HttpResponse<String> response = control("POST", "/token/", FORM, "userId=alex&channel=chat&exp=600", API_KEY);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
		JsonNode body = read(response);
		assertThat(Instant.parse(body.get("expiresAt").asString())).isBetween(before.plusSeconds(599),
				Instant.now().plusSeconds(600));
		try (SseTestClient.Stream stream = this.streams.openWithBearer("/sse", body.get("token").asString())) {
			assertThat(stream.status()).isEqualTo(200);
			JsonNode connected = this.json.readTree(stream.next("sse-connected").data());
			assertThat(connected.get("userId").asString()).isEqualTo("alex");
			assertThat(connected.get("channels").values()).extracting(JsonNode::asString).containsExactly("chat");
		}
	}

	@Test
	void mintsTokenFromJsonBodyWithChannelsArray() {
		HttpResponse<String> response = control("POST", "/token", JSON,
				"{\"userId\":\"sam\",\"channels\":[\"chat\",\"news\"],\"exp\":60}", API_KEY);
		assertThat(response.statusCode()).isEqualTo(200);
		try (SseTestClient.Stream stream = this.streams.openWithBearer("/sse", read(response).get("token").asString())) {
			JsonNode connected = this.json.readTree(stream.next("sse-connected").data());
			assertThat(connected.get("channels").values()).extracting(JsonNode::asString)
				.containsExactlyInAnyOrder("chat", "news");
		}
	}

	@Test
	void capsTokenLifetimeAtMaxTokenTtl() {
		HttpResponse<String> response = control("POST", "/token", FORM, "userId=alex&exp=999999999", API_KEY);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Instant.parse(read(response).get("expiresAt").asString()))
			.isBefore(Instant.now().plus(Duration.ofHours(24)).plusSeconds(1));
	}

	@Test
	void emitReachesExactlyTheAddressedStreams() {
		try (SseTestClient.Stream aliceChat = open("alice", "chat");
				SseTestClient.Stream aliceNews = open("alice", "news");
				SseTestClient.Stream bobChat = open("bob", "chat")) {
			assertThat(emit("userId=alice&event=to-user&data=1").statusCode()).isEqualTo(202);
			assertThat(emit("channel=chat&event=to-channel&data=2").statusCode()).isEqualTo(202);
			assertThat(emit("userId=alice&channel=chat&event=to-user-on-channel&data=3").statusCode()).isEqualTo(202);
			assertThat(emitJson("{\"userId\":\"*\",\"event\":\"to-everyone\",\"data\":{\"n\":4}}").statusCode())
				.isEqualTo(202);
			assertThat(namesUntil(aliceChat, "to-everyone")).containsExactly("to-user", "to-channel",
					"to-user-on-channel", "to-everyone");
			assertThat(namesUntil(aliceNews, "to-everyone")).containsExactly("to-user", "to-everyone");
			assertThat(namesUntil(bobChat, "to-everyone")).containsExactly("to-channel", "to-everyone");
		}
	}

	@Test
	void emitsToOneConnection() {
		try (SseTestClient.Stream first = open("carla", "chat"); SseTestClient.Stream second = open("carla", "chat")) {
			String connectionId = connectionId(first);
			connectionId(second);
			HttpResponse<String> response = emit("connectionId=" + connectionId + "&event=direct&data=hi");
			assertThat(response.statusCode()).isEqualTo(202);
			assertThat(first.next("direct").data()).isEqualTo("hi");
			emit("userId=carla&event=marker&data=end");
			assertThat(namesUntil(second, "marker")).containsExactly("marker");
		}
	}

	@Test
	void emitsSeedPayloadAsOneEventWithTheServersId() {
		try (SseTestClient.Stream stream = open("dora", "chat")) {
			HttpResponse<String> response = emit("userId=dora&channel=chat&payload="
					+ encode("event: message\ndata: My important data\ndata: for client\n\n"));
			assertThat(response.statusCode()).isEqualTo(202);
			SseTestClient.Event event = stream.next("message");
			assertThat(event.data()).isEqualTo("My important data\nfor client");
			assertThat(event.id()).isEqualTo(read(response).get("id").asString());
		}
	}

	@Test
	void sendsLineBreaksInDataAsDataLinesOnly() {
		try (SseTestClient.Stream stream = open("eve", "chat")) {
			String data = "a\n\nid: 9\nevent: evil\nretry: 1";
			HttpResponse<String> response = emit("userId=eve&event=note&data=" + encode(data));
			assertThat(response.statusCode()).isEqualTo(202);
			connectionId(stream);
			SseTestClient.Event event = stream.next((candidate) -> !candidate.name().equals("heartbeat"),
					Duration.ofSeconds(10));
			assertThat(event.name()).isEqualTo("note");
			assertThat(event.data()).isEqualTo(data);
			assertThat(event.id()).isEqualTo(read(response).get("id").asString());
			assertThat(event.retry()).isNull();
		}
	}

	@Test
	void refusesPayloadsThatWouldInjectFieldsOrEvents() {
		try (SseTestClient.Stream stream = open("frank", "chat")) {
			List<String> payloads = List.of("data: a\n\nevent: evil\ndata: b", "id: 1\ndata: x", "retry: 1\ndata: x",
					"data: x\nsomething: else", "event: sse-close\ndata: {\"reason\":\"revoked\"}", "event: x");
			for (String payload : payloads) {
				HttpResponse<String> response = emit("userId=frank&payload=" + encode(payload));
				assertThat(response.statusCode()).as(payload).isEqualTo(400);
				assertThat(read(response).get("code").asString()).isEqualTo("BAD_REQUEST");
			}
			emit("userId=frank&event=marker&data=end");
			assertThat(namesUntil(stream, "marker")).containsExactly("marker");
		}
	}

	@Test
	void refusesEventNamesAndIdsThatWouldInjectFields() {
		try (SseTestClient.Stream stream = open("gina", "chat")) {
			assertThat(emit("userId=gina&event=" + encode("x\ndata: y") + "&data=z").statusCode()).isEqualTo(400);
			assertThat(emit("userId=gina&event=" + encode("x\rid: 1") + "&data=z").statusCode()).isEqualTo(400);
			assertThat(emitJson("{\"userId\":\"gina\",\"event\":\"sse-connected\",\"data\":\"z\"}").statusCode())
				.isEqualTo(400);
			HttpResponse<String> withId = emit("userId=gina&id=" + encode("1\nevent: evil") + "&data=z");
			assertThat(withId.statusCode()).isEqualTo(400);
			assertThat(read(withId).get("message").asString()).contains("'id'");
			emit("userId=gina&event=marker&data=end");
			assertThat(namesUntil(stream, "marker")).containsExactly("marker");
		}
	}

	@Test
	void refusesRequestsWithoutApiKey() {
		HttpResponse<String> response = control("GET", "/connections", null, null, null);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
		assertThat(read(response).get("code").asString()).isEqualTo("UNAUTHORIZED");
	}

	@Test
	void refusesRequestsWithWrongApiKey() {
		HttpResponse<String> response = control("POST", "/token", FORM, "userId=alex", API_KEY + "x");
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(read(response).get("code").asString()).isEqualTo("FORBIDDEN");
	}

	@Test
	void answersNotFoundForControlPathsOnThePublicPort() {
		// Authenticated, so that Boot's default chain lets the request reach the
		// application; GET, because its CSRF protection refuses a POST before that.
		String basic = "Basic " + Base64.getEncoder()
			.encodeToString("user:password".getBytes(StandardCharsets.UTF_8));
		for (String path : List.of("/token", "/emit", "/disconnect", "/connections")) {
			HttpRequest request = HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + this.publicPort + path + "?userId=alex&data=x"))
				.header("Authorization", basic)
				.build();
			assertThat(send(request).statusCode()).as(path).isEqualTo(404);
		}
	}

	@Test
	void answersNotFoundForStreamAndApplicationPathsOnTheControlPort() {
		HttpResponse<String> stream = control("GET", "/sse?token=" + TestTokens.forUser("alex", "chat"), null, null,
				API_KEY);
		assertThat(stream.statusCode()).isEqualTo(404);
		assertThat(read(stream).get("code").asString()).isEqualTo("NOT_FOUND");
		assertThat(control("GET", "/error", null, null, API_KEY).statusCode()).isEqualTo(404);
	}

	@Test
	void servesControlRequestsWhileBootsDefaultSecurityProtectsTheApplication() {
		assertThat(this.securityFilterChains).hasSizeGreaterThanOrEqualTo(2);
		HttpRequest unauthenticated = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.publicPort + "/anything"))
			.build();
		assertThat(send(unauthenticated).statusCode()).isEqualTo(401);
		assertThat(control("GET", "/connections", null, null, API_KEY).statusCode()).isEqualTo(200);
		assertThat(control("POST", "/emit", FORM, "userId=nobody&data=x", API_KEY).statusCode()).isEqualTo(202);
	}

	@Test
	void emitWithARepeatedIdempotencyKeyDeliversOnceAndAnswersTheFirstId() {
		try (SseTestClient.Stream stream = open("ivy", "chat")) {
			stream.connectionId();
			HttpResponse<String> first = emitWithKey("userId=ivy&event=shipped&data=order-7", "order-7-shipped");
			HttpResponse<String> retry = emitWithKey("userId=ivy&event=shipped&data=order-7", "order-7-shipped");
			HttpResponse<String> other = emitWithKey("userId=ivy&event=shipped&data=order-8", "order-8-shipped");
			assertThat(List.of(first, retry, other)).extracting(HttpResponse::statusCode).containsOnly(202);
			String id = read(first).get("id").asString();
			assertThat(read(retry).get("id").asString()).isEqualTo(id);
			assertThat(stream.next("shipped").id()).isEqualTo(id);
			assertThat(stream.next("shipped").id()).isEqualTo(read(other).get("id").asString());
		}
		HttpResponse<String> tooLong = emitWithKey("userId=ivy&data=x", "k".repeat(201));
		assertThat(tooLong.statusCode()).isEqualTo(400);
		assertThat(read(tooLong).get("message").asString()).contains("idempotency key");
	}

	private HttpResponse<String> emitWithKey(String form, String idempotencyKey) {
		return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.controlServer.getPort() + "/emit"))
			.header("Authorization", "Bearer " + API_KEY)
			.header("Content-Type", FORM)
			.header("Idempotency-Key", idempotencyKey)
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build());
	}

	@Test
	void refusesBodiesOverMaxBodySize() {
		HttpResponse<String> response = emit("userId=alex&data=" + "x".repeat(4096));
		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(read(response).get("code").asString()).isEqualTo("PAYLOAD_TOO_LARGE");
		byte[] undeclaredLength = ("userId=alex&data=" + "x".repeat(4096)).getBytes(StandardCharsets.UTF_8);
		HttpRequest chunked = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.controlServer.getPort() + "/emit"))
			.header("Authorization", "Bearer " + API_KEY)
			.header("Content-Type", FORM)
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(undeclaredLength)))
			.build();
		assertThat(send(chunked).statusCode()).isEqualTo(413);
	}

	@Test
	void refusesUnknownParametersWrongMethodsAndMediaTypes() {
		HttpResponse<String> misspelt = emit("userId=alex&chanel=chat&data=x");
		assertThat(misspelt.statusCode()).isEqualTo(400);
		assertThat(read(misspelt).get("message").asString()).contains("'chanel'");
		HttpResponse<String> missingUser = control("POST", "/token", FORM, "channel=chat", API_KEY);
		assertThat(missingUser.statusCode()).isEqualTo(400);
		assertThat(read(missingUser).get("message").asString()).contains("'userId'");
		HttpResponse<String> get = control("GET", "/emit", null, null, API_KEY);
		assertThat(get.statusCode()).isEqualTo(405);
		assertThat(get.headers().firstValue("Allow")).hasValue("POST");
		assertThat(control("POST", "/emit", "text/plain", "userId=alex&data=x", API_KEY).statusCode()).isEqualTo(415);
	}

	@Test
	void disconnectClosesTheUsersStreamsWithReasonRevoked() {
		try (SseTestClient.Stream first = open("henry", "chat"); SseTestClient.Stream second = open("henry", "news")) {
			HttpResponse<String> response = control("POST", "/disconnect", FORM, "userId=henry", API_KEY);
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(read(response).get("closed").asInt()).isEqualTo(2);
			for (SseTestClient.Stream stream : List.of(first, second)) {
				assertThat(stream.next("sse-close").data()).isEqualTo("{\"reason\":\"revoked\"}");
				await().atMost(Duration.ofSeconds(10)).until(stream::ended);
			}
		}
	}

	@Test
	void disconnectClosesOneConnection() {
		try (SseTestClient.Stream first = open("iris", "chat"); SseTestClient.Stream second = open("iris", "chat")) {
			HttpResponse<String> response = controlJson("/disconnect",
					"{\"connectionId\":\"" + connectionId(first) + "\"}");
			connectionId(second);
			assertThat(read(response).get("closed").asInt()).isEqualTo(1);
			assertThat(first.next("sse-close").data()).contains("revoked");
			emit("userId=iris&event=marker&data=end");
			assertThat(namesUntil(second, "marker")).containsExactly("marker");
		}
	}

	@Test
	void reportsConnectionCountsPerUserAndChannel() {
		try (SseTestClient.Stream first = open("jack", "presence-a"); SseTestClient.Stream second = open("jack",
				"presence-a", "presence-b"); SseTestClient.Stream third = open("kate", "presence-b")) {
			HttpResponse<String> response = control("GET", "/connections", null, null, API_KEY);
			assertThat(response.statusCode()).isEqualTo(200);
			JsonNode body = read(response);
			assertThat(body.get("total").asInt()).isGreaterThanOrEqualTo(3);
			assertThat(body.get("users").get("jack").asInt()).isEqualTo(2);
			assertThat(body.get("users").get("kate").asInt()).isEqualTo(1);
			assertThat(body.get("channels").get("presence-a").asInt()).isEqualTo(2);
			assertThat(body.get("channels").get("presence-b").asInt()).isEqualTo(2);
		}
	}

	/** Opens a stream with a token minted by the control API; returns once it is registered. */
	private SseTestClient.Stream open(String userId, String... channels) {
		StringBuilder form = new StringBuilder("userId=").append(encode(userId));
		for (String channel : channels) {
			form.append("&channel=").append(encode(channel));
		}
		HttpResponse<String> response = control("POST", "/token", FORM, form.toString(), API_KEY);
		assertThat(response.statusCode()).isEqualTo(200);
		SseTestClient.Stream stream = this.streams.openWithBearer("/sse", read(response).get("token").asString());
		assertThat(stream.status()).isEqualTo(200);
		return stream;
	}

	private String connectionId(SseTestClient.Stream stream) {
		return this.json.readTree(stream.next("sse-connected").data()).get("connectionId").asString();
	}

	/** The names of the events a stream receives up to and including the given one. */
	private static List<String> namesUntil(SseTestClient.Stream stream, String last) {
		List<String> names = new ArrayList<>();
		String name;
		do {
			name = stream.next((event) -> !event.name().equals("heartbeat") && !event.name().equals("sse-connected"),
					Duration.ofSeconds(10))
				.name();
			names.add(name);
		}
		while (!name.equals(last));
		return names;
	}

	private HttpResponse<String> emit(String form) {
		return control("POST", "/emit", FORM, form, API_KEY);
	}

	private HttpResponse<String> emitJson(String body) {
		return controlJson("/emit", body);
	}

	private HttpResponse<String> controlJson(String path, String body) {
		return control("POST", path, JSON, body, API_KEY);
	}

	private HttpResponse<String> control(String method, String pathAndQuery, String contentType, String body,
			String apiKey) {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.controlServer.getPort() + pathAndQuery))
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
					: HttpRequest.BodyPublishers.noBody());
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		if (apiKey != null) {
			request.header("Authorization", "Bearer " + apiKey);
		}
		return send(request.build());
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private JsonNode read(HttpResponse<String> response) {
		return this.json.readTree(response.body());
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
