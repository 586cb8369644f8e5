package dev.sseboot.sse.metrics;

import dev.sseboot.sse.broker.NodeStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Gauges of this node: its streams, users and channels, its writers' backlog and
 * its replay buffer.
 */
public final class SseGauges implements MeterBinder {

	private final NodeStatus node;

	/**
	 * Creates the gauges.
	 * @param node the node's status
	 */
	public SseGauges(NodeStatus node) {
		this.node = node;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("sse.streams.open", this.node, NodeStatus::localConnectionCount)
			.description("Streams open on this node")
			.register(registry);
		Gauge.builder("sse.streams.closing", this.node, NodeStatus::closingCount)
			.description("Streams closed by the server whose last frame is not written yet")
			.register(registry);
		Gauge.builder("sse.users.connected", this.node, NodeStatus::userCount)
			.description("Users with at least one stream open on this node")
			.register(registry);
		Gauge.builder("sse.channels.subscribed", this.node, NodeStatus::channelCount)
			.description("Channels with at least one stream subscribed on this node")
			.register(registry);
		Gauge.builder("sse.writer.queue", this.node, NodeStatus::pendingWrites)
			.description("Streams waiting for a writer thread or being written")
			.register(registry);
		Gauge.builder("sse.replay.events", this.node, NodeStatus::bufferedEventCount)
			.description("Events this node keeps for replay")
			.register(registry);
		Gauge.builder("sse.replay.size", this.node, NodeStatus::bufferedBytes)
			.description("Bytes of frames this node keeps for replay")
			.baseUnit(BaseUnits.BYTES)
			.register(registry);
	}

}
