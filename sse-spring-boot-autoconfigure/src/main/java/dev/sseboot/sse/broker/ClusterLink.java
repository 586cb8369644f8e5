package dev.sseboot.sse.broker;

import java.time.Instant;
import java.util.function.BiConsumer;

import dev.sseboot.sse.broker.Resumption.Fetched;
import dev.sseboot.sse.cluster.ClusterLog;
import dev.sseboot.sse.cluster.ClusterUnavailableException;
import dev.sseboot.sse.cluster.LogRecord;
import org.jspecify.annotations.Nullable;

/**
 * How the node's events and commands reach every node: on a node of its own, they act
 * here at once ({@link StandaloneLink}); in a cluster, they go through the cluster's log
 * and act on every node, this one included, when it reads them back ({@link LogLink}).
 */
sealed interface ClusterLink permits StandaloneLink, LogLink {

	/**
	 * Publishes an event to every node, unless it is a repeat of one sent with its
	 * idempotency key within the idempotency window.
	 * @param event the event, its sequence not yet set
	 * @param idempotencyKey the key, or {@code null}
	 * @return its id, or the id of the first event sent with its key
	 * @throws ClusterUnavailableException in cluster mode, when the log cannot be reached
	 */
	String publish(LogRecord event, @Nullable String idempotencyKey);

	/**
	 * Closes every stream of a user with reason {@code revoked}, on every node.
	 * @param userId the user
	 * @return how many streams were closed; in cluster mode, how many the cluster held
	 * @throws ClusterUnavailableException in cluster mode, when the other nodes could not be
	 * told (this node's streams are closed all the same)
	 */
	int disconnectUser(String userId);

	/**
	 * Closes a stream with reason {@code revoked}, wherever it is open.
	 * @param connectionId the connection id
	 * @return whether it was open
	 * @throws ClusterUnavailableException in cluster mode, when the other nodes could not be
	 * told
	 */
	boolean disconnect(String connectionId);

	/**
	 * Closes a stream that makes room for a newer one of its user, with reason
	 * {@code replaced}, wherever it is open; here at least, if the others cannot be told.
	 * @param connectionId the connection id
	 */
	void replace(String connectionId);

	/**
	 * Revokes a token on every node: each refuses it and closes its streams.
	 * @param tokenId the token's {@code jti}
	 * @param expiresAt when the token expires
	 * @throws ClusterUnavailableException in cluster mode, when the other nodes could not be
	 * told
	 */
	void revokeToken(String tokenId, Instant expiresAt);

	/**
	 * Registers what is told of every token revoked on another node, so that this node
	 * refuses it too.
	 * @param listener called with each revoked token's id and expiry
	 */
	void onTokenRevoked(BiConsumer<String, Instant> listener);

	/**
	 * Reads what the cluster's log holds after an id, for a stream that resumes from
	 * further back than this node's replay buffer reaches. Never asked on a node of its own.
	 * @param lastEventId the id
	 * @return what the log holds
	 */
	Fetched fetch(String lastEventId);

	/**
	 * Joins the other nodes.
	 */
	void start();

	/**
	 * Leaves the other nodes.
	 */
	void stop();

	/**
	 * Returns the cluster's log as this node sees it, without asking its store.
	 * @return the status, or {@code null} for a node on its own
	 */
	ClusterLog.@Nullable Status status();

}
