package dev.sseboot.sse.broker;

import java.time.Duration;

/**
 * Thrown when the broker refuses to open a stream.
 */
public class ConnectionRejectedException extends RuntimeException {

	/** Why a stream was refused. */
	public enum Cause {

		/** The user holds {@code sse.connection.max-per-user} streams already. */
		USER_LIMIT,

		/** The node, or the cluster, holds {@code sse.connection.max-total} streams already. */
		NODE_LIMIT,

		/** The node is shutting down. */
		SHUTTING_DOWN,

		/** The node of a cluster has not joined the cluster's log yet: no id can resume. */
		NOT_JOINED

	}

	private final Cause cause;

	private final Duration retryAfter;

	ConnectionRejectedException(Cause cause, String message, Duration retryAfter) {
		super(message);
		this.cause = cause;
		this.retryAfter = retryAfter;
	}

	/**
	 * Returns why the stream was refused.
	 * @return the cause
	 */
	public Cause rejection() {
		return this.cause;
	}

	/**
	 * Returns how long the client should wait: the time until a stream that takes up the
	 * limit is due to end, or for a node shutting down, the reconnection delay.
	 * @return the delay
	 */
	public Duration retryAfter() {
		return this.retryAfter;
	}

}
