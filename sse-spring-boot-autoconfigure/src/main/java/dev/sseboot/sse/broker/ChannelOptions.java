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

	/** Whether each pattern's events are kept for replay, in the order configured. */
	private final Map<String, Boolean> replayed;

	private ChannelOptions(Map<String, Boolean> replayed) {
		this.replayed = replayed;
	}

	/**
	 * Returns options that treat every channel alike: every event is kept for replay.
	 * @return the options
	 */
	public static ChannelOptions none() {
		return NONE;
	}

	/**
	 * Returns options that keep the events of some channels out of replay.
	 * @param replayed whether the events of each pattern's channels are kept for replay,
	 * in the order the patterns are tried
	 * @return the options
	 */
	public static ChannelOptions of(Map<String, Boolean> replayed) {
		return new ChannelOptions(new LinkedHashMap<>(replayed));
	}

	/**
	 * Returns whether an event is kept for replay: unless the first pattern that matches
	 * its channel says no. Events for no channel are.
	 * @param channel the event's channel, or {@code null}
	 * @return whether it is replayed
	 */
	public boolean isReplayed(@Nullable String channel) {
		if (channel == null) {
			return true;
		}
		for (Map.Entry<String, Boolean> option : this.replayed.entrySet()) {
			if (SsePrincipal.matches(option.getKey(), channel)) {
				return option.getValue();
			}
		}
		return true;
	}

}
