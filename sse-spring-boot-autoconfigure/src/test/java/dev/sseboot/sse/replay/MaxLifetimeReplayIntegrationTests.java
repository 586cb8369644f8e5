package dev.sseboot.sse.replay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.fixtures.SseIntegrationTest;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import dev.sseboot.sse.test.SseTestClient.Event;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SseIntegrationTest
@TestPropertySource(properties = { "sse.connection.max-lifetime=1s", "sse.connection.lifetime-jitter=0",
		"sse.heartbeat.interval=200ms" })
class MaxLifetimeReplayIntegrationTests {

	private static final int EVENTS = 150;

	@LocalServerPort
	int port;

	@Autowired
	SseBroker broker;

	@Test
	void streamClosedAtMaxLifetimeReconnectsWithLastEventIdAndLosesNothing() {
		SseTestClient client = new SseTestClient(this.port);
		String token = TestTokens.forUser("lifer");
		ConcurrentLinkedQueue<String> published = new ConcurrentLinkedQueue<>();
		AtomicInteger count = new AtomicInteger();
		List<String> received = new ArrayList<>();
		int lifetimeCloses = 0;
		SseTestClient.Stream stream = client.openWithBearer("/sse", token);
		assertThat(stream.next().name()).isEqualTo("sse-connected");
		ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
		try {
			// About 3 s of events at a steady rate: several lifetimes of 1 s.
			publisher.scheduleAtFixedRate(() -> {
				if (count.incrementAndGet() <= EVENTS) {
					published.add(this.broker.toUser("lifer").send("tick", "n"));
				}
			}, 0, 20, TimeUnit.MILLISECONDS);
			while (received.size() < EVENTS) {
				Event event = stream.next((e) -> !e.name().equals("heartbeat"), Duration.ofSeconds(10));
				if (event.name().equals("tick")) {
					received.add(event.id());
				}
				else if (event.name().equals("sse-close")) {
					assertThat(event.data()).isEqualTo("{\"reason\":\"max-lifetime\"}");
					lifetimeCloses++;
					stream.close();
					stream = client.open("/sse",
							Map.of("Authorization", "Bearer " + token, "Last-Event-ID", received.get(received.size() - 1)));
					assertThat(stream.next().data()).contains("\"resume\":\"recovered\"");
				}
			}
		}
		finally {
			publisher.shutdownNow();
			stream.close();
		}
		await().until(() -> published.size() == EVENTS);
		assertThat(lifetimeCloses).isGreaterThanOrEqualTo(2);
		assertThat(received).containsExactlyElementsOf(published);
	}

}
