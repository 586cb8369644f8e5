package dev.sseboot.sse.replay;

/**
 * How a stream resumed: the {@code resume} field of its {@code sse-connected} event.
 */
public enum ResumeStatus {

	/** The client gave no id: nothing replayed. */
	NONE("none"),

	/** Every missed event was replayed. */
	RECOVERED("recovered"),

	/** The id is older than what is retained: the retained events were replayed and the
	 * client should re-sync. */
	GAP("gap"),

	/** Unknown epoch or malformed id: nothing replayed. */
	RESET("reset");

	private final String value;

	ResumeStatus(String value) {
		this.value = value;
	}

	/**
	 * Returns the status as sent to clients.
	 * @return the status
	 */
	public String value() {
		return this.value;
	}

}
