package dev.sseboot.sse.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.sseboot.sse.SseConnection;
import org.jspecify.annotations.Nullable;

/**
 * Who is connected to which node of a cluster: presence for the whole cluster, and the
 * connection limits it enforces. Each node registers its streams and keeps itself known;
 * a node that stops doing so (killed) stops counting after a time.
 */
public interface ClusterPresence {

	/**
	 * Returns the name of this node in the cluster.
	 * @return the node's name, unique in the cluster, or {@code null} for a node on its own
	 */
	@Nullable String nodeId();

	/**
	 * Joins the cluster and keeps this node known until {@link #stop()}.
	 * @param localStreams this node's open streams, registered again whenever the
	 * cluster lost them (a store that restarted, or this node taken for dead)
	 * @param changes told of each change of who is present that this presence decided
	 * (users online and offline; users joining and leaving channels, unless the presence
	 * announces those to the channels itself), in the order it decided them; never told of
	 * a change that another node's presence decided
	 */
	void start(Supplier<Collection<Connection>> localStreams, Consumer<List<PresenceChange>> changes);

	/**
	 * Stops keeping this node known, and removes its streams: their users' changes are
	 * told before it returns.
	 */
	void stop();

	/**
	 * Registers a stream if the cluster's limits allow it.
	 * @param connection the stream
	 * @param maxPerUser how many streams a user may hold in the cluster, 0 for no limit
	 * @param maxTotal how many streams the cluster holds, 0 for no limit
	 * @param evictOldest whether a user's oldest streams make room for the new one rather
	 * than the new one being refused
	 * @return whether it was registered, and which streams (on any node) must close to
	 * make room for it
	 * @throws ClusterUnavailableException when the cluster's store cannot be reached
	 */
	Admission admit(Connection connection, int maxPerUser, int maxTotal, boolean evictOldest);

	/**
	 * Removes a stream. Does not wait for the store.
	 * @param connection the stream
	 */
	void remove(Connection connection);

	/**
	 * Returns the number of open streams in the cluster.
	 * @return the number of streams
	 * @throws ClusterUnavailableException when the cluster's store cannot be reached
	 */
	int connectionCount();

	/**
	 * Returns the open streams of a user in the cluster.
	 * @param userId the user
	 * @return the streams
	 * @throws ClusterUnavailableException when the cluster's store cannot be reached
	 */
	List<SseConnection> connections(String userId);

	/**
	 * Returns whether a stream is open somewhere in the cluster.
	 * @param connectionId the connection id
	 * @return whether it is open
	 * @throws ClusterUnavailableException when the cluster's store cannot be reached
	 */
	boolean isOpen(String connectionId);

	/**
	 * Returns how many streams each user holds in the cluster.
	 * @return the counts, by user
	 * @throws ClusterUnavailableException when the cluster's store cannot be reached
	 */
	Map<String, Integer> countsByUser();

	/**
	 * Returns how many streams are subscribed to each channel in the cluster.
	 * @return the counts, by channel
	 * @throws ClusterUnavailableException when the cluster's store cannot be reached
	 */
	Map<String, Integer> countsByChannel();

	/**
	 * A stream as the cluster knows it.
	 * @param connectionId its connection id
	 * @param userId its user
	 * @param channels its channels
	 * @param connectedAt when it opened
	 * @param endsAt when it is due to end, by its lifetime or its token's expiry
	 */
	record Connection(String connectionId, String userId, Set<String> channels, Instant connectedAt, Instant endsAt) {
	}

	/**
	 * What became of a stream the cluster was asked to admit.
	 * @param outcome whether it was admitted, or which limit refused it
	 * @param evicted the connection ids of the streams that must close to make room
	 * @param retryAfter for a refused stream, the time until a stream that takes up the
	 * limit is due to end
	 */
	record Admission(Outcome outcome, List<String> evicted, Duration retryAfter) {

		/** What became of the stream. */
		public enum Outcome {

			/** Registered. */
			ADMITTED,

			/** Refused: its user holds the most streams allowed. */
			USER_LIMIT,

			/** Refused: the cluster holds the most streams allowed. */
			TOTAL_LIMIT

		}

	}

}
