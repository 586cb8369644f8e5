package dev.sseboot.sse.autoconfigure;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import dev.sseboot.sse.cluster.ClusterLog;
import dev.sseboot.sse.cluster.ClusterPresence;
import dev.sseboot.sse.cluster.redis.RedisClusterLog;
import dev.sseboot.sse.cluster.redis.RedisDeliveryTracker;
import dev.sseboot.sse.cluster.redis.RedisPresence;
import dev.sseboot.sse.replay.DeliveryTracker;
import dev.sseboot.sse.diagnostics.SseConfigurationException;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Auto-configuration of cluster mode on Redis ({@code sse.cluster.type=redis}): the log
 * the nodes share, on the application's own Redis connection ({@code spring.data.redis.*}).
 * Without the property nothing of it is created.
 */
@AutoConfiguration(before = SseAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnBooleanProperty(name = "sse.enabled", matchIfMissing = true)
@ConditionalOnProperty(name = "sse.cluster.type", havingValue = "redis")
@EnableConfigurationProperties({ SseProperties.class, SseClusterProperties.class })
public final class SseRedisClusterAutoConfiguration {

	/** Longest wait of one read of the log: the node notices a quiet log's new epoch within it. */
	private static final Duration MAX_READ_BLOCK = Duration.ofSeconds(1);

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(RedisConnectionFactory.class)
	static class RedisLogConfiguration {

		@Bean
		@ConditionalOnMissingBean(ClusterLog.class)
		RedisClusterLog sseClusterLog(RedisConnectionFactory connectionFactory, SseProperties properties,
				SseClusterProperties clusterProperties, ObjectProvider<DataRedisProperties> redisProperties) {
			int replicas = clusterProperties.getRedis().getAcknowledgingReplicas();
			if (replicas > 0 && isRedisCluster(redisProperties.getIfAvailable())) {
				throw new SseConfigurationException(
						"sse.cluster.redis.acknowledging-replicas=" + replicas + " with a Redis Cluster",
						"Use a primary with replicas (standalone or Sentinel) for acknowledged sends, or set "
								+ "sse.cluster.redis.acknowledging-replicas=0: on a Redis Cluster, the starter cannot "
								+ "send WAIT to the shard of its keys.");
			}
			return new RedisClusterLog(connectionFactory, clusterProperties.getRedis().getKeyPrefix(),
					properties.getReplay().getMaxEvents(), properties.getReplay().getTtl(),
					readBlock(redisProperties.getIfAvailable()), clusterProperties.getPublishTimeout(),
					clusterProperties.getIdempotencyWindow(), clusterProperties.getRedis().getAcknowledgingReplicas(),
					SseAutoConfiguration.channelOptions(properties.getChannels())::keepsLatest);
		}

		@Bean
		@ConditionalOnMissingBean(ClusterPresence.class)
		RedisPresence sseClusterPresence(RedisConnectionFactory connectionFactory, SseProperties sseProperties,
				SseClusterProperties properties) {
			String nodeId = properties.getNodeId();
			return new RedisPresence(connectionFactory, properties.getRedis().getKeyPrefix(),
					(nodeId != null) ? nodeId : defaultNodeId(), properties.getNodeTimeout(),
					properties.getPublishTimeout(),
					SseAutoConfiguration.channelOptions(sseProperties.getChannels())::announcesPresence);
		}

		/** The host's name and a random suffix: unique, and readable in presence and logs. */
		private static String defaultNodeId() {
			String host;
			try {
				host = InetAddress.getLocalHost().getHostName();
			}
			catch (UnknownHostException ex) {
				host = "node";
			}
			return host + "-" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
		}

		@Bean
		@ConditionalOnMissingBean(DeliveryTracker.class)
		@ConditionalOnBooleanProperty("sse.replay.track-clients")
		RedisDeliveryTracker sseDeliveryTracker(RedisConnectionFactory connectionFactory, SseProperties properties,
				SseClusterProperties clusterProperties) {
			return new RedisDeliveryTracker(connectionFactory, clusterProperties.getRedis().getKeyPrefix(),
					properties.getReplay().getTtl());
		}

		private static boolean isRedisCluster(@Nullable DataRedisProperties redisProperties) {
			return redisProperties != null && redisProperties.getCluster() != null
					&& redisProperties.getCluster().getNodes() != null
					&& !redisProperties.getCluster().getNodes().isEmpty();
		}

		/** A blocking read must end well within the Redis command timeout. */
		private static Duration readBlock(DataRedisProperties redisProperties) {
			Duration timeout = (redisProperties != null) ? redisProperties.getTimeout() : null;
			return (timeout != null && timeout.dividedBy(2).compareTo(MAX_READ_BLOCK) < 0) ? timeout.dividedBy(2)
					: MAX_READ_BLOCK;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("org.springframework.data.redis.connection.RedisConnectionFactory")
	static class MissingRedisConfiguration {

		MissingRedisConfiguration() {
			throw new SseConfigurationException("sse.cluster.type=redis, but Spring Data Redis is not on the class path",
					"Add org.springframework.boot:spring-boot-starter-data-redis to the application's dependencies "
							+ "and point spring.data.redis.* at your Redis, or set sse.cluster.type=none.");
		}

	}

}
