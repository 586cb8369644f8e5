package dev.sseboot.sse.cluster.redis;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

import dev.sseboot.sse.SseConnection;
import dev.sseboot.sse.cluster.ClusterPresence.Connection;

/**
 * How a stream is written as a field of the presence's {@code {prefix}conns}, and read
 * back: {@code <node> <connected> <ends> <channels> <user>}, tab-separated, the times in
 * milliseconds, the channels joined by commas, the user last since it may hold any
 * character. The scripts read the same fields.
 *
 * @param node the node the stream is open on
 * @param connected when it opened
 * @param ends when it is due to end
 * @param channels its channels, joined by commas
 * @param user its user
 */
record PresenceEntry(String node, String connected, String ends, String channels, String user) {

	static PresenceEntry of(String node, Connection connection) {
		return new PresenceEntry(node, Long.toString(connection.connectedAt().toEpochMilli()),
				Long.toString(connection.endsAt().toEpochMilli()), String.join(",", connection.channels()),
				connection.userId());
	}

	static PresenceEntry parse(String value) {
		String[] fields = value.split("\t", 5);
		return new PresenceEntry(fields[0], fields[1], fields[2], fields[3], fields[4]);
	}

	String value() {
		return String.join("\t", this.node, this.connected, this.ends, this.channels, this.user);
	}

	Set<String> channelSet() {
		return this.channels.isEmpty() ? Set.of() : new LinkedHashSet<>(Arrays.asList(this.channels.split(",")));
	}

	SseConnection toConnection(String connectionId) {
		return new SseConnection(connectionId, this.user, channelSet(),
				Instant.ofEpochMilli(Long.parseLong(this.connected)));
	}

}
