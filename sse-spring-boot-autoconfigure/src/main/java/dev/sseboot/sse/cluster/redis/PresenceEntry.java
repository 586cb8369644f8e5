package dev.sseboot.sse.cluster.redis;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Predicate;

import dev.sseboot.sse.SseConnection;
import dev.sseboot.sse.cluster.ClusterPresence.Connection;

/**
 * How a stream is written as a field of the presence's {@code {prefix}conns}, and read
 * back: {@code <node> <connected> <ends> <channels> <announced> <user>}, tab-separated, the
 * times in milliseconds, the channels joined by commas, the user last since it may hold
 * any character. The scripts read the same fields.
 *
 * @param node the node the stream is open on
 * @param connected when it opened
 * @param ends when it is due to end
 * @param channels its channels, joined by commas
 * @param announced those of its channels whose subscribers are told who joins and leaves,
 * joined by commas
 * @param user its user
 */
record PresenceEntry(String node, String connected, String ends, String channels, String announced, String user) {

	static PresenceEntry of(String node, Connection connection, Predicate<String> announcesPresence) {
		return new PresenceEntry(node, Long.toString(connection.connectedAt().toEpochMilli()),
				Long.toString(connection.endsAt().toEpochMilli()), String.join(",", connection.channels()),
				String.join(",", connection.channels().stream().filter(announcesPresence).toList()),
				connection.userId());
	}

	static PresenceEntry parse(String value) {
		String[] fields = value.split("\t", 6);
		if (fields.length == 5) {
			// Written by a node of the version before announced channels.
			return new PresenceEntry(fields[0], fields[1], fields[2], fields[3], "", fields[4]);
		}
		return new PresenceEntry(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
	}

	String value() {
		return String.join("\t", this.node, this.connected, this.ends, this.channels, this.announced, this.user);
	}

	Set<String> channelSet() {
		return this.channels.isEmpty() ? Set.of() : new LinkedHashSet<>(Arrays.asList(this.channels.split(",")));
	}

	SseConnection toConnection(String connectionId) {
		return new SseConnection(connectionId, this.user, channelSet(),
				Instant.ofEpochMilli(Long.parseLong(this.connected)));
	}

}
