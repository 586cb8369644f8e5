package dev.sseboot.sse.cluster;

import dev.sseboot.sse.fixtures.ClusterNodes;
import dev.sseboot.sse.fixtures.RedisClusterProcesses;
import org.junit.jupiter.api.AfterAll;

/**
 * The cluster's delivery on a Redis Cluster of three masters that the test starts: the
 * starter's keys share a hash tag, so its scripts run on the one master that holds them.
 */
class RedisClusterDeliveryIntegrationTests extends AbstractClusterDeliveryTests {

	private RedisClusterProcesses redisCluster;

	@Override
	ClusterNodes nodes(String... properties) {
		this.redisCluster = RedisClusterProcesses.startThreeMasters();
		return ClusterNodes.onRedisCluster(this.redisCluster.ports(), properties);
	}

	@Override
	@AfterAll
	void stopNodes() {
		super.stopNodes();
		this.redisCluster.close();
	}

}
