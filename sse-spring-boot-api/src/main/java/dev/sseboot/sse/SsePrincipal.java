package dev.sseboot.sse;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Who a stream belongs to and what it may receive, as established by a
 * {@link TokenValidator}.
 *
 * @param userId the user, never blank
 * @param channels the channel grants: exact names, {@code prefix:*} patterns, or {@code *}
 * @param expiresAt when the token expires and the stream is closed, or {@code null}
 * @param tokenId the token's id ({@code jti}), used for revocation, or {@code null}
 * @param attributes further claims, for the application's own use
 */
public record SsePrincipal(String userId, Set<String> channels, @Nullable Instant expiresAt,
		@Nullable String tokenId, Map<String, Object> attributes) {

	/** Grant that permits every channel. */
	public static final String ALL_CHANNELS = "*";

	public SsePrincipal {
		Assert.hasText(userId, "userId must not be blank");
		channels = Set.copyOf(channels);
		attributes = Map.copyOf(attributes);
	}

	/**
	 * Creates a principal with no expiry, token id or attributes.
	 * @param userId the user
	 * @param channels the channel grants
	 * @return the principal
	 */
	public static SsePrincipal of(String userId, Set<String> channels) {
		return new SsePrincipal(userId, channels, null, null, Map.of());
	}

	/**
	 * Returns whether the grants permit a channel.
	 * @param channel a concrete channel name
	 * @return whether the channel is permitted
	 */
	public boolean permits(String channel) {
		for (String grant : this.channels) {
			if (matches(grant, channel)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Returns whether a channel pattern, as grants are written, matches a channel:
	 * {@code *} matches every channel, {@code prefix:*} every channel that starts with
	 * {@code prefix:}, any other pattern the channel of its name.
	 * @param pattern the pattern
	 * @param channel a concrete channel name
	 * @return whether it matches
	 */
	public static boolean matches(String pattern, String channel) {
		return pattern.equals(ALL_CHANNELS) || pattern.equals(channel)
				|| (pattern.endsWith(":*") && channel.startsWith(pattern.substring(0, pattern.length() - 1)));
	}

	/**
	 * Returns the grants that name one channel exactly: what a stream subscribes to when
	 * it names no channel.
	 * @return the concrete channel names
	 */
	public Set<String> concreteChannels() {
		return this.channels.stream().filter((grant) -> !grant.endsWith("*")).collect(Collectors.toUnmodifiableSet());
	}

}
