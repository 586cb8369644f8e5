package dev.sseboot.sse.autoconfigure;

import dev.sseboot.sse.broker.BrokerMetrics;
import dev.sseboot.sse.broker.NodeStatus;
import dev.sseboot.sse.cluster.ClusterLog;
import dev.sseboot.sse.metrics.ClusterLogGauges;
import dev.sseboot.sse.metrics.MicrometerBrokerMetrics;
import dev.sseboot.sse.metrics.SseGauges;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the starter's Micrometer meters, when the application has a
 * {@link MeterRegistry} (Spring Boot's actuator) and {@code sse.metrics.enabled} is not
 * {@code false}. The broker picks the counters up when it is created; the gauges read it.
 */
@AutoConfiguration(after = { SseAutoConfiguration.class, SseRedisClusterAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, NodeStatus.class })
@ConditionalOnBooleanProperty(name = "sse.metrics.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SseClusterProperties.class)
public final class SseMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(BrokerMetrics.class)
	MicrometerBrokerMetrics sseBrokerMetrics(MeterRegistry registry, SseClusterProperties clusterProperties) {
		return new MicrometerBrokerMetrics(registry, clusterProperties.getType() == SseClusterProperties.Type.REDIS);
	}

	@Bean
	@ConditionalOnMissingBean
	SseGauges sseGauges(NodeStatus node) {
		return new SseGauges(node);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnSingleCandidate(ClusterLog.class)
	static class ClusterLogMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ClusterLogGauges sseClusterLogGauges(ClusterLog log) {
			return new ClusterLogGauges(log);
		}

	}

}
