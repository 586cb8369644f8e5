package dev.sseboot.sse.cluster;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * An event as the cluster's log carries it between nodes: the event's name and data,
 * already serialized, and whom it is for.
 *
 * @param sequence its place in the log, from 1; 0 before the log accepted it
 * @param name the event name
 * @param data the data, already serialized
 * @param timestamp when it was published
 * @param userId the addressed user, or {@code null} for any user
 * @param channel the addressed channel, or {@code null} for any channel
 * @param connectionId the addressed connection, or {@code null}
 */
public record LogRecord(long sequence, String name, String data, Instant timestamp, @Nullable String userId,
		@Nullable String channel, @Nullable String connectionId) {

	/**
	 * Returns this record at a place in the log.
	 * @param sequence its sequence
	 * @return the record
	 */
	public LogRecord at(long sequence) {
		return new LogRecord(sequence, this.name, this.data, this.timestamp, this.userId, this.channel,
				this.connectionId);
	}

}
