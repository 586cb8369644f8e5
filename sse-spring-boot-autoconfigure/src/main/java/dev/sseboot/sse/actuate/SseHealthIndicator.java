package dev.sseboot.sse.actuate;

import java.time.Duration;

import dev.sseboot.sse.broker.NodeStatus;
import dev.sseboot.sse.cluster.ClusterLog;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the broker, as the {@code sse} health contributor: down when it is stopped or
 * its writer threads fall behind, and in cluster mode while it cannot read the cluster's
 * log; up otherwise, with the node's streams and, in cluster mode, its place in the log.
 */
public final class SseHealthIndicator extends AbstractHealthIndicator {

	/** Streams that wait this long for a writer thread mean the writers do not keep up. */
	static final Duration WRITER_STALL = Duration.ofSeconds(10);

	private final NodeStatus node;

	public SseHealthIndicator(NodeStatus node) {
		super("SSE health check failed");
		this.node = node;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		if (!this.node.isRunning()) {
			builder.down().withDetail("broker", "stopped");
			return;
		}
		Duration writerDelay = this.node.writerDelay();
		builder.up()
			.withDetail("streams", this.node.localConnectionCount())
			.withDetail("writerDelayMillis", writerDelay.toMillis());
		if (writerDelay.compareTo(WRITER_STALL) >= 0) {
			builder.down().withDetail("writers", "streams have waited " + writerDelay.toSeconds() + " s for a writer");
		}
		ClusterLog.Status cluster = this.node.clusterStatus();
		if (cluster != null) {
			builder.withDetail("cluster", cluster);
			if (!cluster.available()) {
				builder.down().withDetail("redis", "unreachable");
			}
		}
	}

}
