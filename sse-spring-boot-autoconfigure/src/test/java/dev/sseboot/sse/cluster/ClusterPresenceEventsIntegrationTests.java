package dev.sseboot.sse.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.sseboot.sse.SseUserOfflineEvent;
import dev.sseboot.sse.SseUserOnlineEvent;
import dev.sseboot.sse.fixtures.ClusterNodes;
import dev.sseboot.sse.fixtures.ClusterNodes.ProcessNode;
import dev.sseboot.sse.fixtures.PresenceEvents;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import dev.sseboot.sse.test.SseTestClient.Event;
import dev.sseboot.sse.test.SseTestClient.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Presence that announces itself, on two nodes sharing the real Redis: a user comes online
 * once, on the node that admitted their first stream anywhere, and goes offline once, where
 * their last stream closed or, after a {@code kill -9} of the node that held it, on the
 * node that removed the dead node's streams; subscribers of a channel with presence events
 * are told who joins and leaves it, in the log's order, and of no other channel.
 */
class ClusterPresenceEventsIntegrationTests {

	/** Beyond it, nothing more of a user is announced: three node timeouts and a beat. */
	private static final Duration SETTLED = Duration.ofSeconds(2);

	private final ClusterNodes cluster = new ClusterNodes("sse.cluster.node-timeout=1s",
			"sse.heartbeat.interval=200ms", "sse.channels[room].presence-events=true");

	private ConfigurableApplicationContext a;

	private ConfigurableApplicationContext b;

	private PresenceEvents announcedOnA;

	private PresenceEvents announcedOnB;

	@BeforeEach
	void startNodes() {
		this.a = this.cluster.start();
		this.b = this.cluster.start();
		this.announcedOnA = PresenceEvents.of(this.a);
		this.announcedOnB = PresenceEvents.of(this.b);
	}

	@AfterEach
	void stopNodes() {
		this.cluster.close();
	}

	@Test
	void announcesAUserOnlineOnceWhereverTheirStreamsOpenAndOfflineOnceWhenTheLastCloses() {
		String token = TestTokens.forUser("pres-1", "room");
		Stream onA = ClusterNodes.client(this.a).openWithBearer("/sse", token);
		onA.connectionId();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.announcedOnA.of("pres-1").equals(List.of(new SseUserOnlineEvent("pres-1"))));
		try (Stream onB = ClusterNodes.client(this.b).openWithBearer("/sse", token)) {
			onB.connectionId();
			onA.close();
			// Gone from the cluster's presence: the closed stream was removed, the user stays.
			await().atMost(Duration.ofSeconds(5))
				.until(() -> ClusterNodes.broker(this.b).connections("pres-1").size() == 1);
		}
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.announcedOnB.of("pres-1").equals(List.of(new SseUserOfflineEvent("pres-1", false))));
		await().during(SETTLED).atMost(SETTLED.plusSeconds(3)).until(() -> announced("pres-1").size() == 2);
		assertThat(this.announcedOnA.of("pres-1")).containsExactly(new SseUserOnlineEvent("pres-1"));
	}

	@Test
	void announcesOfflineOnceWhenTheNodeHoldingAUsersOnlyStreamIsKilled() {
		ProcessNode doomed = this.cluster.startProcess();
		try (Stream watcher = ClusterNodes.client(this.a)
			.openWithBearer("/sse?channel=room", TestTokens.forUser("pres-watcher", "room"))) {
			watcher.connectionId();
			Stream victim = doomed.client()
				.openWithBearer("/sse?channel=room", TestTokens.forUser("pres-victim", "room"));
			victim.connectionId();
			assertThat(nextAbout(watcher, "sse-join", "pres-victim").data())
				.isEqualTo("{\"userId\":\"pres-victim\",\"channel\":\"room\"}");
			doomed.kill();
			// Three node timeouts after its last beat, the first node to beat removes its streams.
			assertThat(nextAbout(watcher, "sse-leave", "pres-victim").data())
				.isEqualTo("{\"userId\":\"pres-victim\",\"channel\":\"room\"}");
			await().atMost(Duration.ofSeconds(5))
				.until(() -> announced("pres-victim").equals(List.of(new SseUserOfflineEvent("pres-victim", true))));
			await().during(SETTLED).atMost(SETTLED.plusSeconds(3)).until(() -> announced("pres-victim").size() == 1);
			victim.close();
		}
	}

	@Test
	void tellsAChannelsSubscribersWhoJoinsAndLeavesItAndNothingOfOtherChannels() {
		SseTestClient onB = ClusterNodes.client(this.b);
		try (Stream watcher = ClusterNodes.client(this.a)
			.openWithBearer("/sse?channel=room&channel=lobby", TestTokens.forUser("pres-host", "room", "lobby"))) {
			watcher.connectionId();
			Stream guest = onB.openWithBearer("/sse?channel=room&channel=lobby",
					TestTokens.forUser("pres-guest", "room", "lobby"));
			guest.connectionId();
			Event joined = nextAbout(watcher, "sse-join", "pres-guest");
			assertThat(joined.data()).isEqualTo("{\"userId\":\"pres-guest\",\"channel\":\"room\"}");
			assertThat(joined.id()).as("kept for replay, in order with the channel's events").isNotNull();
			// Announced together with the room's join, were the lobby announced: none before the marker.
			String marker = ClusterNodes.broker(this.b).toChannel("lobby").send("marker", "m");
			List<Event> seen = new ArrayList<>();
			for (Event event = watcher.next(); !marker.equals(event.id()); event = watcher.next()) {
				seen.add(event);
			}
			assertThat(seen).extracting(Event::name).doesNotContain("sse-join", "sse-leave");
			guest.close();
			assertThat(nextAbout(watcher, "sse-leave", "pres-guest").data())
				.isEqualTo("{\"userId\":\"pres-guest\",\"channel\":\"room\"}");
		}
	}

	private List<Object> announced(String userId) {
		List<Object> all = new ArrayList<>(this.announcedOnA.of(userId));
		all.addAll(this.announcedOnB.of(userId));
		return all;
	}

	/** The next event of a name about a user, skipping heartbeats and what concerns others. */
	private static Event nextAbout(Stream stream, String name, String userId) {
		return stream.next((event) -> event.name().equals(name) && event.data().contains("\"" + userId + "\""),
				Duration.ofSeconds(10));
	}

}
