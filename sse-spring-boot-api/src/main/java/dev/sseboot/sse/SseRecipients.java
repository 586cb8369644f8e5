package dev.sseboot.sse;

import org.jspecify.annotations.Nullable;

/**
 * The recipients an {@link SseBroker} implementation hands out: they keep whom an event is
 * addressed to, from {@code toUser}, {@code toChannel}, {@code toAll},
 * {@code toConnection} and {@code channel}, and give each send to the broker's
 * {@link Sender}. For brokers of the application's own, such as a test's.
 */
public final class SseRecipients implements SseBroker.UserRecipients {

	private final @Nullable String userId;

	private final @Nullable String channel;

	private final @Nullable String connectionId;

	private final Sender sender;

	private SseRecipients(@Nullable String userId, @Nullable String channel, @Nullable String connectionId,
			Sender sender) {
		this.userId = userId;
		this.channel = channel;
		this.connectionId = connectionId;
		this.sender = sender;
	}

	/**
	 * Returns every stream of a user.
	 * @param userId the user
	 * @param sender what sends to them
	 * @return the recipients
	 */
	public static SseBroker.UserRecipients user(String userId, Sender sender) {
		return new SseRecipients(userId, null, null, sender);
	}

	/**
	 * Returns every stream subscribed to a channel.
	 * @param channel the channel
	 * @param sender what sends to them
	 * @return the recipients
	 */
	public static SseBroker.Recipients channel(String channel, Sender sender) {
		return new SseRecipients(null, channel, null, sender);
	}

	/**
	 * Returns every stream.
	 * @param sender what sends to them
	 * @return the recipients
	 */
	public static SseBroker.Recipients all(Sender sender) {
		return new SseRecipients(null, null, null, sender);
	}

	/**
	 * Returns one stream.
	 * @param connectionId its connection id
	 * @param sender what sends to it
	 * @return the recipients
	 */
	public static SseBroker.Recipients connection(String connectionId, Sender sender) {
		return new SseRecipients(null, null, connectionId, sender);
	}

	@Override
	public SseBroker.Recipients channel(String channel) {
		return new SseRecipients(this.userId, channel, null, this.sender);
	}

	@Override
	public String send(String event, Object data) {
		return this.sender.send(this.userId, this.channel, this.connectionId, event, data);
	}

	/**
	 * Sends an event to the streams it is addressed to.
	 */
	@FunctionalInterface
	public interface Sender {

		/**
		 * Sends an event.
		 * @param userId the user it is for, or {@code null} for any user
		 * @param channel the channel it is for, or {@code null} for any channel
		 * @param connectionId the one stream it is for, or {@code null}
		 * @param event the event name
		 * @param data the data
		 * @return the id assigned to the event
		 */
		String send(@Nullable String userId, @Nullable String channel, @Nullable String connectionId, String event,
				Object data);

	}

}
