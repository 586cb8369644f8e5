package dev.sseboot.sse.broker;

/**
 * Thrown when the broker refuses to open a stream.
 */
public class ConnectionRejectedException extends RuntimeException {

	/** Why a stream was refused. */
	public enum Cause {

		/** The user holds {@code sse.connection.max-per-user} streams already. */
		USER_LIMIT,

		/** The node holds {@code sse.connection.max-total} streams already. */
		NODE_LIMIT,

		/** The node is shutting down. */
		SHUTTING_DOWN

	}

	private final Cause cause;

	ConnectionRejectedException(Cause cause, String message) {
		super(message);
		this.cause = cause;
	}

	/**
	 * Returns why the stream was refused.
	 * @return the cause
	 */
	public Cause rejection() {
		return this.cause;
	}

}
