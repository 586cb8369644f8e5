package dev.sseboot.sse.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.fixtures.ClusterNodes;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.replay.EventId;
import dev.sseboot.sse.test.SseTestClient.Event;
import dev.sseboot.sse.test.SseTestClient.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes of one application in cluster mode on a real Redis: every kind of delivery
 * crosses nodes, every stream sees one order, a client resumes on either node, and a
 * user is disconnected on every node. Run against a Redis and against a Redis Cluster.
 */
@TestInstance(Lifecycle.PER_CLASS)
abstract class AbstractClusterDeliveryTests {

	private ClusterNodes cluster;

	private ConfigurableApplicationContext a;

	private ConfigurableApplicationContext b;

	/**
	 * Returns nodes, not started yet, on the Redis to test against.
	 * @param properties properties of every node
	 * @return the nodes
	 */
	abstract ClusterNodes nodes(String... properties);

	@BeforeAll
	void startTwoNodes() {
		this.cluster = nodes("sse.connection.max-per-user=0");
		this.a = this.cluster.start();
		this.b = this.cluster.start();
	}

	@AfterAll
	void stopNodes() {
		this.cluster.close();
	}

	@Test
	void tellsWhichNodeServesAStream() {
		try (Stream onA = ClusterNodes.client(this.a).openWithBearer("/sse", TestTokens.forUser("curious"));
				Stream onB = ClusterNodes.client(this.b).openWithBearer("/sse", TestTokens.forUser("curious"))) {
			String nodeA = this.a.getBean(ClusterPresence.class).nodeId();
			String nodeB = this.b.getBean(ClusterPresence.class).nodeId();
			assertThat(nodeA).isNotEqualTo(nodeB);
			assertThat(onA.next("sse-connected").field("node")).isEqualTo(nodeA);
			assertThat(onB.next("sse-connected").field("node")).isEqualTo(nodeB);
		}
	}

	@Test
	void closesAUsersStreamsOnEveryNode() {
		try (Stream onA = ClusterNodes.client(this.a).openWithBearer("/sse", TestTokens.forUser("leaving"));
				Stream onB = ClusterNodes.client(this.b).openWithBearer("/sse", TestTokens.forUser("leaving"))) {
			onA.connectionId();
			onB.connectionId();
			assertThat(ClusterNodes.broker(this.a).disconnectUser("leaving")).isEqualTo(2);
			assertThat(onA.next("sse-close").field("reason")).isEqualTo("revoked");
			assertThat(onB.next("sse-close").field("reason")).isEqualTo("revoked");
		}
	}

	@Test
	void deliversEveryKindOfEventFromOneNodeToStreamsOnTheOther() {
		SseBroker publisher = ClusterNodes.broker(this.a);
		try (Stream alice = ClusterNodes.client(this.b).openWithBearer("/sse?channel=chat",
				TestTokens.forUser("alice", "chat"));
				Stream bob = ClusterNodes.client(this.b).openWithBearer("/sse?channel=news",
						TestTokens.forUser("bob", "news"))) {
			String aliceConnection = alice.connectionId();
			bob.connectionId();
			String toUser = publisher.toUser("alice").send("to-user", "u");
			String toChannel = publisher.toChannel("chat").send("to-channel", "c");
			String toUserOnChannel = publisher.toUser("alice").channel("chat").send("to-user-on-channel", "uc");
			String toAll = publisher.toAll().send("to-all", "a");
			String toConnection = publisher.toConnection(aliceConnection).send("to-connection", "x");
			String notForAlice = publisher.toUser("alice").channel("news").send("not-for-alice", "n");
			String last = publisher.toUser("bob").send("last", "l");
			assertThat(List.of(alice.next().id(), alice.next().id(), alice.next().id(), alice.next().id(),
					alice.next().id()))
				.containsExactly(toUser, toChannel, toUserOnChannel, toAll, toConnection);
			assertThat(bob.next().id()).isEqualTo(toAll);
			assertThat(bob.next().id()).isEqualTo(last);
			String after = publisher.toUser("alice").send("after", "z");
			assertThat(alice.next().id()).as("the event after " + notForAlice).isEqualTo(after);
		}
	}

	@Test
	void everyStreamOnEveryNodeSeesOneOrder() throws Exception {
		int perPublisher = 100;
		List<Stream> streams = new ArrayList<>();
		try {
			for (ConfigurableApplicationContext node : List.of(this.a, this.b, this.a, this.b)) {
				Stream stream = ClusterNodes.client(node).openWithBearer("/sse?channel=order",
						TestTokens.forUser("orderly", "order"));
				stream.connectionId();
				streams.add(stream);
			}
			// Several publishers per node, whose events the node sends to Redis in batches.
			List<ConfigurableApplicationContext> publishingNodes = List.of(this.a, this.b, this.a, this.b, this.a,
					this.b);
			ExecutorService publishers = Executors.newFixedThreadPool(publishingNodes.size());
			CountDownLatch start = new CountDownLatch(1);
			List<Future<List<String>>> sent = new ArrayList<>();
			for (ConfigurableApplicationContext node : publishingNodes) {
				sent.add(publishers.submit(() -> {
					start.await();
					List<String> ids = new ArrayList<>();
					for (int i = 0; i < perPublisher; i++) {
						ids.add(ClusterNodes.broker(node).toChannel("order").send("tick", Integer.toString(i)));
					}
					return ids;
				}));
			}
			start.countDown();
			List<String> all = new ArrayList<>();
			for (Future<List<String>> future : sent) {
				List<String> ids = future.get(30, TimeUnit.SECONDS);
				assertThat(ids.stream().map((id) -> EventId.parse(id).sequence()).toList())
					.as("one publisher's ids, in the order it sent").isSorted();
				all.addAll(ids);
			}
			publishers.shutdown();
			all.sort((x, y) -> Long.compare(EventId.parse(x).sequence(), EventId.parse(y).sequence()));
			for (Stream stream : streams) {
				List<String> received = new ArrayList<>();
				while (received.size() < all.size()) {
					received.add(stream.next("tick").id());
				}
				assertThat(received).isEqualTo(all);
			}
		}
		finally {
			streams.forEach(Stream::close);
		}
	}

	@Test
	void resumesOnTheOtherNodeWithWhatItMissed() {
		SseBroker publisher = ClusterNodes.broker(this.a);
		String token = TestTokens.forUser("mover", "chat");
		String lastSeen;
		try (Stream first = ClusterNodes.client(this.a).openWithBearer("/sse", token)) {
			first.connectionId();
			publisher.toUser("mover").send("seen", "1");
			lastSeen = first.next("seen").id();
		}
		List<String> missed = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			missed.add(publisher.toUser("mover").send("missed", Integer.toString(i)));
		}
		publisher.toUser("someone-else").send("not-for-mover", "x");
		// Node this.b may not have read them all yet: what it has not read comes live.
		try (Stream resumed = ClusterNodes.client(this.b).open("/sse",
				Map.of("Authorization", "Bearer " + token, "Last-Event-ID", lastSeen))) {
			assertThat(resumed.next().field("resume")).isEqualTo("recovered");
			List<String> replayed = new ArrayList<>();
			for (int i = 0; i < missed.size(); i++) {
				replayed.add(resumed.next().id());
			}
			assertThat(replayed).isEqualTo(missed);
			String live = publisher.toUser("mover").send("live", "after");
			assertThat(resumed.next().id()).isEqualTo(live);
		}
	}

	@Test
	void resumingTwiceWithoutNewEventsReplaysNothingTheSecondTime() {
		SseBroker publisher = ClusterNodes.broker(this.a);
		String token = TestTokens.forUser("twice", "chat");
		String before = publisher.toUser("twice").send("before", "0");
		String missed = publisher.toUser("twice").send("missed", "1");
		String lastReplayed;
		try (Stream onB = ClusterNodes.client(this.b).open("/sse",
				Map.of("Authorization", "Bearer " + token, "Last-Event-ID", before))) {
			assertThat(onB.next().field("resume")).isEqualTo("recovered");
			lastReplayed = onB.next().id();
			assertThat(lastReplayed).isEqualTo(missed);
		}
		for (ConfigurableApplicationContext node : List.of(this.a, this.b)) {
			try (Stream again = ClusterNodes.client(node).open("/sse",
					Map.of("Authorization", "Bearer " + token, "Last-Event-ID", lastReplayed))) {
				assertThat(again.next().field("resume")).isEqualTo("recovered");
				String live = publisher.toUser("twice").send("live", "2");
				assertThat(again.next().id()).as("the first event after resuming").isEqualTo(live);
				lastReplayed = live;
			}
		}
	}

	@Test
	void resumesWhileEventsArePublishedWithNothingLostOrDuplicated() throws Exception {
		String token = TestTokens.forUser("racer", "race");
		AtomicBoolean publishing = new AtomicBoolean(true);
		List<String> published = Collections.synchronizedList(new ArrayList<>());
		ExecutorService publisher = Executors.newSingleThreadExecutor();
		Future<?> publishes = publisher.submit(() -> {
			while (publishing.get()) {
				published.add(ClusterNodes.broker(this.a).toUser("racer").send("tick", "x"));
			}
		});
		List<String> received = new ArrayList<>();
		try {
			ConfigurableApplicationContext node = this.a;
			String lastEventId = null;
			for (int hop = 0; hop < 6; hop++) {
				Map<String, String> headers = (lastEventId != null)
						? Map.of("Authorization", "Bearer " + token, "Last-Event-ID", lastEventId)
						: Map.of("Authorization", "Bearer " + token);
				try (Stream stream = ClusterNodes.client(node).open("/sse", headers)) {
					String resume = stream.next().field("resume");
					assertThat(resume).isEqualTo((lastEventId != null) ? "recovered" : "none");
					for (int i = 0; i < 40; i++) {
						Event event = stream.next("tick");
						received.add(event.id());
						lastEventId = event.id();
					}
				}
				node = (node == this.a) ? this.b : this.a;
			}
		}
		finally {
			publishing.set(false);
			publishes.get(10, TimeUnit.SECONDS);
			publisher.shutdown();
		}
		List<String> expected = new ArrayList<>(published.subList(published.indexOf(received.get(0)),
				published.indexOf(received.get(received.size() - 1)) + 1));
		assertThat(received).isEqualTo(expected);
	}

	@Test
	void aNodeThatJoinsLaterReplaysFromTheLogWhatCameBefore() {
		String token = TestTokens.forUser("late", "chat");
		String lastSeen;
		try (Stream first = ClusterNodes.client(this.a).openWithBearer("/sse", token)) {
			first.connectionId();
			lastSeen = ClusterNodes.broker(this.a).toUser("late").send("seen", "0");
			first.next("seen");
		}
		List<String> missed = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			missed.add(ClusterNodes.broker(this.b).toUser("late").send("missed", Integer.toString(i)));
		}
		ConfigurableApplicationContext c = this.cluster.start();
		try (Stream resumed = ClusterNodes.client(c).open("/sse",
				Map.of("Authorization", "Bearer " + token, "Last-Event-ID", lastSeen))) {
			assertThat(resumed.next().field("resume")).isEqualTo("recovered");
			assertThat(List.of(resumed.next().id(), resumed.next().id(), resumed.next().id())).isEqualTo(missed);
		}
		finally {
			c.close();
		}
	}

	@Test
	void replaysNoOtherUsersEventsAcrossNodes() {
		String token = TestTokens.forUser("carol", "team");
		String lastSeen = ClusterNodes.broker(this.a).toUser("carol").send("mine", "0");
		String forDave = ClusterNodes.broker(this.a).toUser("dave").send("secret", "for dave");
		String forDaveOnTeam = ClusterNodes.broker(this.b).toUser("dave").channel("team").send("secret", "also dave");
		String forTeam = ClusterNodes.broker(this.b).toChannel("team").send("team", "for the team");
		String forCarol = ClusterNodes.broker(this.a).toUser("carol").send("mine", "1");
		try (Stream resumed = ClusterNodes.client(this.b).open("/sse?channel=team",
				Map.of("Authorization", "Bearer " + token, "Last-Event-ID", lastSeen))) {
			assertThat(resumed.next().field("resume")).isEqualTo("recovered");
			assertThat(List.of(resumed.next().id(), resumed.next().id())).as("not " + forDave + ", " + forDaveOnTeam)
				.containsExactly(forTeam, forCarol);
			String live = ClusterNodes.broker(this.a).toUser("carol").send("mine", "2");
			assertThat(resumed.next().id()).isEqualTo(live);
		}
	}

	@Test
	void resetsAnIdOfAnotherEpoch() {
		try (Stream stream = ClusterNodes.client(this.b).open("/sse",
				Map.of("Authorization", "Bearer " + TestTokens.forUser("stranger"), "Last-Event-ID", "otherepoch-5"))) {
			assertThat(stream.next().field("resume")).isEqualTo("reset");
		}
	}

	@Test
	void resetsAnIdFromTheFutureOfTheLog() {
		String id = ClusterNodes.broker(this.a).toUser("nobody").send("tick", "x");
		EventId parsed = EventId.parse(id);
		String future = parsed.epoch() + "-" + (parsed.sequence() + 1_000_000);
		try (Stream stream = ClusterNodes.client(this.b).open("/sse",
				Map.of("Authorization", "Bearer " + TestTokens.forUser("time-traveller"), "Last-Event-ID", future))) {
			assertThat(stream.next().field("resume")).isEqualTo("reset");
		}
	}

}
