package dev.sseboot.sse.web;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

import dev.sseboot.sse.SsePrincipal;
import dev.sseboot.sse.error.SseErrorCode;
import dev.sseboot.sse.error.SseRequestException;
import org.jspecify.annotations.Nullable;

/**
 * Works out which channels a stream subscribes to from its {@code channel} parameters
 * (repeatable or comma-separated) and the principal's grants.
 */
final class ChannelSelection {

	static final int MAX_NAME_LENGTH = 128;

	private static final Pattern VALID_NAME = Pattern.compile("[\\p{L}\\p{N}_\\-:.@/]+");

	private ChannelSelection() {
	}

	/**
	 * Resolves the channels of a new stream.
	 * @param principal the stream's principal
	 * @param parameters the {@code channel} parameter values, or {@code null}
	 * @param maxChannels how many channels one stream may name
	 * @return the channels, each permitted by the principal
	 * @throws SseRequestException 400 for a malformed name or too many names, 403 for a
	 * channel the principal is not granted
	 */
	static Set<String> resolve(SsePrincipal principal, String @Nullable [] parameters, int maxChannels) {
		if (parameters == null || parameters.length == 0) {
			return principal.concreteChannels();
		}
		Set<String> channels = new LinkedHashSet<>();
		for (String parameter : parameters) {
			for (String name : parameter.split(",", -1)) {
				channels.add(validName(withoutSurroundingSpaces(name)));
				if (channels.size() > maxChannels) {
					throw new SseRequestException(SseErrorCode.BAD_REQUEST,
							"Too many channels: at most " + maxChannels + " per stream");
				}
			}
		}
		for (String channel : channels) {
			if (!principal.permits(channel)) {
				throw new SseRequestException(SseErrorCode.FORBIDDEN, "Channel not permitted: " + channel);
			}
		}
		return channels;
	}

	/**
	 * Drops the spaces of {@code a, b}, and nothing else: a line break or tab around a
	 * name makes it invalid rather than silently becoming another name.
	 */
	private static String withoutSurroundingSpaces(String name) {
		int start = 0;
		int end = name.length();
		while (start < end && name.charAt(start) == ' ') {
			start++;
		}
		while (end > start && name.charAt(end - 1) == ' ') {
			end--;
		}
		return name.substring(start, end);
	}

	private static String validName(String name) {
		if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || !VALID_NAME.matcher(name).matches()
				|| name.contains("..")) {
			throw new SseRequestException(SseErrorCode.BAD_REQUEST, "Invalid channel name: channel names are 1 to "
					+ MAX_NAME_LENGTH + " letters, digits or _-:.@/ characters");
		}
		return name;
	}

}
