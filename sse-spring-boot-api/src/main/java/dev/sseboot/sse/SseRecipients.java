package dev.sseboot.sse;

import org.jspecify.annotations.Nullable;

/**
 * The recipients an {@link SseBroker} implementation hands out: they keep whom an event is
 * addressed to, from {@code toUser}, {@code toChannel}, {@code toAll},
 * {@code toConnection} and {@code channel}, and give each send to the broker's
 * {@link Sender}. For brokers of the application's own, such as a test's.
 */
public final class SseRecipients implements SseBroker.UserRecipients {

	/** The longest idempotency key. */
	public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 200;

	private final @Nullable String userId;

	private final @Nullable String channel;

	private final @Nullable String connectionId;

	private final @Nullable String idempotencyKey;

	private final Sender sender;

	private SseRecipients(@Nullable String userId, @Nullable String channel, @Nullable String connectionId,
			@Nullable String idempotencyKey, Sender sender) {
		this.userId = userId;
		this.channel = channel;
		this.connectionId = connectionId;
		this.idempotencyKey = idempotencyKey;
		this.sender = sender;
	}

	/**
	 * Returns every stream of a user.
	 * @param userId the user
	 * @param sender what sends to them
	 * @return the recipients
	 */
	public static SseBroker.UserRecipients user(String userId, Sender sender) {
		return new SseRecipients(userId, null, null, null, sender);
	}

	/**
	 * Returns every stream subscribed to a channel.
	 * @param channel the channel
	 * @param sender what sends to them
	 * @return the recipients
	 */
	public static SseBroker.Recipients channel(String channel, Sender sender) {
		return new SseRecipients(null, channel, null, null, sender);
	}

	/**
	 * Returns every stream.
	 * @param sender what sends to them
	 * @return the recipients
	 */
	public static SseBroker.Recipients all(Sender sender) {
		return new SseRecipients(null, null, null, null, sender);
	}

	/**
	 * Returns one stream.
	 * @param connectionId its connection id
	 * @param sender what sends to it
	 * @return the recipients
	 */
	public static SseBroker.Recipients connection(String connectionId, Sender sender) {
		return new SseRecipients(null, null, connectionId, null, sender);
	}

	@Override
	public SseBroker.Recipients channel(String channel) {
		return new SseRecipients(this.userId, channel, null, this.idempotencyKey, this.sender);
	}

	@Override
	public SseBroker.Recipients withIdempotencyKey(String key) {
		if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
			throw new IllegalArgumentException(
					"An idempotency key has 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH + " characters");
		}
		return new SseRecipients(this.userId, this.channel, this.connectionId, key, this.sender);
	}

	@Override
	public String send(String event, Object data) {
		return this.sender.send(new Address(this.userId, this.channel, this.connectionId, this.idempotencyKey), event,
				data);
	}

	/**
	 * Whom an event is addressed to, and how its send is told from a retry.
	 *
	 * @param userId the user it is for, or {@code null} for any user
	 * @param channel the channel it is for, or {@code null} for any channel
	 * @param connectionId the one stream it is for, or {@code null}
	 * @param idempotencyKey what makes a second send with it a retry of the first, or
	 * {@code null}
	 */
	public record Address(@Nullable String userId, @Nullable String channel, @Nullable String connectionId,
			@Nullable String idempotencyKey) {
	}

	/**
	 * Sends an event to the streams it is addressed to.
	 */
	@FunctionalInterface
	public interface Sender {

		/**
		 * Sends an event.
		 * @param address whom it is for, and its idempotency key if any
		 * @param event the event name
		 * @param data the data
		 * @return the id assigned to the event, or to the first with its idempotency key
		 */
		String send(Address address, String event, Object data);

	}

}
