package dev.sseboot.sse.cluster;

import java.time.Duration;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.fixtures.ClusterNodes;
import dev.sseboot.sse.fixtures.RedisProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

import org.springframework.context.ConfigurableApplicationContext;

import static org.awaitility.Awaitility.await;

/**
 * Tests of two nodes on a Redis process of the test's own, which a test may stop, restart,
 * pause or hold without touching the Redis the other tests share.
 */
@Tag("redis-transitions")
abstract class TwoNodesOnOwnRedisTests {

	protected RedisProcess redis;

	protected ClusterNodes cluster;

	protected ConfigurableApplicationContext a;

	protected ConfigurableApplicationContext b;

	/**
	 * Returns the properties both nodes get.
	 * @return the properties
	 */
	protected abstract String[] nodeProperties();

	@BeforeEach
	void startRedisAndTwoNodes() {
		this.redis = RedisProcess.startOnFreePort();
		this.cluster = new ClusterNodes(this.redis.port(), nodeProperties());
		this.a = this.cluster.start();
		this.b = this.cluster.start();
	}

	/**
	 * Sends once the node has found Redis again.
	 * @param broker the node's broker
	 * @param user the user to send to
	 * @param data the event's data
	 * @return the event's id
	 */
	protected static String awaitSend(SseBroker broker, String user, String data) {
		String[] id = new String[1];
		await().atMost(Duration.ofSeconds(30))
			.ignoreException(ClusterUnavailableException.class)
			.until(() -> (id[0] = broker.toUser(user).send("tick", data)) != null);
		return id[0];
	}

	@AfterEach
	void stopNodesAndRedis() {
		this.redis.resume();
		this.cluster.close();
		this.redis.close();
	}

}
