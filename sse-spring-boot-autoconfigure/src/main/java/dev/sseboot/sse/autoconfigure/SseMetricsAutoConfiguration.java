package dev.sseboot.sse.autoconfigure;

import dev.sseboot.sse.broker.BrokerMetrics;
import dev.sseboot.sse.broker.LocalSseBroker;
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
@ConditionalOnBean({ MeterRegistry.class, LocalSseBroker.class })
@ConditionalOnBooleanProperty(name = "sse.metrics.enabled", matchIfMissing = true)
public final class SseMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(BrokerMetrics.class)
	MicrometerBrokerMetrics sseBrokerMetrics(MeterRegistry registry, SseProperties properties) {
		return new MicrometerBrokerMetrics(registry, properties.getCluster().getType() == SseProperties.Cluster.Type.REDIS);
	}

	@Bean
	@ConditionalOnMissingBean
	SseGauges sseGauges(LocalSseBroker broker) {
		return new SseGauges(broker);
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
