package dev.sseboot.sse.cluster;

import dev.sseboot.sse.fixtures.ClusterNodes;

/**
 * The cluster's delivery on the Redis at 127.0.0.1:6379.
 */
class ClusterDeliveryIntegrationTests extends AbstractClusterDeliveryTests {

	@Override
	ClusterNodes nodes(String... properties) {
		return new ClusterNodes(properties);
	}

}
