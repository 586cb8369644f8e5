package dev.sseboot.sse.broker;

import java.time.Duration;
import java.util.Map;

import dev.sseboot.sse.cluster.ClusterLog;
import org.jspecify.annotations.Nullable;

/**
 * What a node tells about itself, for the actuator endpoint, health, meters and the
 * control API: a read-only view that never changes the node, and never waits on the
 * cluster's store unless it says so.
 */
public interface NodeStatus {

	/**
	 * Returns whether the node runs: it takes streams and looks after them.
	 * @return whether it runs
	 */
	boolean isRunning();

	/**
	 * Returns the id of this node in the cluster.
	 * @return the node id, or {@code null} for a node on its own
	 */
	@Nullable String nodeId();

	/**
	 * Returns the number of streams open on this node, in cluster mode too.
	 * @return the number of streams
	 */
	int localConnectionCount();

	/**
	 * Returns the number of distinct users with an open stream on this node.
	 * @return the number of users
	 */
	int userCount();

	/**
	 * Returns the number of channels with at least one stream subscribed on this node.
	 * @return the number of channels
	 */
	int channelCount();

	/**
	 * Returns the number of streams closed by the server whose last frame is not yet
	 * written.
	 * @return the number of closing streams
	 */
	int closingCount();

	/**
	 * Returns the number of threads writing to streams.
	 * @return the number of threads
	 */
	int writerThreads();

	/**
	 * Returns how many streams wait for a writer thread, or are being written.
	 * @return the number of streams
	 */
	int pendingWrites();

	/**
	 * Returns how long the oldest streams waiting for a writer thread have waited: a
	 * writer pool that keeps up answers in milliseconds.
	 * @return the wait
	 */
	Duration writerDelay();

	/**
	 * Returns whether the node keeps events for replay.
	 * @return whether replay is on
	 */
	boolean replayEnabled();

	/**
	 * Returns the epoch of the node's event ids: its own, or the cluster log's.
	 * @return the epoch, empty before a node of a cluster joined the log
	 */
	String epoch();

	/**
	 * Returns the number of events the replay buffer holds.
	 * @return the number of events, 0 without replay
	 */
	int bufferedEventCount();

	/**
	 * Returns the number of bytes of frames the replay buffer holds.
	 * @return the number of bytes, 0 without replay
	 */
	long bufferedBytes();

	/**
	 * Returns the cluster's log as this node sees it, without asking its store.
	 * @return the status, or {@code null} for a node on its own
	 */
	ClusterLog.@Nullable Status clusterStatus();

	/**
	 * Returns how many streams each connected user holds: in the cluster, or on this node
	 * on its own or while the cluster's store cannot be reached. May ask the store.
	 * @return a snapshot, sorted by user id
	 */
	Map<String, Integer> connectionCountsByUser();

	/**
	 * Returns how many streams are subscribed to each channel, as
	 * {@link #connectionCountsByUser()} counts them.
	 * @return a snapshot, sorted by channel name
	 */
	Map<String, Integer> connectionCountsByChannel();

	/**
	 * Returns a stream open on this node.
	 * @param connectionId its connection id
	 * @return the stream, or {@code null} if it is not open here
	 */
	@Nullable SseStream localStream(String connectionId);

}
