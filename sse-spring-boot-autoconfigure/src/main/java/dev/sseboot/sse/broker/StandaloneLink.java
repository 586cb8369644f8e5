package dev.sseboot.sse.broker;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BiConsumer;

import dev.sseboot.sse.broker.Resumption.Fetched;
import dev.sseboot.sse.cluster.ClusterLog;
import dev.sseboot.sse.cluster.LogRecord;
import org.jspecify.annotations.Nullable;

/**
 * A node on its own: it orders its events itself, and every command acts on its streams
 * at once.
 */
final class StandaloneLink implements ClusterLink {

	private final EventOrder order;

	private final StreamCloser closer;

	private final IdempotentSends idempotentSends;

	StandaloneLink(EventOrder order, StreamCloser closer, Duration idempotencyWindow) {
		this.order = order;
		this.closer = closer;
		this.idempotentSends = new IdempotentSends(idempotencyWindow);
	}

	@Override
	public String publish(LogRecord event, @Nullable String idempotencyKey) {
		if (idempotencyKey != null) {
			return this.idempotentSends.send(idempotencyKey, () -> this.order.publish(event));
		}
		return this.order.publish(event);
	}

	@Override
	public int disconnectUser(String userId) {
		return this.closer.closeUser(userId, CloseReason.REVOKED);
	}

	@Override
	public boolean disconnect(String connectionId) {
		return this.closer.closeConnection(connectionId, CloseReason.REVOKED);
	}

	@Override
	public void replace(String connectionId) {
		this.closer.closeConnection(connectionId, CloseReason.REPLACED);
	}

	@Override
	public void revokeToken(String tokenId, Instant expiresAt) {
		this.closer.closeToken(tokenId);
	}

	@Override
	public void onTokenRevoked(BiConsumer<String, Instant> listener) {
		// No other node revokes tokens.
	}

	@Override
	public Fetched fetch(String lastEventId) {
		throw new IllegalStateException("A node on its own resumes from its replay buffer only");
	}

	@Override
	public void start() {
	}

	@Override
	public void stop() {
	}

	@Override
	public ClusterLog.@Nullable Status status() {
		return null;
	}

}
