package dev.sseboot.sse.test;

import org.jspecify.annotations.Nullable;

/**
 * An event a {@link RecordingSseBroker} was asked to send.
 *
 * @param id the id the broker returned
 * @param userId the addressed user, or {@code null}
 * @param channel the addressed channel, or {@code null}
 * @param connectionId the addressed connection, or {@code null}
 * @param name the event name
 * @param data the data as the application passed it, not serialized
 */
public record SentEvent(String id, @Nullable String userId, @Nullable String channel, @Nullable String connectionId,
		String name, Object data) {

	/**
	 * Returns whether the event was sent to everyone: {@code toAll()}.
	 * @return whether it was
	 */
	public boolean toAll() {
		return this.userId == null && this.channel == null && this.connectionId == null;
	}

	@Override
	public String toString() {
		String to = (this.connectionId != null) ? "connection " + this.connectionId
				: toAll() ? "everyone"
						: ((this.userId != null) ? "user " + this.userId : "")
								+ ((this.userId != null && this.channel != null) ? " on " : "")
								+ ((this.channel != null) ? "channel " + this.channel : "");
		return this.name + " to " + to + ": " + this.data;
	}

}
