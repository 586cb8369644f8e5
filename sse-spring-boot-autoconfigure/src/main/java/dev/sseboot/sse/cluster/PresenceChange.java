package dev.sseboot.sse.cluster;

import org.jspecify.annotations.Nullable;

/**
 * A change of who is present, as the presence decided it when it registered or removed a
 * stream: each change is decided once, by the one presence (of the cluster, or of a node
 * on its own) that made it.
 *
 * @param kind what changed
 * @param userId the user
 * @param channel the channel the user joined or left, {@code null} for coming online or
 * going offline
 * @param nodeLost whether the streams that made the user leave were on a node that died
 */
public record PresenceChange(Kind kind, String userId, @Nullable String channel, boolean nodeLost) {

	/**
	 * A user's first stream opened.
	 * @param userId the user
	 * @return the change
	 */
	public static PresenceChange online(String userId) {
		return new PresenceChange(Kind.ONLINE, userId, null, false);
	}

	/**
	 * A user's last stream closed.
	 * @param userId the user
	 * @param nodeLost whether it was on a node that died
	 * @return the change
	 */
	public static PresenceChange offline(String userId, boolean nodeLost) {
		return new PresenceChange(Kind.OFFLINE, userId, null, nodeLost);
	}

	/**
	 * A user's first stream on a channel opened.
	 * @param userId the user
	 * @param channel the channel
	 * @return the change
	 */
	public static PresenceChange joined(String userId, String channel) {
		return new PresenceChange(Kind.JOINED, userId, channel, false);
	}

	/**
	 * A user's last stream on a channel closed.
	 * @param userId the user
	 * @param channel the channel
	 * @param nodeLost whether it was on a node that died
	 * @return the change
	 */
	public static PresenceChange left(String userId, String channel, boolean nodeLost) {
		return new PresenceChange(Kind.LEFT, userId, channel, nodeLost);
	}

	/** What changed. */
	public enum Kind {

		/** The user's first stream opened. */
		ONLINE,

		/** The user's first stream on the channel opened. */
		JOINED,

		/** The user's last stream on the channel closed. */
		LEFT,

		/** The user's last stream closed. */
		OFFLINE

	}

}
