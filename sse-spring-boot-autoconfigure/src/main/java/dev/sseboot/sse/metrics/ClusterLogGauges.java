package dev.sseboot.sse.metrics;

import dev.sseboot.sse.cluster.ClusterLog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * In cluster mode, how far this node is behind the cluster's log, as the log's
 * {@link ClusterLog#status() status} tells without asking its store.
 */
public final class ClusterLogGauges implements MeterBinder {

	private final ClusterLog log;

	public ClusterLogGauges(ClusterLog log) {
		this.log = log;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("sse.cluster.lag", this.log, ClusterLogGauges::lag)
			.description("Records of the cluster's log this node has not read yet; NaN while the log is unreachable "
					+ "or does not tell")
			.register(registry);
	}

	/** NaN, not a number of records, for a log that cannot be read or does not say its lag. */
	private static double lag(ClusterLog log) {
		ClusterLog.Status status = log.status();
		return (status.available() && status.lag() >= 0) ? status.lag() : Double.NaN;
	}

}
