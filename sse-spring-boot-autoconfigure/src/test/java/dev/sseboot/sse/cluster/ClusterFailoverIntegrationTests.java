package dev.sseboot.sse.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.fixtures.ClusterNodes;
import dev.sseboot.sse.fixtures.FeedFollower;
import dev.sseboot.sse.fixtures.FeedPublisher;
import dev.sseboot.sse.fixtures.FeedPublisher.Acknowledged;
import dev.sseboot.sse.fixtures.RedisProcess;
import dev.sseboot.sse.test.SseTestClient;
import dev.sseboot.sse.test.SseTestClient.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Redis failover under running nodes, with real processes: a primary, one replica and
 * three Sentinels on loopback, the nodes on Boot's {@code spring.data.redis.sentinel.*}
 * with {@code sse.cluster.redis.acknowledging-replicas=1}. A publisher sends without pause,
 * retrying with an idempotency key; the replica falls behind (paused), the primary is
 * killed, Sentinel promotes the replica, and the old primary comes back as its replica. No send returns before the replica holds its
 * event, so none that returned is lost: every client ends with every acknowledged event
 * once, or was told {@code reset}/{@code gap}; no id names two events; publishing resumes
 * without restarting a node.
 */
@Tag("redis-transitions")
class ClusterFailoverIntegrationTests {

	private static final String MASTER = "sse-primary";

	private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(1);

	/** What a busy machine may add to a wait of the publish timeout: scheduling, not Redis. */
	private static final Duration SLACK = Duration.ofSeconds(1);

	private RedisProcess primary;

	private RedisProcess replica;

	private final List<RedisProcess> sentinels = new ArrayList<>();

	private ClusterNodes cluster;

	private final List<FeedFollower> followers = new ArrayList<>();

	@BeforeEach
	void startRedisWithAReplicaAndThreeSentinels() {
		this.primary = RedisProcess.startOnFreePort();
		this.replica = RedisProcess.startOnFreePort("--replicaof", "127.0.0.1", Integer.toString(this.primary.port()));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> redisCli(this.replica.port(), "INFO", "replication").contains("master_link_status:up"));
		for (int i = 0; i < 3; i++) {
			this.sentinels.add(RedisProcess.startSentinel(MASTER, this.primary.port()));
		}
		for (RedisProcess sentinel : this.sentinels) {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> redisCli(sentinel.port(), "SENTINEL", "replicas", MASTER)
					.contains(Integer.toString(this.replica.port())));
		}
		this.cluster = ClusterNodes.onSentinel(MASTER, this.sentinels.stream().map(RedisProcess::port).toList(),
				"sse.heartbeat.interval=200ms", "sse.connection.max-per-user=0",
				"sse.cluster.redis.acknowledging-replicas=1",
				"sse.cluster.publish-timeout=" + PUBLISH_TIMEOUT.toMillis() + "ms");
	}

	@AfterEach
	void stopAll() {
		this.followers.forEach(FeedFollower::finish);
		this.replica.resume();
		this.cluster.close();
		this.sentinels.forEach(RedisProcess::close);
		this.replica.close();
		this.primary.close();
	}

	@Test
	void losesNoAcknowledgedEventWhenSentinelPromotesALaggingReplica() throws Exception {
		ConfigurableApplicationContext a = this.cluster.start();
		ConfigurableApplicationContext b = this.cluster.start();
		for (int i = 0; i < 6; i++) {
			SseTestClient client = ClusterNodes.client((i % 2 == 0) ? a : b);
			FeedFollower follower = new FeedFollower(() -> client, "follower" + i);
			this.followers.add(follower);
			follower.start();
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> this.followers.stream().allMatch(FeedFollower::connected));
		SseBroker broker = ClusterNodes.broker(a);
		FeedPublisher publisher = new FeedPublisher(() -> broker);
		publisher.start();
		await().atMost(Duration.ofSeconds(20)).until(() -> publisher.acknowledged().size() >= 20);

		// The replica falls behind: the primary appends, but no send is acknowledged.
		this.replica.pause();
		await().atMost(Duration.ofSeconds(20)).until(() -> publisher.failures() >= 1);
		int acknowledgedBeforeFailover = publisher.acknowledged().size();
		this.primary.stop();
		this.replica.resume();
		await().atMost(Duration.ofSeconds(60))
			.until(() -> redisCli(this.sentinels.get(0).port(), "SENTINEL", "get-master-addr-by-name", MASTER)
				.contains(Integer.toString(this.replica.port())));
		// The old primary comes back, and Sentinel makes it the new primary's replica: with
		// one replica to acknowledge, the cluster publishes again once one is there.
		this.primary.restart();
		// Publishing resumes, without restarting a node.
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(publisher.acknowledged().size()).as("sends acknowledged; the last failure: %s",
					publisher.lastFailure())
				.isGreaterThanOrEqualTo(acknowledgedBeforeFailover + 20));
		publisher.finish();

		List<Acknowledged> acknowledged = publisher.acknowledged();
		String lastId = acknowledged.get(acknowledged.size() - 1).id();
		// What was sent once Redis was back reaches everyone; what a client's node delivered
		// before the client came back from its resync, its reset covers.
		for (FeedFollower follower : this.followers) {
			await().atMost(Duration.ofSeconds(30)).until(() -> follower.hasReceived(lastId));
		}
		Map<String, String> dataById = new HashMap<>();
		for (FeedFollower follower : this.followers) {
			for (Event event : follower.received()) {
				String earlier = dataById.putIfAbsent(event.id(), event.data());
				assertThat(earlier).as("id %s names one event", event.id()).isIn(null, event.data());
			}
			boolean told = follower.resumes().stream().anyMatch((resume) -> resume.equals("reset") || resume.equals("gap"));
			for (Acknowledged event : acknowledged) {
				long times = follower.received()
					.stream()
					.filter((received) -> received.id().equals(event.id()) && received.data().equals(event.data()))
					.count();
				assertThat(times).as("%s received %s (resumes %s)", follower.user(), event, follower.resumes())
					.isLessThanOrEqualTo(1);
				if (!told) {
					assertThat(times).as("%s, never told reset or gap, received %s", follower.user(), event).isOne();
				}
			}
		}
		assertThat(publisher.longestCall()).as("the longest send").isLessThan(PUBLISH_TIMEOUT.plus(SLACK));
		System.out.println("Failover: no send acknowledged for " + publisher.longestGap().toMillis() + " ms; the "
				+ "longest send took " + publisher.longestCall().toMillis() + " ms; " + publisher.failures()
				+ " sends failed and were retried with their key");
	}

	private static String redisCli(int port, String... command) {
		List<String> arguments = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
		arguments.addAll(List.of(command));
		try {
			Process process = new ProcessBuilder(arguments).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			process.waitFor(10, TimeUnit.SECONDS);
			return output;
		}
		catch (IOException ex) {
			throw new IllegalStateException("These tests need redis-cli", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
