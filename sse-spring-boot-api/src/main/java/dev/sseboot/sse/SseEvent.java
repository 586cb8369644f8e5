package dev.sseboot.sse;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * An event as published: what is kept for replay and what is written to the streams.
 *
 * @param id the id, {@code <epoch>-<sequence>}
 * @param name the event name
 * @param data the data, already serialized
 * @param timestamp when the event was published
 * @param userId the addressed user, or {@code null} for any user
 * @param channel the addressed channel, or {@code null} for any channel
 * @param metadata extra metadata, never sent to clients
 */
public record SseEvent(String id, String name, String data, Instant timestamp, @Nullable String userId,
		@Nullable String channel, Map<String, String> metadata) {

	/** Name of an event sent without a name. */
	public static final String DEFAULT_NAME = "message";

	/** First event of every stream. */
	public static final String CONNECTED = "sse-connected";

	/** Sent on idle streams. */
	public static final String HEARTBEAT = "heartbeat";

	/** Sent before the stream's token expires. */
	public static final String TOKEN_EXPIRING = "sse-token-expiring";

	/** Sent just before the server ends a stream. */
	public static final String CLOSE = "sse-close";

	/**
	 * Sent to a channel's subscribers when a user's first stream on it opened, on channels
	 * with presence events.
	 */
	public static final String JOIN = "sse-join";

	/**
	 * Sent to a channel's subscribers when a user's last stream on it closed, on channels
	 * with presence events.
	 */
	public static final String LEAVE = "sse-leave";

	/**
	 * Sent right after {@code sse-connected}, without an id, for each of a stream's channels
	 * whose last event is kept, when the stream has no position to go on from.
	 */
	public static final String LATEST = "sse-latest";

	/** Event names only the server may send. */
	public static final Set<String> RESERVED_NAMES = Set.of(CONNECTED, HEARTBEAT, TOKEN_EXPIRING, CLOSE, JOIN,
			LEAVE, LATEST);

	public SseEvent {
		metadata = Map.copyOf(metadata);
	}

	/**
	 * Returns whether only the server may send an event of this name: a reserved name, alone
	 * or after a channel name and a space, as streams with {@code channelPrefix=true} name a
	 * channel's events.
	 * @param name the event name
	 * @return whether the name is the server's
	 */
	public static boolean isReserved(String name) {
		int space = name.indexOf(' ');
		return RESERVED_NAMES.contains(name) || (space >= 0 && RESERVED_NAMES.contains(name.substring(space + 1)));
	}

	/**
	 * Returns whether a stream of the given principal, subscribed to the given channels,
	 * receives this event. The same rule serves live delivery and replay.
	 * @param principalUserId the stream's user
	 * @param subscribedChannels the stream's channels
	 * @return whether the stream receives the event
	 */
	public boolean isAddressedTo(String principalUserId, Set<String> subscribedChannels) {
		return isAddressedTo(this.userId, this.channel, principalUserId, subscribedChannels);
	}

	/**
	 * Returns whether an event for a user and a channel reaches a stream.
	 * @param userId the addressed user, or {@code null} for any user
	 * @param channel the addressed channel, or {@code null} for any channel
	 * @param principalUserId the stream's user
	 * @param subscribedChannels the stream's channels
	 * @return whether the stream receives the event
	 */
	public static boolean isAddressedTo(@Nullable String userId, @Nullable String channel, String principalUserId,
			Set<String> subscribedChannels) {
		return (userId == null || userId.equals(principalUserId))
				&& (channel == null || subscribedChannels.contains(channel));
	}

}
