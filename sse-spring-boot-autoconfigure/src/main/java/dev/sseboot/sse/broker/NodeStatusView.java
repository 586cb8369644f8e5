package dev.sseboot.sse.broker;

import java.time.Duration;
import java.util.Map;

import dev.sseboot.sse.cluster.ClusterLog;
import dev.sseboot.sse.replay.ReplayBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The node's status, read off its parts.
 */
final class NodeStatusView implements NodeStatus {

	private final NodeParts parts;

	NodeStatusView(NodeParts parts) {
		this.parts = parts;
	}

	@Override
	public boolean isRunning() {
		return this.parts.sweeper().isRunning();
	}

	@Override
	public @Nullable String nodeId() {
		return this.parts.presence().nodeId();
	}

	@Override
	public int localConnectionCount() {
		return this.parts.registry().size();
	}

	@Override
	public int userCount() {
		return this.parts.registry().userCount();
	}

	@Override
	public int channelCount() {
		return this.parts.registry().channelCount();
	}

	@Override
	public int closingCount() {
		return this.parts.closer().closingCount();
	}

	@Override
	public int writerThreads() {
		return this.parts.writer().threads();
	}

	@Override
	public int pendingWrites() {
		return this.parts.writer().pendingStreams();
	}

	@Override
	public Duration writerDelay() {
		return this.parts.writer().oldestWait();
	}

	@Override
	public boolean replayEnabled() {
		return this.parts.order().replayBuffer() != null;
	}

	@Override
	public String epoch() {
		return this.parts.order().epoch();
	}

	@Override
	public int bufferedEventCount() {
		ReplayBuffer buffer = this.parts.order().replayBuffer();
		return (buffer != null) ? buffer.size() : 0;
	}

	@Override
	public long bufferedBytes() {
		ReplayBuffer buffer = this.parts.order().replayBuffer();
		return (buffer != null) ? buffer.bytes() : 0;
	}

	@Override
	public ClusterLog.@Nullable Status clusterStatus() {
		return this.parts.link().status();
	}

	@Override
	public Map<String, Integer> connectionCountsByUser() {
		return this.parts.presence().countsByUser();
	}

	@Override
	public Map<String, Integer> connectionCountsByChannel() {
		return this.parts.presence().countsByChannel();
	}

	@Override
	public @Nullable SseStream localStream(String connectionId) {
		return this.parts.registry().byId(connectionId);
	}

}
