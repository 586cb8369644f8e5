package dev.sseboot.sse.broker;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.sseboot.sse.SsePrincipal;
import org.jspecify.annotations.Nullable;

/**
 * What differs between channels, by channel pattern as grants are written ({@code *},
 * {@code prefix:*}, or a name): the first pattern that matches a channel applies.
 */
public final class ChannelOptions {

	private static final ChannelOptions NONE = new ChannelOptions(Map.of());

	/** Each pattern's options, in the order configured. */
	private final Map<String, Channel> patterns;

	private ChannelOptions(Map<String, Channel> patterns) {
		this.patterns = patterns;
	}

	/**
	 * Returns options that treat every channel alike: every event is kept for replay, no
	 * channel announces who joins and leaves.
	 * @return the options
	 */
	public static ChannelOptions none() {
		return NONE;
	}

	/**
	 * Returns options by channel pattern.
	 * @param patterns each pattern's options, in the order the patterns are tried
	 * @return the options
	 */
	public static ChannelOptions of(Map<String, Channel> patterns) {
		return new ChannelOptions(new LinkedHashMap<>(patterns));
	}

	/**
	 * Returns whether an event is kept for replay: unless the first pattern that matches
	 * its channel says no. Events for no channel are.
	 * @param channel the event's channel, or {@code null}
	 * @return whether it is replayed
	 */
	public boolean isReplayed(@Nullable String channel) {
		Channel options = (channel != null) ? find(channel) : null;
		return options == null || options.replay();
	}

	/**
	 * Returns whether a channel's subscribers are told when a user joins or leaves it:
	 * when the first pattern that matches it says so.
	 * @param channel the channel
	 * @return whether it announces presence
	 */
	public boolean announcesPresence(String channel) {
		Channel options = find(channel);
		return options != null && options.presenceEvents();
	}

	/**
	 * Returns whether a channel's last event is kept, for subscribers that open without a
	 * position to resume from: when the first pattern that matches it says so.
	 * @param channel the channel
	 * @return whether its last event is kept
	 */
	public boolean keepsLatest(String channel) {
		Channel options = find(channel);
		return options != null && options.keepLatest();
	}

	private @Nullable Channel find(String channel) {
		for (Map.Entry<String, Channel> option : this.patterns.entrySet()) {
			if (SsePrincipal.matches(option.getKey(), channel)) {
				return option.getValue();
			}
		}
		return null;
	}

	/**
	 * The options of the channels a pattern matches.
	 *
	 * @param replay whether their events are kept for replay
	 * @param presenceEvents whether their subscribers are told when a user joins or leaves
	 * @param keepLatest whether their last event is kept for new subscribers
	 */
	public record Channel(boolean replay, boolean presenceEvents, boolean keepLatest) {

	}

}
