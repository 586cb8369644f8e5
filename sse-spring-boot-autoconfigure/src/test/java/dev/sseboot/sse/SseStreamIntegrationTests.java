package dev.sseboot.sse;

import java.util.Map;

import dev.sseboot.sse.fixtures.SseIntegrationTest;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@SseIntegrationTest
class SseStreamIntegrationTests {

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
	void deliversUserEventToQueryTokenStream() {
		try (SseTestClient.Stream stream = this.client.openWithQueryToken("/sse", TestTokens.forUser("alex", "chat"), "")) {
			assertThat(stream.status()).isEqualTo(200);
			assertThat(stream.header("Content-Type")).startsWith("text/event-stream");
			SseTestClient.Event connected = stream.next();
			assertThat(connected.name()).isEqualTo("sse-connected");
			assertThat(connected.retry()).isEqualTo("2500");
			assertThat(connected.data()).contains("\"userId\":\"alex\"").contains("\"resume\":\"none\"");
			String id = this.broker.toUser("alex").send("notification", Map.of("text", "hi"));
			SseTestClient.Event event = stream.next("notification");
			assertThat(event.id()).isEqualTo(id);
			assertThat(event.data()).isEqualTo("{\"text\":\"hi\"}");
		}
	}

	@Test
	void rejectsMissingToken() {
		SseTestClient.Stream stream = this.client.open("/sse", Map.of());
		assertThat(stream.status()).isEqualTo(401);
		assertThat(stream.errorBody()).contains("\"code\":\"UNAUTHORIZED\"");
	}

}
