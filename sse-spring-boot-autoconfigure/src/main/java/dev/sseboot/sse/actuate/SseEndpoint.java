package dev.sseboot.sse.actuate;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.SseConnection;
import dev.sseboot.sse.broker.NodeStatus;
import dev.sseboot.sse.broker.SseStream;
import dev.sseboot.sse.cluster.ClusterLog;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code sse} actuator endpoint: the streams the broker holds, a user's connections,
 * and disconnecting a user. In cluster mode the totals, the top lists and a user's
 * connections are the cluster's; the rest is this node's. It never shows a token.
 */
@Endpoint(id = "sse")
public class SseEndpoint {

	/** How many channels and users the summary lists. */
	static final int TOP = 10;

	private final SseBroker broker;

	private final NodeStatus node;

	public SseEndpoint(SseBroker broker, NodeStatus node) {
		this.broker = broker;
		this.node = node;
	}

	/**
	 * Returns the totals, the channels and users with the most streams, and this node's
	 * writer and replay state.
	 * @return the summary
	 */
	@ReadOperation
	public Summary summary() {
		Map<String, Integer> byUser = this.node.connectionCountsByUser();
		Map<String, Integer> byChannel = this.node.connectionCountsByChannel();
		Node node = new Node(this.node.nodeId(), this.node.localConnectionCount(), this.node.userCount(),
				this.node.channelCount(), this.node.closingCount(),
				new Writer(this.node.writerThreads(), this.node.pendingWrites(), this.node.writerDelay().toMillis()),
				new Replay(this.node.replayEnabled(), this.node.epoch(), this.node.bufferedEventCount(),
						this.node.bufferedBytes()),
				this.node.clusterStatus());
		return new Summary(this.broker.connectionCount(), byUser.size(), byChannel.size(),
				this.node.bufferedEventCount(), this.node.closingCount(), top(byChannel), top(byUser), node);
	}

	/**
	 * Returns a user's open connections. Those on this node show the client's address
	 * and the id of the last event written to them.
	 * @param userId the user
	 * @return the connections
	 */
	@ReadOperation
	public UserConnections user(@Selector String userId) {
		List<Connection> connections = this.broker.connections(userId)
			.stream()
			.sorted(Comparator.comparing(SseConnection::connectedAt))
			.map(this::connection)
			.toList();
		return new UserConnections(userId, connections);
	}

	/**
	 * Closes every stream of a user, on every node, with reason {@code revoked}.
	 * @param userId the user
	 * @return how many streams were closed
	 */
	@DeleteOperation
	public Disconnected disconnect(@Selector String userId) {
		return new Disconnected(userId, this.broker.disconnectUser(userId));
	}

	private Connection connection(SseConnection connection) {
		SseStream stream = this.node.localStream(connection.connectionId());
		if (stream == null) {
			return new Connection(connection.connectionId(), connection.channels(), connection.connectedAt(), false,
					null, null);
		}
		return new Connection(stream.id(), stream.channels(), stream.connectedAt(), true, stream.remoteAddress(),
				stream.lastWrittenEventId());
	}

	private static List<Count> top(Map<String, Integer> counts) {
		return counts.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
			.limit(TOP)
			.map((entry) -> new Count(entry.getKey(), entry.getValue()))
			.toList();
	}

	/**
	 * What {@code GET /actuator/sse} answers.
	 * @param streams open streams; the cluster's in cluster mode
	 * @param users users with an open stream; the cluster's in cluster mode
	 * @param channels channels with a subscribed stream; the cluster's in cluster mode
	 * @param bufferedEvents events this node keeps for replay
	 * @param closingStreams streams of this node closed by the server whose last frame is
	 * not written yet
	 * @param topChannels the channels with the most streams, at most ten
	 * @param topUsers the users with the most streams, at most ten
	 * @param node this node's state
	 */
	public record Summary(int streams, int users, int channels, int bufferedEvents, int closingStreams,
			List<Count> topChannels, List<Count> topUsers, Node node) {
	}

	/**
	 * A channel or a user, with its number of streams.
	 * @param name the channel or user
	 * @param streams its streams
	 */
	public record Count(String name, int streams) {
	}

	/**
	 * One node's state.
	 * @param id the node's id in the cluster, {@code null} for a node on its own
	 * @param streams streams open on this node
	 * @param users users with a stream on this node
	 * @param channels channels with a stream on this node
	 * @param closingStreams streams closing on this node
	 * @param writer its writer threads
	 * @param replay its replay buffer
	 * @param cluster the cluster's log as this node sees it, {@code null} for a node on its
	 * own
	 */
	public record Node(@Nullable String id, int streams, int users, int channels, int closingStreams, Writer writer,
			Replay replay, ClusterLog.@Nullable Status cluster) {
	}

	/**
	 * The writer threads' state.
	 * @param threads how many there are
	 * @param pendingStreams streams waiting for one or being written
	 * @param oldestWaitMillis how long the oldest waiting streams have waited
	 */
	public record Writer(int threads, int pendingStreams, long oldestWaitMillis) {
	}

	/**
	 * The replay buffer's state.
	 * @param enabled whether events are kept for replay
	 * @param epoch the epoch of event ids
	 * @param events events kept
	 * @param bytes bytes of frames kept
	 */
	public record Replay(boolean enabled, String epoch, int events, long bytes) {
	}

	/**
	 * What {@code GET /actuator/sse/{userId}} answers.
	 * @param userId the user
	 * @param connections the user's open connections, oldest first
	 */
	public record UserConnections(String userId, List<Connection> connections) {
	}

	/**
	 * One open connection.
	 * @param connectionId the id announced in its {@code sse-connected} event
	 * @param channels its channels
	 * @param connectedAt when it opened
	 * @param local whether it is open on this node
	 * @param remoteAddress the client's address, for a connection on this node
	 * @param lastEventId the id of the last event written to it, for a connection on this
	 * node
	 */
	public record Connection(String connectionId, Set<String> channels, Instant connectedAt, boolean local,
			@Nullable String remoteAddress, @Nullable String lastEventId) {
	}

	/**
	 * What {@code DELETE /actuator/sse/{userId}} answers.
	 * @param userId the user
	 * @param closed how many streams were closed; the cluster's in cluster mode
	 */
	public record Disconnected(String userId, int closed) {
	}

}
