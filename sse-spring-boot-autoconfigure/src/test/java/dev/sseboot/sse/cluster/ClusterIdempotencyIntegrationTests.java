package dev.sseboot.sse.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.fixtures.ClusterNodes;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient.Event;
import dev.sseboot.sse.test.SseTestClient.Stream;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.core.RedisCallback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Idempotent sends in cluster mode, on a Redis of the test's own (it pauses it): the check
 * is in the script that appends, so nodes racing with one key deliver once, and a
 * publisher that retries after a send whose outcome it could not know delivers once.
 */
class ClusterIdempotencyIntegrationTests extends TwoNodesOnOwnRedisTests {

	@Override
	protected String[] nodeProperties() {
		return new String[] { "sse.heartbeat.interval=200ms" };
	}

	@Test
	void twoNodesRacingWithOneKeyDeliverOnceAndReturnOneId() throws Exception {
		SseBroker onA = ClusterNodes.broker(this.a);
		SseBroker onB = ClusterNodes.broker(this.b);
		ExecutorService pool = Executors.newFixedThreadPool(2);
		try (Stream stream = ClusterNodes.client(this.b).openWithBearer("/sse", TestTokens.forUser("racer", "chat"))) {
			stream.connectionId();
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				String key = "race-" + i;
				CompletableFuture<String> fromA = CompletableFuture
					.supplyAsync(() -> onA.toUser("racer").withIdempotencyKey(key).send("once", key), pool);
				CompletableFuture<String> fromB = CompletableFuture
					.supplyAsync(() -> onB.toUser("racer").withIdempotencyKey(key).send("once", key), pool);
				assertThat(fromA.get(10, TimeUnit.SECONDS)).isEqualTo(fromB.get(10, TimeUnit.SECONDS));
				ids.add(fromA.get());
			}
			String marker = onA.toUser("racer").send("marker", "m");
			List<String> received = new ArrayList<>();
			for (Event event; !(event = stream.next()).id().equals(marker);) {
				received.add(event.id());
			}
			assertThat(received).containsExactlyElementsOf(ids);
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void aRetryAfterASendWhoseOutcomeWasUnknownDeliversOnce() {
		SseBroker publisher = ClusterNodes.broker(this.a);
		try (Stream stream = ClusterNodes.client(this.b).openWithBearer("/sse", TestTokens.forUser("retrier", "chat"))) {
			stream.connectionId();
			// Redis holds the script past the publish timeout, then runs it.
			this.cluster.redis()
				.execute((RedisCallback<Object>) (connection) -> connection.execute("CLIENT", "PAUSE".getBytes(),
						"1500".getBytes(), "WRITE".getBytes()));
			assertThatExceptionOfType(ClusterUnavailableException.class)
				.isThrownBy(() -> publisher.toUser("retrier").withIdempotencyKey("order-9").send("shipped", "9"))
				.withMessageContaining("may or may not have been sent");
			String[] retried = new String[1];
			await().atMost(Duration.ofSeconds(15))
				.ignoreException(ClusterUnavailableException.class)
				.until(() -> (retried[0] = publisher.toUser("retrier").withIdempotencyKey("order-9").send("shipped",
						"9")) != null);
			Event shipped = stream.next("shipped");
			assertThat(shipped.id()).isEqualTo(retried[0]);
			String marker = publisher.toUser("retrier").send("marker", "m");
			assertThat(stream.next().id()).as("the event after the retried one").isEqualTo(marker);
		}
	}

}
