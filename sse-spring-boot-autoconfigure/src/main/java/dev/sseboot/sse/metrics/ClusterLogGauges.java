package dev.sseboot.sse.metrics;

import dev.sseboot.sse.cluster.ClusterLog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * In cluster mode, how far this node is behind the cluster's log.
 */
public final class ClusterLogGauges implements MeterBinder {

	private final ClusterLog log;

	public ClusterLogGauges(ClusterLog log) {
		this.log = log;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("sse.cluster.lag", this.log, ClusterLogGauges::lag)
			.description("Records of the cluster's log this node has not read yet; NaN while Redis is unreachable")
			.register(registry);
	}

	private static double lag(ClusterLog log) {
		ClusterLog.Status status = log.status();
		return status.available() ? status.lag() : Double.NaN;
	}

}
