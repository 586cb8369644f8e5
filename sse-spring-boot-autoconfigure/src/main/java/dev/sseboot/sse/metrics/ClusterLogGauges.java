package dev.sseboot.sse.metrics;

import dev.sseboot.sse.cluster.ClusterLog;
import dev.sseboot.sse.cluster.redis.RedisClusterLog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * In cluster mode on Redis, how far this node is behind the cluster's log.
 */
public final class ClusterLogGauges implements MeterBinder {

	private final RedisClusterLog log;

	public ClusterLogGauges(RedisClusterLog log) {
		this.log = log;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("sse.cluster.lag", this.log, ClusterLogGauges::lag)
			.description("Records of the cluster's log this node has not read yet; NaN while Redis is unreachable")
			.register(registry);
	}

	private static double lag(RedisClusterLog log) {
		ClusterLog.Status status = log.status();
		return status.available() ? status.lag() : Double.NaN;
	}

}
