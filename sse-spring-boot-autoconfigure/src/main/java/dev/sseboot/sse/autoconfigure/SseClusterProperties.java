package dev.sseboot.sse.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.Assert;

/**
 * Cluster mode: several nodes of the application share their events.
 */
@ConfigurationProperties("sse.cluster")
public class SseClusterProperties {

	/**
	 * How the nodes share events: 'none' (each node on its own) or 'redis' (through a
	 * log in Redis, with spring-boot-starter-data-redis).
	 */
	private Type type = Type.NONE;

	/**
	 * How long after it was last heard of a node's streams stop counting in the
	 * cluster's presence and limits, such as after it was killed.
	 */
	private Duration nodeTimeout = Duration.ofSeconds(10);

	/**
	 * Name of this node, unique in the cluster, as 'sse-connected' and the presence
	 * show it. Defaults to the host name and a random suffix.
	 */
	private @Nullable String nodeId;

	/**
	 * Longest time each call to the cluster's store waits, whatever its client's own
	 * timeout: a send, a presence question or a stream's admission makes one, a
	 * disconnect two. Then it fails with ClusterUnavailableException (503 on the control
	 * API).
	 */
	private Duration publishTimeout = Duration.ofSeconds(1);

	/**
	 * How long a send's idempotency key is remembered: a send with the same key within
	 * it returns the first send's id and delivers nothing. Applies on a node on its own
	 * too.
	 */
	private Duration idempotencyWindow = Duration.ofMinutes(5);

	private final Redis redis = new Redis();

	public Type getType() {
		return this.type;
	}

	public void setType(Type type) {
		this.type = type;
	}

	public @Nullable String getNodeId() {
		return this.nodeId;
	}

	public void setNodeId(@Nullable String nodeId) {
		this.nodeId = nodeId;
	}

	public Duration getNodeTimeout() {
		return this.nodeTimeout;
	}

	public void setNodeTimeout(Duration nodeTimeout) {
		Assert.isTrue(nodeTimeout.toMillis() >= 250, "sse.cluster.node-timeout must be at least 250ms");
		this.nodeTimeout = nodeTimeout;
	}

	public Duration getPublishTimeout() {
		return this.publishTimeout;
	}

	public void setPublishTimeout(Duration publishTimeout) {
		Assert.isTrue(!publishTimeout.isNegative() && !publishTimeout.isZero(), "sse.cluster.publish-timeout must be positive");
		this.publishTimeout = publishTimeout;
	}

	public Duration getIdempotencyWindow() {
		return this.idempotencyWindow;
	}

	public void setIdempotencyWindow(Duration idempotencyWindow) {
		Assert.isTrue(!idempotencyWindow.isNegative() && !idempotencyWindow.isZero(),
				"sse.cluster.idempotency-window must be positive");
		this.idempotencyWindow = idempotencyWindow;
	}

	public Redis getRedis() {
		return this.redis;
	}

	/**
	 * How the nodes share events.
	 */
	public enum Type {

		/** Each node on its own. */
		NONE,

		/** Through a log in Redis. */
		REDIS

	}

	/**
	 * The cluster's log in Redis, on the application's Redis connection.
	 */
	public static class Redis {

		/**
		 * Prefix of the starter's Redis keys, so that several applications can share
		 * one Redis. It becomes the keys' hash tag: all of them live on one Redis
		 * Cluster node.
		 */
		private String keyPrefix = "sse:";

		/**
		 * How many replicas must hold an event before its send returns (Redis WAIT, for
		 * half the publish timeout): with 1 and a replica that Sentinel promotes, no
		 * event whose send returned is lost without its clients being told. 0
		 * acknowledges what the primary holds. Not on a Redis Cluster.
		 */
		private int acknowledgingReplicas;

		public int getAcknowledgingReplicas() {
			return this.acknowledgingReplicas;
		}

		public void setAcknowledgingReplicas(int acknowledgingReplicas) {
			Assert.isTrue(acknowledgingReplicas >= 0, "sse.cluster.redis.acknowledging-replicas must not be negative");
			this.acknowledgingReplicas = acknowledgingReplicas;
		}

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			Assert.isTrue(!keyPrefix.contains("{") && !keyPrefix.contains("}"),
					"sse.cluster.redis.key-prefix must not contain '{' or '}': it becomes the keys' hash tag");
			this.keyPrefix = keyPrefix;
		}

	}

}
