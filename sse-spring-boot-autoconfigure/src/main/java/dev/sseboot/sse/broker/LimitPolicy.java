package dev.sseboot.sse.broker;

/**
 * What the broker does with a new stream of a user who holds
 * {@code sse.connection.max-per-user} streams already.
 */
public enum LimitPolicy {

	/**
	 * Refuses the new stream with 429 and a {@code Retry-After} of the time until one of
	 * the user's streams ends. Browsers' {@code EventSource} gives up for good on a 429.
	 */
	REJECT,

	/**
	 * Opens the new stream and closes the user's oldest with reason {@code replaced}, so
	 * that a reloaded page never waits for the stream it left behind.
	 */
	EVICT_OLDEST

}
