package dev.sseboot.sse;

import java.time.Duration;
import java.util.List;

import dev.sseboot.sse.fixtures.PresenceEvents;
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
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Presence that announces itself on a node on its own: users online and offline as
 * application events, and {@code sse-join} / {@code sse-leave} to the subscribers of the
 * channels whose options ask for them, never to a stream that may not read the channel.
 */
@SseIntegrationTest
@TestPropertySource(properties = { "sse.channels[room\\:*].presence-events=true", "sse.heartbeat.interval=200ms" })
class PresenceEventsIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	ConfigurableApplicationContext context;

	@Autowired
	SseBroker broker;

	private SseTestClient client;

	private PresenceEvents announced;

	@BeforeEach
	void setUp() {
		this.client = new SseTestClient(this.port);
		this.announced = PresenceEvents.of(this.context);
	}

	@Test
	void announcesAUserOnlineWithTheirFirstStreamAndOfflineWithTheirLast() {
		String token = TestTokens.forUser("pe-user", "chat");
		Stream first = this.client.openWithBearer("/sse", token);
		first.connectionId();
		try (Stream second = this.client.openWithBearer("/sse", token)) {
			second.connectionId();
			first.close();
			await().atMost(Duration.ofSeconds(5)).until(() -> this.broker.connections("pe-user").size() == 1);
			assertThat(this.announced.of("pe-user")).containsExactly(new SseUserOnlineEvent("pe-user"));
		}
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.announced.of("pe-user").size() == 2);
		assertThat(this.announced.of("pe-user")).containsExactly(new SseUserOnlineEvent("pe-user"),
				new SseUserOfflineEvent("pe-user", false));
	}

	@Test
	void tellsTheSubscribersOfAChannelWithPresenceEventsWhoJoinsAndLeaves() {
		try (Stream host = this.client.openWithBearer("/sse?channel=room:1&channel=chat",
				TestTokens.forUser("pe-host", "room:*", "chat"));
				Stream outsider = this.client.openWithBearer("/sse?channel=chat", TestTokens.forUser("pe-outsider", "chat"))) {
			host.connectionId();
			outsider.connectionId();
			Stream guest = this.client.openWithBearer("/sse?channel=room:1&channel=chat",
					TestTokens.forUser("pe-guest", "room:*", "chat"));
			guest.connectionId();
			Event joined = nextAbout(host, SseEvent.JOIN, "pe-guest");
			assertThat(joined.data()).isEqualTo("{\"userId\":\"pe-guest\",\"channel\":\"room:1\"}");
			guest.close();
			assertThat(nextAbout(host, SseEvent.LEAVE, "pe-guest").data())
				.isEqualTo("{\"userId\":\"pe-guest\",\"channel\":\"room:1\"}");
			// The outsider, on chat only, heard of no one: the marker comes first.
			String marker = this.broker.toChannel("chat").send("marker", "m");
			assertThat(outsider.next((event) -> !event.name().equals("heartbeat"), Duration.ofSeconds(10)).id())
				.isEqualTo(marker);
		}
	}

	@Test
	void refusesToLetTheApplicationSendTheReservedEventsEvenAfterAChannelName() {
		for (String name : List.of(SseEvent.JOIN, SseEvent.LEAVE, SseEvent.LATEST, "room:1 sse-join")) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> this.broker.toChannel("room:1").send(name, "{}"))
				.withMessageContaining("reserved");
		}
	}

	private static Event nextAbout(Stream stream, String name, String userId) {
		return stream.next((event) -> event.name().equals(name) && event.data().contains("\"" + userId + "\""),
				Duration.ofSeconds(10));
	}

}
