package dev.sseboot.sse.cluster.redis;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of cluster mode on Redis: down while the node cannot read the cluster's log, up
 * with how far it has read, and how many records it is behind, once it can.
 */
public final class RedisClusterHealthIndicator extends AbstractHealthIndicator {

	private final RedisClusterLog log;

	public RedisClusterHealthIndicator(RedisClusterLog log) {
		super("SSE cluster log health check failed");
		this.log = log;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		if (!this.log.isAvailable()) {
			builder.down().withDetail("redis", "unreachable");
			return;
		}
		builder.up()
			.withDetail("epoch", String.valueOf(this.log.epoch()))
			.withDetail("position", this.log.position())
			.withDetail("lag", this.log.lag());
	}

}
