package dev.sseboot.sse.autoconfigure;

import dev.sseboot.sse.cluster.redis.RedisClusterHealthIndicator;
import dev.sseboot.sse.cluster.redis.RedisClusterLog;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the health of cluster mode on Redis, as the {@code sse} health
 * contributor, when the application has Spring Boot's health support.
 */
@AutoConfiguration(after = SseRedisClusterAutoConfiguration.class)
@ConditionalOnClass({ AbstractHealthIndicator.class, RedisClusterLog.class })
@ConditionalOnBean(RedisClusterLog.class)
@ConditionalOnEnabledHealthIndicator("sse")
public final class SseRedisClusterHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "sseHealthIndicator")
	RedisClusterHealthIndicator sseHealthIndicator(RedisClusterLog log) {
		return new RedisClusterHealthIndicator(log);
	}

}
