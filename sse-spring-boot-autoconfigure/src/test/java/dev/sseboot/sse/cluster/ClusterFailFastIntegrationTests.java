package dev.sseboot.sse.cluster;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.fixtures.ClusterNodes;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient.Stream;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Cluster mode with Boot's Redis defaults (no {@code spring.data.redis.timeout}, so the
 * client holds commands for a minute): whether Redis dies or stops answering, no call of
 * the broker and no {@code /emit} waits longer than {@code sse.cluster.publish-timeout},
 * streams stay open, health goes down, and publishing resumes once Redis is back.
 */
class ClusterFailFastIntegrationTests extends TwoNodesOnOwnRedisTests {

	private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(1);

	/** What a busy machine may add to a wait of the publish timeout: scheduling, not Redis. */
	private static final Duration SLACK = Duration.ofSeconds(1);

	@Override
	protected String[] nodeProperties() {
		return new String[] { "sse.heartbeat.interval=200ms", "sse.control.enabled=true", "sse.control.port=0" };
	}

	@Test
	void failsFastWhenRedisIsKilledAndPublishesAgainOnceItIsBack() {
		failsFastThroughAnOutage(this.redis::stop, this.redis::restart, false);
	}

	@Test
	void failsFastWhenRedisStopsAnsweringAndPublishesAgainOnceItAnswers() {
		failsFastThroughAnOutage(this.redis::pause, this.redis::resume, true);
	}

	/**
	 * @param redisKeepsItsData whether Redis comes back with its log: the stream then gets
	 * the next event; otherwise it is closed with {@code resync}, its client told on resume
	 */
	private void failsFastThroughAnOutage(Runnable outage, Runnable recovery, boolean redisKeepsItsData) {
		SseBroker publisher = ClusterNodes.broker(this.a);
		try (Stream stream = ClusterNodes.client(this.b)
			.openWithBearer("/sse", TestTokens.forUser("steady", "chat"))) {
			stream.connectionId();
			String before = publisher.toUser("steady").send("tick", "before");
			assertThat(stream.next("tick").id()).isEqualTo(before);

			outage.run();
			// Within a read's wait and its margin of the outage, without a publish to tell.
			await().atMost(Duration.ofSeconds(3).plus(SLACK))
				.untilAsserted(() -> assertThat(health(this.b)).isEqualTo(Status.DOWN));
			for (int i = 0; i < 3; i++) {
				assertThatExceptionOfType(ClusterUnavailableException.class)
					.isThrownBy(() -> withinPublishTimeout("send", () -> publisher.toUser("steady").send("tick", "lost")));
			}
			HttpResponse<String> emitted = withinPublishTimeout("/emit",
					() -> ClusterNodes.emit(this.a, "userId=steady&event=tick&data=lost"));
			assertThat(emitted.statusCode()).isEqualTo(503);
			assertThat(emitted.body()).startsWith("{\"code\":\"UNAVAILABLE\",\"message\":");
			// Questions and commands fall back to this node's answer, or fail, in time too.
			withinPublishTimeout("connections", () -> publisher.connections("steady"));
			withinPublishTimeout("isOnline", () -> ClusterNodes.broker(this.b).isOnline("steady"));
			assertThatExceptionOfType(ClusterUnavailableException.class)
				.isThrownBy(() -> withinPublishTimeout("disconnectUser", () -> publisher.disconnectUser("nobody")));
			// Still open: heartbeats keep coming.
			stream.next("heartbeat");

			recovery.run();
			String after = awaitSend(publisher, "steady", "after");
			if (redisKeepsItsData) {
				assertThat(stream.next((event) -> after.equals(event.id()), Duration.ofSeconds(10)).data())
					.isEqualTo("after");
			}
			else {
				assertThat(stream.next("sse-close").field("reason")).isEqualTo("resync");
			}
		}
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(health(this.a)).isEqualTo(Status.UP));
	}

	private static <T> T withinPublishTimeout(String call, Supplier<T> action) {
		long start = System.nanoTime();
		try {
			return action.get();
		}
		finally {
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("%s while Redis is away", call)
				.isLessThan(PUBLISH_TIMEOUT.plus(SLACK));
		}
	}

	private static Status health(ConfigurableApplicationContext node) {
		return node.getBean("sseHealthIndicator", HealthIndicator.class).health(false).getStatus();
	}

}
