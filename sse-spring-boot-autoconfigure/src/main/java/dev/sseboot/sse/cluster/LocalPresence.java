package dev.sseboot.sse.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.sseboot.sse.SseConnection;
import org.jspecify.annotations.Nullable;

/**
 * The presence of a node on its own: the streams it admitted, in memory, and the limits
 * checked against them. It is what {@link ClusterPresence} is for a cluster, with the
 * node as the whole cluster, so that a node on its own and a node of a cluster admit,
 * count and evict streams the same way. A check and the registration it allows are one
 * step, so two streams of one user opening at once cannot both pass the limit. Once
 * started, it tells of users coming online and going offline, and of users joining and
 * leaving channels; the copy a {@link FallbackPresence} keeps is never started, and tells
 * nothing: the cluster's presence decides those changes.
 */
public final class LocalPresence implements ClusterPresence {

	/** Every admitted stream, by connection id. */
	private final Map<String, Connection> connections = new HashMap<>();

	/** The admitted streams of each user, oldest first. */
	private final Map<String, LinkedHashMap<String, Connection>> byUser = new HashMap<>();

	/** Told of the changes of who is present, under the lock: in the order they happened. */
	private Consumer<List<PresenceChange>> changes = (changes) -> {
	};

	/**
	 * Returns {@code null}: a node on its own has no name in a cluster.
	 */
	@Override
	public @Nullable String nodeId() {
		return null;
	}

	@Override
	public synchronized void start(Supplier<Collection<Connection>> localStreams,
			Consumer<List<PresenceChange>> changes) {
		this.changes = changes;
	}

	@Override
	public synchronized void stop() {
		List<PresenceChange> changed = new ArrayList<>();
		for (Connection connection : List.copyOf(this.connections.values())) {
			remove(connection, changed);
		}
		tell(changed);
	}

	@Override
	public synchronized Admission admit(Connection connection, int maxPerUser, int maxTotal, boolean evictOldest) {
		if (maxTotal > 0 && this.connections.size() >= maxTotal) {
			return new Admission(Admission.Outcome.TOTAL_LIMIT, List.of(), Duration.ZERO);
		}
		List<String> evicted = new ArrayList<>();
		LinkedHashMap<String, Connection> streams = this.byUser.getOrDefault(connection.userId(), new LinkedHashMap<>());
		int excess = streams.size() - maxPerUser + 1;
		if (maxPerUser > 0 && excess > 0) {
			if (!evictOldest) {
				Instant firstEnd = streams.values()
					.stream()
					.map(Connection::endsAt)
					.min(Comparator.naturalOrder())
					.orElseThrow();
				return new Admission(Admission.Outcome.USER_LIMIT, List.of(),
						Duration.between(Instant.now(), firstEnd));
			}
			List<Connection> oldest = new ArrayList<>(streams.values());
			oldest.sort(Comparator.comparing(Connection::connectedAt));
			evicted.addAll(oldest.subList(0, excess).stream().map(Connection::connectionId).toList());
		}
		// Added before the evicted go: a user whose stream replaces another stays online.
		List<PresenceChange> changed = new ArrayList<>();
		add(connection, changed);
		for (String old : evicted) {
			remove(this.connections.get(old), changed);
		}
		tell(changed);
		return new Admission(Admission.Outcome.ADMITTED, evicted, Duration.ZERO);
	}

	/**
	 * Registers a stream that the cluster admitted, without checking the limits: what
	 * this node answers with while the cluster cannot.
	 * @param connection the stream
	 */
	public synchronized void add(Connection connection) {
		List<PresenceChange> changed = new ArrayList<>();
		add(connection, changed);
		tell(changed);
	}

	private void add(Connection connection, List<PresenceChange> changed) {
		LinkedHashMap<String, Connection> streams = this.byUser.computeIfAbsent(connection.userId(),
				(user) -> new LinkedHashMap<>());
		if (streams.isEmpty()) {
			changed.add(PresenceChange.online(connection.userId()));
		}
		for (String channel : connection.channels()) {
			if (!holdsChannel(streams, channel)) {
				changed.add(PresenceChange.joined(connection.userId(), channel));
			}
		}
		this.connections.put(connection.connectionId(), connection);
		streams.put(connection.connectionId(), connection);
	}

	@Override
	public synchronized void remove(Connection connection) {
		List<PresenceChange> changed = new ArrayList<>();
		remove(connection, changed);
		tell(changed);
	}

	private void remove(Connection connection, List<PresenceChange> changed) {
		if (this.connections.remove(connection.connectionId()) == null) {
			return;
		}
		LinkedHashMap<String, Connection> streams = this.byUser.get(connection.userId());
		streams.remove(connection.connectionId());
		for (String channel : connection.channels()) {
			if (!holdsChannel(streams, channel)) {
				changed.add(PresenceChange.left(connection.userId(), channel, false));
			}
		}
		if (streams.isEmpty()) {
			this.byUser.remove(connection.userId());
			changed.add(PresenceChange.offline(connection.userId(), false));
		}
	}

	private static boolean holdsChannel(Map<String, Connection> streams, String channel) {
		return streams.values().stream().anyMatch((stream) -> stream.channels().contains(channel));
	}

	private void tell(List<PresenceChange> changed) {
		if (!changed.isEmpty()) {
			this.changes.accept(changed);
		}
	}

	@Override
	public synchronized int connectionCount() {
		return this.connections.size();
	}

	@Override
	public synchronized List<SseConnection> connections(String userId) {
		LinkedHashMap<String, Connection> streams = this.byUser.get(userId);
		if (streams == null) {
			return List.of();
		}
		return streams.values()
			.stream()
			.map((stream) -> new SseConnection(stream.connectionId(), stream.userId(), stream.channels(),
					stream.connectedAt()))
			.toList();
	}

	@Override
	public synchronized boolean isOpen(String connectionId) {
		return this.connections.containsKey(connectionId);
	}

	@Override
	public synchronized Map<String, Integer> countsByUser() {
		Map<String, Integer> counts = new TreeMap<>();
		this.byUser.forEach((user, streams) -> counts.put(user, streams.size()));
		return counts;
	}

	@Override
	public synchronized Map<String, Integer> countsByChannel() {
		Map<String, Integer> counts = new TreeMap<>();
		for (Connection connection : this.connections.values()) {
			connection.channels().forEach((channel) -> counts.merge(channel, 1, Integer::sum));
		}
		return counts;
	}

}
