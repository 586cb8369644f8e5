package dev.sseboot.sse.broker;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.sseboot.sse.SseEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Looks after the open streams on one shared scheduler thread: drops streams whose client
 * closed its connection (where the container can tell, each stream once per
 * {@code closeCheckInterval}), sends heartbeats to quiet streams, warns and closes streams
 * whose token expires, closes streams past their lifetime, and ends closing streams that
 * took too long. It also knows when the next stream is due to end, which is what a client
 * refused at a limit is told to wait for.
 */
final class Sweeper {

	private static final Log logger = LogFactory.getLog(NodeBroker.class);

	private final BrokerSettings settings;

	private final StreamRegistry registry;

	private final StreamCloser closer;

	private final Fanout fanout;

	private final JsonEncoder json;

	private volatile @Nullable ScheduledExecutorService scheduler;

	/**
	 * When the next stream is due to end, by its lifetime or its token's expiry, as of
	 * the last sweep and the streams opened since.
	 */
	private volatile long nextEndNanos;

	Sweeper(BrokerSettings settings, StreamRegistry registry, StreamCloser closer, Fanout fanout, JsonEncoder json) {
		this.settings = settings;
		this.registry = registry;
		this.closer = closer;
		this.fanout = fanout;
		this.json = json;
		this.nextEndNanos = System.nanoTime() + settings.maxLifetime().toNanos();
	}

	/**
	 * Starts sweeping, unless it runs already.
	 */
	void start() {
		if (this.scheduler != null) {
			return;
		}
		long tick = Math.min(1000, Math.max(25, this.settings.heartbeatInterval().toMillis() / 4));
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "sse-sweeper");
			thread.setDaemon(true);
			return thread;
		});
		scheduler.scheduleWithFixedDelay(this::sweepSafely, tick, tick, TimeUnit.MILLISECONDS);
		this.scheduler = scheduler;
	}

	/**
	 * Stops sweeping.
	 */
	void stop() {
		ScheduledExecutorService scheduler = this.scheduler;
		this.scheduler = null;
		if (scheduler != null) {
			scheduler.shutdownNow();
		}
	}

	/**
	 * Returns whether the sweeper runs.
	 * @return whether it runs
	 */
	boolean isRunning() {
		return this.scheduler != null;
	}

	/**
	 * Notes a stream that opened, which may be the next to end.
	 * @param stream the stream
	 * @param now the time, from {@link System#nanoTime()}
	 */
	void opened(SseStream stream, long now) {
		long end = stream.endNanos(now, Instant.now());
		if (end - this.nextEndNanos < 0) {
			this.nextEndNanos = end;
		}
	}

	/**
	 * Returns how long until the next stream of this node is due to end.
	 * @return the time
	 */
	Duration untilNextEnd() {
		return Duration.ofNanos(this.nextEndNanos - System.nanoTime());
	}

	private void sweepSafely() {
		try {
			sweep();
		}
		catch (RuntimeException ex) {
			logger.error("SSE sweep failed", ex);
		}
	}

	/**
	 * Sweeps every stream once.
	 */
	void sweep() {
		Instant wallClock = Instant.now();
		long heartbeatNanos = this.settings.heartbeatInterval().toNanos();
		Frame heartbeat = null;
		try (Fanout.Delivery delivery = this.fanout.delivery()) {
			long now = delivery.now();
			this.closer.endOverdue(now);
			long nextEnd = now + this.settings.maxLifetime().toNanos();
			long closeCheckNanos = this.settings.closeCheckInterval().toNanos();
			for (SseStream stream : this.registry.all()) {
				if (closeCheckNanos > 0 && stream.closeCheckDue(now, closeCheckNanos)
						&& stream.output().isClosedByClient()) {
					this.closer.dropClosedClient(stream);
					continue;
				}
				long end = stream.endNanos(now, wallClock);
				if (end - nextEnd < 0) {
					nextEnd = end;
				}
				Instant expiresAt = stream.principal().expiresAt();
				if (now - stream.closeAtNanos() >= 0) {
					this.closer.close(stream, CloseReason.MAX_LIFETIME);
				}
				else if (expiresAt != null && !wallClock.isBefore(expiresAt)) {
					this.closer.close(stream, CloseReason.TOKEN_EXPIRED);
				}
				else if (expiresAt != null && !stream.expiryWarned()
						&& !wallClock.isBefore(expiresAt.minus(this.settings.expiryWarning()))) {
					stream.markExpiryWarned();
					delivery.offer(stream, Frame.of(FrameEncoder.event(null, SseEvent.TOKEN_EXPIRING,
							this.json.write(Map.of("expiresAt", expiresAt.toString())))));
				}
				else if (now - stream.lastActivityNanos() >= heartbeatNanos) {
					if (heartbeat == null) {
						heartbeat = Frame.of(this.settings.heartbeatAsComment() ? FrameEncoder.comment(" heartbeat")
								: FrameEncoder.event(null, SseEvent.HEARTBEAT, wallClock.toString()));
					}
					delivery.offer(stream, heartbeat);
				}
			}
			this.nextEndNanos = nextEnd;
		}
	}

}
