package dev.sseboot.sse.replay;

import java.time.Duration;
import java.util.Map;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.SseEvent;
import dev.sseboot.sse.fixtures.ClusterNodes;
import dev.sseboot.sse.fixtures.SseIntegrationTest;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import dev.sseboot.sse.test.SseTestClient.Event;
import dev.sseboot.sse.test.SseTestClient.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Channels that keep their last event ({@code sse.channels[<pattern>].keep-latest=true}):
 * a subscriber that opens without a position to go on from (no id, or a resume that is
 * {@code reset} or {@code gap}) gets it right after {@code sse-connected}, as
 * {@code sse-latest} without an id; one that recovers does not. On one node, and in cluster
 * mode from Redis on a node that started after the event.
 */
@SseIntegrationTest
@TestPropertySource(properties = { "sse.channels[prices\\:*].keep-latest=true",
		"sse.channels[board].keep-latest=true", "sse.channels[board].presence-events=true" })
class KeepLatestIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	SseBroker broker;

	private SseTestClient client;

	@BeforeEach
	void setUp() {
		this.client = new SseTestClient(this.port);
	}

	@Test
	void sendsTheChannelsLastEventToANewSubscriberRightAfterConnected() {
		this.broker.toChannel("prices:eur").send("price", "1");
		String last = this.broker.toChannel("prices:eur").send("price", "{\"eur\":2}");
		// Not the channel's value: addressed to one user.
		this.broker.toUser("someone").channel("prices:eur").send("price", "mine");
		this.broker.toChannel("news").send("headline", "h");
		try (Stream stream = this.client.openWithBearer("/sse?channel=prices:eur&channel=news",
				TestTokens.forUser("kl-1", "prices:*", "news"))) {
			assertThat(stream.next().name()).isEqualTo(SseEvent.CONNECTED);
			Event latest = stream.next();
			assertThat(latest.name()).isEqualTo(SseEvent.LATEST);
			assertThat(latest.id()).as("moves no Last-Event-ID").isNull();
			assertThat(latest.data()).isEqualTo(
					"{\"channel\":\"prices:eur\",\"event\":\"price\",\"id\":\"" + last + "\",\"data\":\"{\\\"eur\\\":2}\"}");
			String live = this.broker.toChannel("prices:eur").send("price", "3");
			assertThat(stream.next().id()).isEqualTo(live);
		}
	}

	@Test
	void sendsNothingToAStreamThatRecoversAndTheLastEventToOneThatIsReset() {
		String first = this.broker.toChannel("prices:usd").send("price", "1");
		String last = this.broker.toChannel("prices:usd").send("price", "2");
		String token = TestTokens.forUser("kl-2", "prices:*");
		try (Stream recovered = this.client.resume("/sse?channel=prices:usd", token, first)) {
			assertThat(recovered.next().field("resume")).isEqualTo("recovered");
			assertThat(recovered.next().id()).as("replayed, not sse-latest").isEqualTo(last);
		}
		try (Stream reset = this.client.resume("/sse?channel=prices:usd", token, "another-epoch-7")) {
			assertThat(reset.next().field("resume")).isEqualTo("reset");
			assertThat(SseTestClient.json(reset.next(SseEvent.LATEST).data(), "id").asString()).isEqualTo(last);
		}
	}

	@Test
	void keepsTheApplicationsLastEventNotAJoinOnAChannelThatAlsoAnnouncesPresence() {
		String state = this.broker.toChannel("board").send("state", "s1");
		try (Stream watcher = this.client.openWithBearer("/sse?channel=board", TestTokens.forUser("kl-watch", "board"));
				Stream joiner = this.client.openWithBearer("/sse?channel=board",
						TestTokens.forUser("kl-join", "board"))) {
			joiner.connectionId();
			watcher.next((event) -> event.name().equals(SseEvent.JOIN) && event.data().contains("kl-join"),
					Duration.ofSeconds(10));
			try (Stream fresh = this.client.openWithBearer("/sse?channel=board", TestTokens.forUser("kl-4", "board"))) {
				assertThat(fresh.next().name()).isEqualTo(SseEvent.CONNECTED);
				assertThat(SseTestClient.json(fresh.next(SseEvent.LATEST).data(), "id").asString()).isEqualTo(state);
			}
		}
	}

	@Test
	void aClusterNodeStartedAfterTheEventSendsItFromRedis() {
		try (ClusterNodes cluster = new ClusterNodes("sse.channels[prices].keep-latest=true")) {
			SseBroker publisher = ClusterNodes.broker(cluster.start());
			String last = publisher.toChannel("prices").send("price", "42");
			ConfigurableApplicationContext later = cluster.start();
			try (Stream stream = ClusterNodes.client(later)
				.open("/sse?channel=prices", Map.of("Authorization", "Bearer " + TestTokens.forUser("kl-3", "prices")))) {
				assertThat(stream.next().name()).isEqualTo(SseEvent.CONNECTED);
				Event latest = stream.next();
				assertThat(latest.name()).isEqualTo(SseEvent.LATEST);
				assertThat(SseTestClient.json(latest.data(), "id").asString()).isEqualTo(last);
				assertThat(SseTestClient.json(latest.data(), "data").asString()).isEqualTo("42");
			}
		}
	}

}
