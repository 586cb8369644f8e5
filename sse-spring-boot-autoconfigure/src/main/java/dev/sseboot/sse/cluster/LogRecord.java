package dev.sseboot.sse.cluster;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What the cluster's log carries between nodes: an event, or a command that acts on the
 * streams of every node.
 *
 * @param sequence its place in the log, from 1; 0 before the log accepted it
 * @param kind what it is
 * @param name the event name; for a command that closes streams, the close reason
 * @param data the event's data, already serialized; for a revocation, the token's id
 * @param timestamp when it was published; for a revocation, when the token expires
 * @param userId the addressed user, or {@code null} for any user
 * @param channel the addressed channel, or {@code null} for any channel
 * @param connectionId the addressed connection, or {@code null}
 * @param traceContext the publisher's trace context, as propagation headers (such as
 * {@code traceparent}), empty without tracing
 */
public record LogRecord(long sequence, Kind kind, String name, String data, Instant timestamp,
		@Nullable String userId, @Nullable String channel, @Nullable String connectionId,
		Map<String, String> traceContext) {

	public LogRecord {
		traceContext = Map.copyOf(traceContext);
	}

	/**
	 * Creates a record without a trace context.
	 * @param sequence its place in the log, 0 before the log accepted it
	 * @param kind what it is
	 * @param name the event name or close reason
	 * @param data the data or token id
	 * @param timestamp when it was published, or when a revoked token expires
	 * @param userId the addressed user, or {@code null}
	 * @param channel the addressed channel, or {@code null}
	 * @param connectionId the addressed connection, or {@code null}
	 */
	public LogRecord(long sequence, Kind kind, String name, String data, Instant timestamp, @Nullable String userId,
			@Nullable String channel, @Nullable String connectionId) {
		this(sequence, kind, name, data, timestamp, userId, channel, connectionId, Map.of());
	}

	/**
	 * Returns an event, not yet in the log.
	 * @param name the event name
	 * @param data the data, already serialized
	 * @param timestamp when it was published
	 * @param userId the addressed user, or {@code null}
	 * @param channel the addressed channel, or {@code null}
	 * @param connectionId the addressed connection, or {@code null}
	 * @return the record
	 */
	public static LogRecord event(String name, String data, Instant timestamp, @Nullable String userId,
			@Nullable String channel, @Nullable String connectionId) {
		return new LogRecord(0, Kind.EVENT, name, data, timestamp, userId, channel, connectionId);
	}

	/**
	 * Returns a command that closes every stream of a user, not yet in the log.
	 * @param userId the user
	 * @param reason the close reason sent to the streams
	 * @return the record
	 */
	public static LogRecord closeUser(String userId, String reason) {
		return new LogRecord(0, Kind.CLOSE_USER, reason, "", Instant.now(), userId, null, null);
	}

	/**
	 * Returns a command that closes one stream, not yet in the log.
	 * @param connectionId the stream's connection id
	 * @param reason the close reason sent to the stream
	 * @return the record
	 */
	public static LogRecord closeConnection(String connectionId, String reason) {
		return new LogRecord(0, Kind.CLOSE_CONNECTION, reason, "", Instant.now(), null, null, connectionId);
	}

	/**
	 * Returns a command that revokes a token on every node, not yet in the log.
	 * @param tokenId the token's {@code jti}
	 * @param expiresAt when the token expires
	 * @return the record
	 */
	public static LogRecord revokeToken(String tokenId, Instant expiresAt) {
		return new LogRecord(0, Kind.REVOKE_TOKEN, "", tokenId, expiresAt, null, null, null);
	}

	/**
	 * Returns this record at a place in the log.
	 * @param sequence its sequence
	 * @return the record
	 */
	public LogRecord at(long sequence) {
		return new LogRecord(sequence, this.kind, this.name, this.data, this.timestamp, this.userId, this.channel,
				this.connectionId, this.traceContext);
	}

	/**
	 * Returns this record carrying a trace context.
	 * @param traceContext propagation headers
	 * @return the record
	 */
	public LogRecord withTraceContext(Map<String, String> traceContext) {
		return new LogRecord(this.sequence, this.kind, this.name, this.data, this.timestamp, this.userId,
				this.channel, this.connectionId, traceContext);
	}

	/**
	 * What a record is.
	 */
	public enum Kind {

		/** An event for streams. */
		EVENT,

		/** Close every stream of a user. */
		CLOSE_USER,

		/** Close one stream. */
		CLOSE_CONNECTION,

		/** Refuse a token from now on and close its streams. */
		REVOKE_TOKEN

	}

}
