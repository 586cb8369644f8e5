package dev.sseboot.sse.broker;

/**
 * Why the server ended a stream: the {@code reason} of its {@code sse-close} event.
 */
public enum CloseReason {

	/** The stream's token expired. */
	TOKEN_EXPIRED("token-expired"),

	/** The user or the token was revoked. */
	REVOKED("revoked"),

	/** The client did not read fast enough and its queue overflowed. */
	SLOW_CONSUMER("slow-consumer"),

	/** The application is shutting down. */
	SHUTDOWN("shutdown"),

	/** The stream reached {@code sse.connection.max-lifetime}. */
	MAX_LIFETIME("max-lifetime"),

	/**
	 * The user opened a stream beyond {@code sse.connection.max-per-user}, and this, the
	 * oldest, made room for it.
	 */
	REPLACED("replaced"),

	/**
	 * In cluster mode, the node read the cluster's log from another point than where it
	 * was (a log that lost its data, or trimmed events before the node read them): the
	 * stream may have missed events, and its client's resume status says so.
	 */
	RESYNC("resync");

	private final String value;

	CloseReason(String value) {
		this.value = value;
	}

	/**
	 * Returns the reason of a value sent to clients.
	 * @param value the value, e.g. {@code revoked}
	 * @return the reason
	 * @throws IllegalArgumentException if no reason has that value
	 */
	public static CloseReason of(String value) {
		for (CloseReason reason : values()) {
			if (reason.value.equals(value)) {
				return reason;
			}
		}
		throw new IllegalArgumentException("No close reason '" + value + "'");
	}

	/**
	 * Returns the reason as sent to clients.
	 * @return the reason
	 */
	public String value() {
		return this.value;
	}

}
