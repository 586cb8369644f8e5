package dev.sseboot.sse.replay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.sseboot.sse.broker.NodeBroker;
import dev.sseboot.sse.broker.SseStream;
import dev.sseboot.sse.fixtures.SseTestApplication;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import dev.sseboot.sse.test.SseTestClient.Event;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(classes = SseTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.security.jwt.secret=" + TestTokens.SECRET, "sse.connection.queue-capacity=256",
				"sse.replay.max-events=10000", "sse.replay.max-bytes=256MB" })
class SlowConsumerReplayIntegrationTests {

	private static final int MAX_EVENTS = 20_000;

	@LocalServerPort
	int port;

	@Autowired
	NodeBroker broker;

	@Test
	void slowConsumerReconnectsWithLastEventIdAndLosesNothing() {
		SseTestClient client = new SseTestClient(this.port);
		String token = TestTokens.forUser("slowpoke");
		String payload = "x".repeat(8 * 1024);
		List<String> published = new ArrayList<>();
		SseTestClient.Stream stalled = client.openPaused("/sse", Map.of("Authorization", "Bearer " + token));
		// The drop clears the queue: the stalled client gets only what the writer took from
		// it before. Publishing at full speed can fill it while the writer is not back from
		// the connected frame yet, so a first tick is written before the flood.
		String first = this.broker.toUser("slowpoke").send("tick", payload);
		published.add(first);
		SseStream stream = this.broker.status().localStream(this.broker.connections("slowpoke").get(0).connectionId());
		await().atMost(Duration.ofSeconds(10)).until(() -> first.equals(stream.lastWrittenEventId()));
		// Publish until the stalled stream's queue overflows and the broker drops it.
		for (int i = 0; i < MAX_EVENTS && this.broker.isOnline("slowpoke"); i++) {
			published.add(this.broker.toUser("slowpoke").send("tick", payload));
		}
		assertThat(this.broker.isOnline("slowpoke")).as("closed as a slow consumer").isFalse();
		published.add(this.broker.toUser("slowpoke").send("tick", payload));

		stalled.startReading();
		List<Event> events = stalled.readToEnd(Duration.ofSeconds(30));
		assertThat(events.get(0).name()).isEqualTo("sse-connected");
		// A consumer that stopped reading may not get its sse-close: the server does not wait for it.
		assertThat(events).filteredOn((event) -> event.name().equals("sse-close"))
			.extracting(Event::data)
			.allMatch("{\"reason\":\"slow-consumer\"}"::equals);
		List<String> received = new ArrayList<>(
				events.stream().filter((event) -> event.name().equals("tick")).map(Event::id).toList());
		assertThat(received).isNotEmpty().hasSizeLessThan(published.size());

		try (SseTestClient.Stream resumed = client.open("/sse",
				Map.of("Authorization", "Bearer " + token, "Last-Event-ID", received.get(received.size() - 1)))) {
			assertThat(resumed.next().data()).contains("\"resume\":\"recovered\"");
			while (received.size() < published.size()) {
				received.add(resumed.next("tick").id());
			}
		}
		assertThat(received).containsExactlyElementsOf(published);
	}

}
