package dev.sseboot.sse.metrics;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import dev.sseboot.sse.broker.BrokerMetrics;
import dev.sseboot.sse.replay.ResumeStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * Counts what the broker and the stream endpoint do in Micrometer meters. Every tag takes
 * a value from a small fixed set: never a user, a connection or a channel.
 */
public final class MicrometerBrokerMetrics implements BrokerMetrics {

	/** One write in this many has its delay measured: a timer costs more than a counter. */
	static final int LATENCY_SAMPLING = 16;

	private final MeterRegistry registry;

	private final Map<Target, Counter> published = new EnumMap<>(Target.class);

	private final Map<ResumeStatus, Counter> opened = new EnumMap<>(ResumeStatus.class);

	private final Counter replayed;

	/** Added to on every write: a plain adder, read by a function counter at scrape time. */
	private final LongAdder delivered = new LongAdder();

	private final Timer latency;

	/** Only in cluster mode. */
	private final @Nullable Timer appended;

	/** Tagged by reasons and codes, each from a fixed set, created on first use. */
	private final Map<String, Counter> closed = new ConcurrentHashMap<>();

	private final Map<String, Counter> dropped = new ConcurrentHashMap<>();

	private final Map<String, Counter> refused = new ConcurrentHashMap<>();

	/**
	 * Creates the meters of a node on its own.
	 * @param registry where they are registered
	 */
	public MicrometerBrokerMetrics(MeterRegistry registry) {
		this(registry, false);
	}

	/**
	 * Creates the meters.
	 * @param registry where they are registered
	 * @param clusterMode whether the node appends to a cluster's log, which has a timer of
	 * its own
	 */
	public MicrometerBrokerMetrics(MeterRegistry registry, boolean clusterMode) {
		this.registry = registry;
		for (Target target : Target.values()) {
			this.published.put(target, Counter.builder("sse.events.published")
				.description("Events sent on this node, by whom they are addressed to")
				.tag("target", target.value())
				.register(registry));
		}
		for (ResumeStatus status : ResumeStatus.values()) {
			this.opened.put(status, Counter.builder("sse.streams.opened")
				.description("Streams opened on this node, by how they resumed from Last-Event-ID")
				.tag("resume", status.value())
				.register(registry));
		}
		this.replayed = Counter.builder("sse.events.replayed")
			.description("Events sent again to resuming streams")
			.register(registry);
		FunctionCounter.builder("sse.frames.delivered", this.delivered, LongAdder::sum)
			.description("Event frames written to clients' connections, replayed ones included")
			.register(registry);
		this.latency = Timer.builder("sse.delivery.latency")
			.description("Time from send to the write of the event's frame, one write in " + LATENCY_SAMPLING)
			.publishPercentileHistogram()
			.minimumExpectedValue(Duration.ofMillis(1))
			.maximumExpectedValue(Duration.ofSeconds(30))
			.register(registry);
		this.appended = !clusterMode ? null
				: Timer.builder("sse.cluster.append")
					.description("Time from send until the cluster's log in Redis accepted the event, its wait for "
							+ "the sends before it included")
					.publishPercentileHistogram()
					.minimumExpectedValue(Duration.ofMillis(1))
					.maximumExpectedValue(Duration.ofSeconds(10))
					.register(registry);
		for (String reason : new String[] { DROPPED_SLOW_CONSUMER, DROPPED_CLIENT_GONE, DROPPED_REPLAY_OVERFLOW }) {
			dropped(reason);
		}
	}

	@Override
	public void published(Target target) {
		this.published.get(target).increment();
	}

	@Override
	public void appended(long nanos) {
		if (this.appended != null) {
			this.appended.record(nanos, TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void opened(ResumeStatus resume, int replayedEvents) {
		this.opened.get(resume).increment();
		if (replayedEvents > 0) {
			this.replayed.increment(replayedEvents);
		}
	}

	@Override
	public void closed(String reason) {
		counter(this.closed, reason, (value) -> Counter.builder("sse.streams.closed")
			.description("Streams that left this node, by the reason of their sse-close event or client-abort")
			.tag("reason", value)).increment();
	}

	@Override
	public void dropped(String reason, int events) {
		dropped(reason).increment(events);
	}

	private Counter dropped(String reason) {
		return counter(this.dropped, reason, (value) -> Counter.builder("sse.events.dropped")
			.description("Events addressed to a stream that will not reach it, by reason")
			.tag("reason", value));
	}

	@Override
	public void refused(String code) {
		counter(this.refused, code, (value) -> Counter.builder("sse.streams.refused")
			.description("Stream requests refused, by error code: authentication failures are UNAUTHORIZED "
					+ "and FORBIDDEN")
			.tag("code", value)).increment();
	}

	@Override
	public void written(int events, long publishedNanos) {
		if (events > 0) {
			this.delivered.add(events);
		}
		if (publishedNanos != 0 && ThreadLocalRandom.current().nextInt(LATENCY_SAMPLING) == 0) {
			// Clamped: in cluster mode the publishing node's clock may run ahead of this one's.
			this.latency.record(Math.max(0, System.nanoTime() - publishedNanos), TimeUnit.NANOSECONDS);
		}
	}

	private Counter counter(Map<String, Counter> counters, String value, Function<String, Counter.Builder> builder) {
		Counter counter = counters.get(value);
		return (counter != null) ? counter
				: counters.computeIfAbsent(value, (key) -> builder.apply(key).register(this.registry));
	}

}
