package dev.sseboot.sse.metrics;

import dev.sseboot.sse.broker.LocalSseBroker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Gauges of this node's broker: its streams, users and channels, its writers' backlog and
 * its replay buffer.
 */
public final class SseGauges implements MeterBinder {

	private final LocalSseBroker broker;

	/**
	 * Creates the gauges.
	 * @param broker the node's broker
	 */
	public SseGauges(LocalSseBroker broker) {
		this.broker = broker;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("sse.streams.open", this.broker, LocalSseBroker::localConnectionCount)
			.description("Streams open on this node")
			.register(registry);
		Gauge.builder("sse.streams.closing", this.broker, LocalSseBroker::closingCount)
			.description("Streams closed by the server whose last frame is not written yet")
			.register(registry);
		Gauge.builder("sse.users.connected", this.broker, LocalSseBroker::userCount)
			.description("Users with at least one stream open on this node")
			.register(registry);
		Gauge.builder("sse.channels.subscribed", this.broker, LocalSseBroker::channelCount)
			.description("Channels with at least one stream subscribed on this node")
			.register(registry);
		Gauge.builder("sse.writer.queue", this.broker, LocalSseBroker::pendingWrites)
			.description("Streams waiting for a writer thread or being written")
			.register(registry);
		Gauge.builder("sse.replay.events", this.broker, LocalSseBroker::bufferedEventCount)
			.description("Events this node keeps for replay")
			.register(registry);
		Gauge.builder("sse.replay.size", this.broker, LocalSseBroker::bufferedBytes)
			.description("Bytes of frames this node keeps for replay")
			.baseUnit(BaseUnits.BYTES)
			.register(registry);
	}

}
