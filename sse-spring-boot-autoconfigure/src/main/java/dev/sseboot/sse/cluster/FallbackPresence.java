package dev.sseboot.sse.cluster;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.sseboot.sse.SseConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The presence of a node of a cluster that answers for itself while the cluster's store
 * cannot be reached: it admits streams by this node's limits, and counts this node's
 * streams. It keeps this node's streams in a {@link LocalPresence} beside the cluster's,
 * so that it has them when the store goes away.
 */
public final class FallbackPresence implements ClusterPresence {

	private static final Log logger = LogFactory.getLog(FallbackPresence.class);

	private final ClusterPresence cluster;

	private final LocalPresence local = new LocalPresence();

	/**
	 * Creates the presence.
	 * @param cluster the cluster's presence
	 */
	public FallbackPresence(ClusterPresence cluster) {
		this.cluster = cluster;
	}

	@Override
	public @Nullable String nodeId() {
		return this.cluster.nodeId();
	}

	/**
	 * Starts the cluster's presence, which alone tells of changes of who is present: what
	 * this node admits while the store is unreachable counts once it is registered again.
	 */
	@Override
	public void start(Supplier<Collection<Connection>> localStreams, Consumer<List<PresenceChange>> changes) {
		this.cluster.start(localStreams, changes);
	}

	@Override
	public void stop() {
		this.cluster.stop();
		this.local.stop();
	}

	/**
	 * Admits a stream by the cluster's limits, or while its store is unreachable, by this
	 * node's.
	 */
	@Override
	public Admission admit(Connection connection, int maxPerUser, int maxTotal, boolean evictOldest) {
		Admission admission;
		try {
			admission = this.cluster.admit(connection, maxPerUser, maxTotal, evictOldest);
		}
		catch (ClusterUnavailableException ex) {
			logger.debug("Admitting " + connection.connectionId() + " by this node's limits: " + ex.getMessage());
			return this.local.admit(connection, maxPerUser, maxTotal, evictOldest);
		}
		if (admission.outcome() == Admission.Outcome.ADMITTED) {
			this.local.add(connection);
		}
		return admission;
	}

	@Override
	public void remove(Connection connection) {
		this.local.remove(connection);
		this.cluster.remove(connection);
	}

	@Override
	public int connectionCount() {
		return ask(ClusterPresence::connectionCount);
	}

	@Override
	public List<SseConnection> connections(String userId) {
		return ask((presence) -> presence.connections(userId));
	}

	@Override
	public boolean isOpen(String connectionId) {
		return ask((presence) -> presence.isOpen(connectionId));
	}

	@Override
	public Map<String, Integer> countsByUser() {
		return ask(ClusterPresence::countsByUser);
	}

	@Override
	public Map<String, Integer> countsByChannel() {
		return ask(ClusterPresence::countsByChannel);
	}

	/** Answers for the whole cluster, or during an outage of its store, for this node. */
	private <T> T ask(Function<ClusterPresence, T> question) {
		try {
			return question.apply(this.cluster);
		}
		catch (ClusterUnavailableException ex) {
			logger.debug("Answering for this node only: " + ex.getMessage());
			return question.apply(this.local);
		}
	}

}
