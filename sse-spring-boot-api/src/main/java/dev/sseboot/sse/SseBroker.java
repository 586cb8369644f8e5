package dev.sseboot.sse;

import java.util.List;

/**
 * Publishes Server-Sent Events to the streams open on this application.
 *
 * <pre class="code">
 * broker.toUser("alex").channel("chat").send("message", payload); // one user on one channel
 * broker.toUser("alex").send("notification", payload);           // every stream of that user
 * broker.toChannel("project:42").send("position", dto);          // every stream on the channel
 * broker.toAll().send("maintenance", text);                      // every stream
 * </pre>
 *
 * Sending never blocks on a slow client: each event is encoded once and queued on every
 * recipient stream. Data that is a {@link String} is sent as is (one {@code data:} line
 * per line); any other object is written as JSON.
 *
 * @see SseEvent#RESERVED_NAMES
 */
public interface SseBroker {

	/**
	 * Addresses every stream of one user.
	 * @param userId the user, as the {@link TokenValidator} reported it
	 * @return the recipients, which can be narrowed to one channel
	 */
	UserRecipients toUser(String userId);

	/**
	 * Addresses every stream subscribed to a channel.
	 * @param channel the channel name
	 * @return the recipients
	 */
	Recipients toChannel(String channel);

	/**
	 * Addresses every open stream.
	 * @return the recipients
	 */
	Recipients toAll();

	/**
	 * Addresses one stream, by the {@code connectionId} announced in its
	 * {@code sse-connected} event. Such events are not kept for replay.
	 * @param connectionId the connection id
	 * @return the recipients
	 */
	Recipients toConnection(String connectionId);

	/**
	 * Closes every stream of a user with reason {@code revoked}.
	 * @param userId the user
	 * @return how many streams were closed
	 */
	int disconnectUser(String userId);

	/**
	 * Closes one stream with reason {@code revoked}.
	 * @param connectionId the connection id
	 * @return whether such a stream was open
	 */
	boolean disconnect(String connectionId);

	/**
	 * Returns the number of open streams.
	 * @return the number of open streams
	 */
	int connectionCount();

	/**
	 * Returns whether a user has at least one open stream.
	 * @param userId the user
	 * @return whether the user is connected
	 */
	boolean isOnline(String userId);

	/**
	 * Returns the open streams of a user.
	 * @param userId the user
	 * @return a snapshot of the user's streams
	 */
	List<SseConnection> connections(String userId);

	/**
	 * Returns the retained events after an id that a principal may receive: those
	 * addressed to its user or to no user, on a channel its grants permit or on none.
	 * @param lastEventId the last id the client received
	 * @param principal whose events
	 * @return the events, oldest first; empty if the id is unknown or replay is off
	 */
	List<SseEvent> eventsSince(String lastEventId, SsePrincipal principal);

	/**
	 * Returns the number of events retained for replay.
	 * @return the number of events
	 */
	int bufferedEventCount();

	/**
	 * A set of streams that events can be sent to.
	 */
	interface Recipients {

		/**
		 * Sends an event.
		 * @param event the event name, not one of {@link SseEvent#RESERVED_NAMES}, alone or
		 * after a channel name and a space ({@link SseEvent#isReserved})
		 * @param data a {@code String} sent as is, or an object written as JSON
		 * @return the id assigned to the event
		 * @throws IllegalArgumentException if the name is reserved or not a single line
		 */
		String send(String event, Object data);

		/**
		 * Sends an unnamed event, which browsers dispatch as {@code message}.
		 * @param data a {@code String} sent as is, or an object written as JSON
		 * @return the id assigned to the event
		 */
		default String send(Object data) {
			return send(SseEvent.DEFAULT_NAME, data);
		}

		/**
		 * Makes the sends to these recipients idempotent: within
		 * {@code sse.cluster.idempotency-window} (5 minutes by default) of a send with the
		 * key, a send with the same key delivers nothing and returns the first send's id,
		 * on any node of the cluster. For a publisher that retries after a failure whose
		 * outcome it cannot know, such as a timeout.
		 * @param key what identifies the event for the application, such as an order's id
		 * and what happened to it; at most 200 characters
		 * @return the recipients, sending with the key
		 */
		Recipients withIdempotencyKey(String key);

	}

	/**
	 * The streams of one user, optionally narrowed to one channel.
	 */
	interface UserRecipients extends Recipients {

		/**
		 * Narrows the recipients to the user's streams subscribed to a channel.
		 * @param channel the channel name
		 * @return the recipients
		 */
		Recipients channel(String channel);

	}

}
