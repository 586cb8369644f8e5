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
 * @param idempotencyWindow how long a node on its own remembers a send's idempotency key
 * @param drainDelay how long a node that stops refuses new streams before it closes its
 * streams
 * @param drainPeriod over how long a node that stops closes its streams, zero for at once
 * @param channelOptions what differs between channels, such as those never replayed
 */
public record BrokerSettings(Duration retry, Duration heartbeatInterval, boolean heartbeatAsComment,
		int queueCapacity, Duration maxLifetime, double lifetimeJitter, int maxPerUser, LimitPolicy onLimit,
		int maxTotal, Duration closeCheckInterval, Duration expiryWarning, int writerThreads,
		Duration idempotencyWindow, Duration drainDelay, Duration drainPeriod, ChannelOptions channelOptions) {

	public BrokerSettings {
		Assert.isTrue(!heartbeatInterval.isNegative() && !heartbeatInterval.isZero(), "heartbeatInterval must be positive");
		Assert.isTrue(queueCapacity > 0, "queueCapacity must be positive");
		Assert.isTrue(!maxLifetime.isNegative() && !maxLifetime.isZero(), "maxLifetime must be positive");
		Assert.isTrue(lifetimeJitter >= 0 && lifetimeJitter < 1, "lifetimeJitter must be in [0, 1)");
		Assert.isTrue(writerThreads > 0, "writerThreads must be positive");
		Assert.isTrue(!closeCheckInterval.isNegative(), "closeCheckInterval must not be negative");
		Assert.isTrue(!idempotencyWindow.isNegative() && !idempotencyWindow.isZero(),
				"idempotencyWindow must be positive");
		Assert.isTrue(!drainDelay.isNegative() && !drainPeriod.isNegative(), "drain times must not be negative");
	}

	/**
	 * Returns the settings a broker uses when nothing is configured.
	 * @return the defaults
	 */
	public static BrokerSettings defaults() {
		return builder().build();
	}

	/**
	 * Starts building settings from the defaults.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Builds {@link BrokerSettings}, each value a default until set.
	 */
	public static final class Builder {

		private Duration retry = Duration.ofSeconds(3);

		private Duration heartbeatInterval = Duration.ofSeconds(15);

		private boolean heartbeatAsComment;

		private int queueCapacity = 1024;

		private Duration maxLifetime = Duration.ofHours(1);

		private double lifetimeJitter = 0.1;

		private int maxPerUser;

		private LimitPolicy onLimit = LimitPolicy.EVICT_OLDEST;

		private int maxTotal;

		private Duration closeCheckInterval = Duration.ofSeconds(5);

		private Duration expiryWarning = Duration.ofSeconds(30);

		private Duration idempotencyWindow = Duration.ofMinutes(5);

		private Duration drainDelay = Duration.ZERO;

		private Duration drainPeriod = Duration.ZERO;

		private ChannelOptions channelOptions = ChannelOptions.none();

		private int writerThreads = Runtime.getRuntime().availableProcessors();

		private Builder() {
		}

		/**
		 * Sets the reconnection delay announced to clients.
		 * @param retry the delay
		 * @return this builder
		 */
		public Builder retry(Duration retry) {
			this.retry = retry;
			return this;
		}

		/**
		 * Sets the silence after which a stream gets a heartbeat.
		 * @param heartbeatInterval the interval
		 * @return this builder
		 */
		public Builder heartbeatInterval(Duration heartbeatInterval) {
			this.heartbeatInterval = heartbeatInterval;
			return this;
		}

		/**
		 * Sets whether heartbeats are comment lines rather than events.
		 * @param heartbeatAsComment whether they are
		 * @return this builder
		 */
		public Builder heartbeatAsComment(boolean heartbeatAsComment) {
			this.heartbeatAsComment = heartbeatAsComment;
			return this;
		}

		/**
		 * Sets how many frames a stream may have queued before it is closed.
		 * @param queueCapacity the capacity
		 * @return this builder
		 */
		public Builder queueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
			return this;
		}

		/**
		 * Sets how long a stream may stay open, and the fraction by which each stream's
		 * lifetime is shortened at random.
		 * @param maxLifetime the lifetime
		 * @param lifetimeJitter the fraction, in [0, 1)
		 * @return this builder
		 */
		public Builder maxLifetime(Duration maxLifetime, double lifetimeJitter) {
			this.maxLifetime = maxLifetime;
			this.lifetimeJitter = lifetimeJitter;
			return this;
		}

		/**
		 * Sets how many streams one user may hold, and what happens to one beyond.
		 * @param maxPerUser the limit, 0 for none
		 * @param onLimit what happens at the limit
		 * @return this builder
		 */
		public Builder maxPerUser(int maxPerUser, LimitPolicy onLimit) {
			this.maxPerUser = maxPerUser;
			this.onLimit = onLimit;
			return this;
		}

		/**
		 * Sets how many streams the node holds.
		 * @param maxTotal the limit, 0 for none
		 * @return this builder
		 */
		public Builder maxTotal(int maxTotal) {
			this.maxTotal = maxTotal;
			return this;
		}

		/**
		 * Sets how often each stream asks its output whether the client closed the
		 * connection.
		 * @param closeCheckInterval the interval, zero for only at the per-user limit
		 * @return this builder
		 */
		public Builder closeCheckInterval(Duration closeCheckInterval) {
			this.closeCheckInterval = closeCheckInterval;
			return this;
		}

		/**
		 * Sets how long before its token expires a stream is warned.
		 * @param expiryWarning the time
		 * @return this builder
		 */
		public Builder expiryWarning(Duration expiryWarning) {
			this.expiryWarning = expiryWarning;
			return this;
		}

		/**
		 * Sets the number of threads writing to streams.
		 * @param writerThreads the number of threads
		 * @return this builder
		 */
		public Builder writerThreads(int writerThreads) {
			this.writerThreads = writerThreads;
			return this;
		}

		/**
		 * Sets how long a node on its own remembers a send's idempotency key.
		 * @param idempotencyWindow the time
		 * @return this builder
		 */
		public Builder idempotencyWindow(Duration idempotencyWindow) {
			this.idempotencyWindow = idempotencyWindow;
			return this;
		}

		/**
		 * Sets how a node that stops lets its clients go.
		 * @param drainDelay how long it refuses new streams before it closes its streams
		 * @param drainPeriod over how long it closes its streams, zero for at once
		 * @return this builder
		 */
		public Builder drain(Duration drainDelay, Duration drainPeriod) {
			this.drainDelay = drainDelay;
			this.drainPeriod = drainPeriod;
			return this;
		}

		/**
		 * Sets what differs between channels.
		 * @param channelOptions the options
		 * @return this builder
		 */
		public Builder channelOptions(ChannelOptions channelOptions) {
			this.channelOptions = channelOptions;
			return this;
		}

		/**
		 * Builds the settings.
		 * @return the settings
		 * @throws IllegalArgumentException if a value is out of range
		 */
		public BrokerSettings build() {
			return new BrokerSettings(this.retry, this.heartbeatInterval, this.heartbeatAsComment, this.queueCapacity,
					this.maxLifetime, this.lifetimeJitter, this.maxPerUser, this.onLimit, this.maxTotal,
					this.closeCheckInterval, this.expiryWarning, this.writerThreads, this.idempotencyWindow,
					this.drainDelay, this.drainPeriod, this.channelOptions);
		}

	}

}
