package dev.sseboot.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "demo.position-interval=100ms", "demo.notification-interval=100ms" })
class SampleApplicationIntegrationTests {

	@LocalServerPort
	int port;

	final HttpClient http = HttpClient.newHttpClient();

	@Test
	void demoLoginTokenOpensStreamThatReceivesPositionsAndOwnNotifications() throws Exception {
		String token = login("alice", "project:1");
		HttpRequest request = HttpRequest.newBuilder(URI.create(url("/sse?token=" + token))).build();
		HttpResponse<java.util.stream.Stream<String>> response = this.http.send(request,
				HttpResponse.BodyHandlers.ofLines());
		assertThat(response.statusCode()).isEqualTo(200);
		try (java.util.stream.Stream<String> lines = response.body()) {
			java.util.List<String> dataLines = lines.filter((line) -> line.startsWith("data: "))
				.limit(6)
				.toList();
			assertThat(dataLines).anySatisfy((line) -> assertThat(line).contains("\"project\":1"));
			assertThat(dataLines).anySatisfy((line) -> assertThat(line).contains("Hello alice"));
			assertThat(dataLines).noneSatisfy((line) -> assertThat(line).contains("\"project\":2"));
			assertThat(dataLines).noneSatisfy((line) -> assertThat(line).contains("Hello bob"));
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
