package dev.sseboot.sse.broker;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * How the broker runs its streams.
 *
 * @param retry the reconnection delay announced to clients
 * @param heartbeatInterval the silence after which a stream gets a heartbeat
 * @param heartbeatAsComment whether heartbeats are comment lines rather than events
 * @param queueCapacity how many frames a stream may have queued before it is closed
 * @param maxLifetime how long a stream may stay open
 * @param lifetimeJitter the fraction by which each stream's lifetime is shortened at
 * random, so that reconnects spread out
 * @param maxPerUser how many streams one user may hold on this node, 0 for no limit
 * @param onLimit what happens to a stream opened beyond {@code maxPerUser}
 * @param maxTotal how many streams this node holds, 0 for no limit
 * @param closeCheckInterval how often each stream asks its output whether the
 * client closed the connection, zero for only when its user reaches {@code maxPerUser}
 * @param expiryWarning how long before its token expires a stream is warned
 * @param writerThreads the number of threads writing to streams
 */
public record BrokerSettings(Duration retry, Duration heartbeatInterval, boolean heartbeatAsComment,
		int queueCapacity, Duration maxLifetime, double lifetimeJitter, int maxPerUser, LimitPolicy onLimit,
		int maxTotal, Duration closeCheckInterval, Duration expiryWarning, int writerThreads) {

	public BrokerSettings {
		Assert.isTrue(!heartbeatInterval.isNegative() && !heartbeatInterval.isZero(), "heartbeatInterval must be positive");
		Assert.isTrue(queueCapacity > 0, "queueCapacity must be positive");
		Assert.isTrue(!maxLifetime.isNegative() && !maxLifetime.isZero(), "maxLifetime must be positive");
		Assert.isTrue(lifetimeJitter >= 0 && lifetimeJitter < 1, "lifetimeJitter must be in [0, 1)");
		Assert.isTrue(writerThreads > 0, "writerThreads must be positive");
		Assert.isTrue(!closeCheckInterval.isNegative(), "closeCheckInterval must not be negative");
	}

	/**
	 * Returns the settings a broker uses when nothing is configured.
	 * @return the defaults
	 */
	public static BrokerSettings defaults() {
		return new BrokerSettings(Duration.ofSeconds(3), Duration.ofSeconds(15), false, 1024, Duration.ofHours(1), 0.1,
				0, LimitPolicy.EVICT_OLDEST, 0, Duration.ofSeconds(5), Duration.ofSeconds(30),
				Runtime.getRuntime().availableProcessors());
	}

}
