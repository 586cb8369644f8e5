package dev.sseboot.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.test.SseTestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "demo.position-interval=100ms", "demo.notification-interval=100ms" })
class SampleApplicationIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	SseBroker broker;

	final HttpClient http = HttpClient.newHttpClient();

	@Test
	void demoLoginTokenOpensStreamThatReceivesPositionsAndOwnNotifications() throws Exception {
		String token = login("alice", "project:1");
		try (SseTestClient.Stream stream = new SseTestClient(this.port).openWithQueryToken("/sse", token,
				"channel=project:1")) {
			assertThat(stream.status()).isEqualTo(200);
			assertThat(stream.next("position").data()).contains("\"project\":1");
		}
		try (SseTestClient.Stream stream = new SseTestClient(this.port).openWithQueryToken("/sse", token, "")) {
			// Without a channel parameter: the token's exact grants and the user's own events.
			assertThat(stream.next("notification").data()).contains("Hello alice").doesNotContain("bob");
			assertThat(stream.next("position").data()).contains("\"project\":1").doesNotContain("\"project\":2");
		}
	}

	@Test
	void revokedUserIsToldWhy() throws Exception {
		String token = login("carol", "project:1");
		try (SseTestClient.Stream stream = new SseTestClient(this.port).openWithQueryToken("/sse", token, "")) {
			stream.connectionId();
			this.broker.disconnectUser("carol");
			assertThat(stream.closeReason()).isEqualTo("revoked");
		}
	}

	@Test
	void pageIsServed() throws Exception {
		HttpResponse<String> page = this.http.send(HttpRequest.newBuilder(URI.create(url("/"))).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("EventSource", "demo.js").doesNotContain("token=ey");
	}

	@Test
	void servesTheBrowserClientModuleFromItsJar() throws Exception {
		HttpResponse<String> module = this.http.send(
				HttpRequest.newBuilder(URI.create(url("/webjars/sse-spring-boot-client/index.js"))).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(module.statusCode()).isEqualTo(200);
		// Browsers run a module only with a JavaScript type.
		assertThat(module.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("text/javascript"));
		assertThat(module.body()).contains("export { connect }");
	}

	@Test
	void streamRefusesChannelTheTokenDoesNotGrant() throws Exception {
		String token = login("alice", "project:1");
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create(url("/sse?channel=project:2&token=" + token))).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.body()).contains("FORBIDDEN").doesNotContain(token);
	}

	private String login(String user, String channel) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(url("/demo/login")))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("user=" + user + "&channel=" + channel))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = JsonMapper.builder().build().readTree(response.body());
		return body.get("token").asString();
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.port + path;
	}

}
