package dev.sseboot.sse.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import dev.sseboot.sse.fixtures.ClusterNodes;
import dev.sseboot.sse.fixtures.FeedFollower;
import dev.sseboot.sse.fixtures.FeedPublisher;
import dev.sseboot.sse.fixtures.FeedPublisher.Acknowledged;
import dev.sseboot.sse.test.SseTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A rolling restart of three nodes, one after the other, each stopped normally (it drains
 * its streams over a second) and started again: clients reconnect with their last id, half
 * to their own node once it is back, half to the others meanwhile; a publisher sends
 * through a node that stays up, retrying with idempotency keys. Nothing is lost, nothing
 * arrives twice, and every resume is {@code recovered}.
 */
@Tag("redis-transitions")
class ClusterRollingRestartIntegrationTests {

	private static final int NODES = 3;

	private final ClusterNodes cluster = new ClusterNodes("sse.heartbeat.interval=200ms",
			"sse.connection.max-per-user=0");

	private final AtomicReferenceArray<ConfigurableApplicationContext> nodes = new AtomicReferenceArray<>(NODES);

	private final List<FeedFollower> followers = new ArrayList<>();

	@AfterEach
	void stopAll() {
		this.followers.forEach(FeedFollower::finish);
		this.cluster.close();
	}

	@Test
	void restartsEveryNodeInTurnWithNothingLostOrRepeatedAndEveryResumeRecovered() throws Exception {
		for (int n = 0; n < NODES; n++) {
			this.nodes.set(n, startNode());
		}
		for (int i = 0; i < 6; i++) {
			int home = i % NODES;
			boolean waitsForItsNode = i % 2 == 0;
			FeedFollower follower = new FeedFollower(() -> client(home, waitsForItsNode), "rolling" + i);
			this.followers.add(follower);
			follower.start();
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> this.followers.stream().allMatch(FeedFollower::connected));
		AtomicInteger publishVia = new AtomicInteger(NODES - 1);
		FeedPublisher publisher = new FeedPublisher(() -> ClusterNodes.broker(this.nodes.get(publishVia.get())));
		publisher.start();
		await().atMost(Duration.ofSeconds(20)).until(() -> publisher.acknowledged().size() >= 20);

		for (int n = 0; n < NODES; n++) {
			publishVia.set((n + 1) % NODES);
			int before = publisher.acknowledged().size();
			this.nodes.get(n).close();
			this.nodes.set(n, startNode());
			await().atMost(Duration.ofSeconds(30)).until(() -> publisher.acknowledged().size() >= before + 20);
		}
		publisher.finish();

		List<Acknowledged> acknowledged = publisher.acknowledged();
		String lastId = acknowledged.get(acknowledged.size() - 1).id();
		for (FeedFollower follower : this.followers) {
			await().atMost(Duration.ofSeconds(30)).until(() -> follower.hasReceived(lastId));
			assertThat(follower.received()).as("%s: every acknowledged event once, in order", follower.user())
				.extracting(SseTestClient.Event::id)
				.containsExactlyElementsOf(acknowledged.stream().map(Acknowledged::id).toList());
			assertThat(follower.resumes()).as(follower.user()).first().isEqualTo("none");
			assertThat(follower.resumes().subList(1, follower.resumes().size())).as(follower.user())
				.isNotEmpty()
				.containsOnly("recovered");
		}
	}

	private ConfigurableApplicationContext startNode() {
		// Drains over a second, as a deploy would over its drain period.
		return this.cluster.start("sse.shutdown.drain-period=1s");
	}

	/**
	 * A client of a follower's own node, or while that node is down, of the next one up if
	 * the follower does not wait for its own.
	 */
	private SseTestClient client(int home, boolean waitsForItsNode) {
		for (int offset = 0; offset < NODES; offset++) {
			ConfigurableApplicationContext node = this.nodes.get((home + offset) % NODES);
			if (node.isActive() || waitsForItsNode) {
				return ClusterNodes.client(node);
			}
		}
		throw new IllegalStateException("No node is up");
	}

}
