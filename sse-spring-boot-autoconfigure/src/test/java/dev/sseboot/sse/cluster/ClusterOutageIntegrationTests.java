package dev.sseboot.sse.cluster;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.fixtures.ClusterNodes;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.replay.EventId;
import dev.sseboot.sse.test.SseTestClient.Stream;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Cluster mode while Redis goes away and comes back: streams stay open, sends fail
 * clearly, and every node goes on by itself afterwards, telling clients what they missed.
 * The Redis is a process of the test's own.
 */
class ClusterOutageIntegrationTests extends TwoNodesOnOwnRedisTests {

	@Override
	protected String[] nodeProperties() {
		return new String[] { "sse.heartbeat.interval=200ms", "sse.connection.max-per-user=0", "spring.data.redis.timeout=5s",
				"sse.control.enabled=true", "sse.control.port=0" };
	}

	@Test
	void keepsStreamsOpenAndFailsSendsWhileRedisIsDownThenResetsTheirClients() {
		SseBroker publisher = ClusterNodes.broker(this.a);
		String token = TestTokens.forUser("steady", "chat");
		try (Stream stream = ClusterNodes.client(this.b).openWithBearer("/sse", token)) {
			stream.connectionId();
			String before = publisher.toUser("steady").send("tick", "before");
			assertThat(stream.next("tick").id()).isEqualTo(before);

			this.redis.stop();
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThatExceptionOfType(ClusterUnavailableException.class)
					.isThrownBy(() -> publisher.toUser("steady").send("tick", "lost")));
			long failedAt = System.nanoTime();
			assertThatExceptionOfType(ClusterUnavailableException.class)
				.isThrownBy(() -> publisher.toUser("steady").send("tick", "lost"))
				.withMessageContaining("unreachable");
			assertThat(Duration.ofNanos(System.nanoTime() - failedAt)).as("a send during the outage")
				.isLessThan(Duration.ofSeconds(1));
			// Still open: heartbeats keep coming.
			stream.next("heartbeat");
			stream.next("heartbeat");
			// Within a read's wait and its margin (three seconds) of the outage, without asking Redis.
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(health(this.b).getStatus()).isEqualTo(Status.DOWN));
			HttpResponse<String> emitted = ClusterNodes.emit(this.a, "userId=steady&event=tick&data=lost");
			assertThat(emitted.statusCode()).isEqualTo(503);
			assertThat(emitted.body()).startsWith("{\"code\":\"UNAVAILABLE\",\"message\":");

			this.redis.restart();
			// Redis came back empty: a new epoch, and the nodes close their streams so that
			// clients learn what they missed.
			assertThat(stream.next("sse-close").field("reason")).isEqualTo("resync");
		}
		String resumedAfter = awaitSend(publisher, "steady", "after");
		try (Stream resumed = ClusterNodes.client(this.a).open("/sse",
				Map.of("Authorization", "Bearer " + token, "Last-Event-ID", "stale-" + 1))) {
			assertThat(resumed.next().field("resume")).isEqualTo("reset");
		}
		assertThat(EventId.parse(resumedAfter).sequence()).isGreaterThanOrEqualTo(1);
		// Every node delivers again, without a restart.
		try (Stream onA = ClusterNodes.client(this.a).openWithBearer("/sse", token);
				Stream onB = ClusterNodes.client(this.b).openWithBearer("/sse", token)) {
			onA.connectionId();
			onB.connectionId();
			String id = ClusterNodes.broker(this.b).toUser("steady").send("tick", "again");
			assertThat(onA.next("tick").id()).isEqualTo(id);
			assertThat(onB.next("tick").id()).isEqualTo(id);
		}
		Health health = health(this.b);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsKey("cluster");
		ClusterLog.Status cluster = (ClusterLog.Status) health.getDetails().get("cluster");
		assertThat(cluster.available()).isTrue();
		assertThat(cluster.lag()).isNotNegative();
		assertThat(cluster.epoch()).isEqualTo(EventId.parse(resumedAfter).epoch());
	}

	private static Health health(ConfigurableApplicationContext node) {
		return node.getBean("sseHealthIndicator", HealthIndicator.class).health(true);
	}

	@Test
	void goesOnWhereItWasWhenTheConnectionsDropButRedisKeepsTheLog() {
		SseBroker publisher = ClusterNodes.broker(this.a);
		try (Stream stream = ClusterNodes.client(this.b).openWithBearer("/sse", TestTokens.forUser("calm", "chat"))) {
			stream.connectionId();
			String before = publisher.toUser("calm").send("tick", "before");
			assertThat(stream.next("tick").id()).isEqualTo(before);
			StringRedisTemplate template = this.cluster.redis();
			try {
				template.execute((org.springframework.data.redis.core.RedisCallback<Object>) (connection) -> connection
					.execute("CLIENT", "KILL".getBytes(), "TYPE".getBytes(), "normal".getBytes()));
			}
			catch (RuntimeException ex) {
				// Its own connection was killed too.
			}
			finally {
				((LettuceConnectionFactory) template.getConnectionFactory()).destroy();
			}
			String after = awaitSend(publisher, "calm", "after");
			assertThat(stream.next("tick").id()).isEqualTo(after);
			assertThat(EventId.parse(after).sequence()).isEqualTo(EventId.parse(before).sequence() + 1);
		}
	}

}
