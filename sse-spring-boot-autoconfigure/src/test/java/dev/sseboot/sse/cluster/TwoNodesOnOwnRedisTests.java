package dev.sseboot.sse.cluster;

import dev.sseboot.sse.fixtures.ClusterNodes;
import dev.sseboot.sse.fixtures.RedisProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Tests of two nodes on a Redis process of the test's own, which a test may stop, restart,
 * pause or hold without touching the Redis the other tests share.
 */
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

	@AfterEach
	void stopNodesAndRedis() {
		this.redis.resume();
		this.cluster.close();
		this.redis.close();
	}

}
