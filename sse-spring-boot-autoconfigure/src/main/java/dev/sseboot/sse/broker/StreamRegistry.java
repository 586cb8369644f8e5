package dev.sseboot.sse.broker;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * The open streams, indexed by connection id, by user and by channel. Every stream is
 * added once and removed once, whatever ended it.
 */
final class StreamRegistry {

	private final ConcurrentHashMap<String, SseStream> byId = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, Set<SseStream>> byUser = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, Set<SseStream>> byChannel = new ConcurrentHashMap<>();

	void add(SseStream stream) {
		this.byId.put(stream.id(), stream);
		index(this.byUser, stream.principal().userId(), stream);
		for (String channel : stream.channels()) {
			index(this.byChannel, channel, stream);
		}
	}

	/**
	 * Removes a stream from every index.
	 * @param stream the stream
	 * @return whether it was registered
	 */
	boolean remove(SseStream stream) {
		if (!this.byId.remove(stream.id(), stream)) {
			return false;
		}
		unindex(this.byUser, stream.principal().userId(), stream);
		for (String channel : stream.channels()) {
			unindex(this.byChannel, channel, stream);
		}
		return true;
	}

	Collection<SseStream> all() {
		return this.byId.values();
	}

	Set<SseStream> ofUser(String userId) {
		return this.byUser.getOrDefault(userId, Set.of());
	}

	Set<SseStream> ofChannel(String channel) {
		return this.byChannel.getOrDefault(channel, Set.of());
	}

	@Nullable SseStream byId(String connectionId) {
		return this.byId.get(connectionId);
	}

	int size() {
		return this.byId.size();
	}

	int userCount() {
		return this.byUser.size();
	}

	int channelCount() {
		return this.byChannel.size();
	}

	Map<String, Integer> countsByUser() {
		return counts(this.byUser);
	}

	Map<String, Integer> countsByChannel() {
		return counts(this.byChannel);
	}

	private static Map<String, Integer> counts(ConcurrentHashMap<String, Set<SseStream>> index) {
		Map<String, Integer> counts = new TreeMap<>();
		index.forEach((key, streams) -> {
			// A set emptied by a concurrent removal is about to leave the index.
			if (!streams.isEmpty()) {
				counts.put(key, streams.size());
			}
		});
		return counts;
	}

	private static void index(ConcurrentHashMap<String, Set<SseStream>> index, String key, SseStream stream) {
		index.compute(key, (k, streams) -> {
			Set<SseStream> result = (streams != null) ? streams : ConcurrentHashMap.newKeySet();
			result.add(stream);
			return result;
		});
	}

	private static void unindex(ConcurrentHashMap<String, Set<SseStream>> index, String key, SseStream stream) {
		index.computeIfPresent(key, (k, streams) -> {
			streams.remove(stream);
			return streams.isEmpty() ? null : streams;
		});
	}

}
