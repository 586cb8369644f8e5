package dev.sseboot.sse.broker;

import java.util.Locale;

import dev.sseboot.sse.replay.ResumeStatus;
import org.jspecify.annotations.Nullable;

/**
 * What the broker reports as it runs, for meters. Called on the publishing and writing
 * paths, so implementations must be cheap and must not throw.
 */
public interface BrokerMetrics {

	/** Reports nothing. */
	BrokerMetrics NONE = new BrokerMetrics() {
	};

	/**
	 * Returns metrics that never throw: a failure of the given ones is logged instead.
	 * @param metrics the metrics
	 * @return the same calls, guarded
	 */
	static BrokerMetrics guarded(BrokerMetrics metrics) {
		return (metrics == NONE || metrics instanceof GuardedBrokerMetrics) ? metrics
				: new GuardedBrokerMetrics(metrics);
	}

	/** The reason of a stream whose client went away or stopped reading its connection. */
	String CLIENT_ABORT = "client-abort";

	/** The reason of a stream ended by a failure of the server. */
	String ERROR = "error";

	/** Events dropped because the queue of a stream that could not keep up overflowed. */
	String DROPPED_SLOW_CONSUMER = "slow-consumer";

	/** Events queued on a stream whose client went away before they were written. */
	String DROPPED_CLIENT_GONE = "client-gone";

	/** Replayed events left out because there were more than a stream's queue holds. */
	String DROPPED_REPLAY_OVERFLOW = "replay-overflow";

	/**
	 * An event was sent on this node.
	 * @param target whom it was addressed to
	 */
	default void published(Target target) {
	}

	/**
	 * In cluster mode, the cluster's log accepted an event sent on this node.
	 * @param nanos how long the append took
	 */
	default void appended(long nanos) {
	}

	/**
	 * A stream opened.
	 * @param resume how it resumed
	 * @param replayedEvents how many events it got again
	 */
	default void opened(ResumeStatus resume, int replayedEvents) {
	}

	/**
	 * A stream left the node.
	 * @param reason the {@code reason} of its {@code sse-close} event, {@link #CLIENT_ABORT}
	 * or {@link #ERROR}
	 */
	default void closed(String reason) {
	}

	/**
	 * Events addressed to a stream will not reach it.
	 * @param reason why: {@link #DROPPED_SLOW_CONSUMER}, {@link #DROPPED_CLIENT_GONE} or
	 * {@link #DROPPED_REPLAY_OVERFLOW}
	 * @param events how many
	 */
	default void dropped(String reason, int events) {
	}

	/**
	 * A stream request was refused before a stream opened.
	 * @param code the error code of the answer, e.g. {@code FORBIDDEN}
	 */
	default void refused(String code) {
	}

	/**
	 * Frames were written to a client's connection in one write.
	 * @param events how many events they hold
	 * @param publishedNanos when the oldest live event among them was published, from
	 * {@link System#nanoTime()}, or 0 if none was
	 */
	default void written(int events, long publishedNanos) {
	}

	/** Whom an event is addressed to, as a meter's tag: never the user or the channel. */
	enum Target {

		/** A user: {@code toUser}. */
		USER,

		/** A channel: {@code toChannel}. */
		CHANNEL,

		/** A user on a channel: {@code toUser().channel()}. */
		USER_CHANNEL,

		/** Everyone: {@code toAll}. */
		ALL,

		/** One connection: {@code toConnection}. */
		CONNECTION;

		private final String value = name().toLowerCase(Locale.ROOT).replace('_', '-');

		/**
		 * Returns the target of an event from its address.
		 * @param userId the user, or {@code null}
		 * @param channel the channel, or {@code null}
		 * @param connectionId the connection, or {@code null}
		 * @return the target
		 */
		static Target of(@Nullable String userId, @Nullable String channel, @Nullable String connectionId) {
			if (connectionId != null) {
				return CONNECTION;
			}
			if (userId != null) {
				return (channel != null) ? USER_CHANNEL : USER;
			}
			return (channel != null) ? CHANNEL : ALL;
		}

		/**
		 * Returns the target as a tag value.
		 * @return e.g. {@code user-channel}
		 */
		public String value() {
			return this.value;
		}

	}

}
