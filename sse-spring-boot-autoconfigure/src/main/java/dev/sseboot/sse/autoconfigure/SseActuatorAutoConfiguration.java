package dev.sseboot.sse.autoconfigure;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.actuate.SseEndpoint;
import dev.sseboot.sse.actuate.SseHealthIndicator;
import dev.sseboot.sse.broker.NodeStatus;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the {@code sse} actuator endpoint and the {@code sse} health
 * contributor, when the application has Spring Boot's actuator. Exposing and securing
 * them is the application's, as for every actuator endpoint.
 */
@AutoConfiguration(after = { SseAutoConfiguration.class, SseRedisClusterAutoConfiguration.class })
@ConditionalOnBean(NodeStatus.class)
public final class SseActuatorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	@ConditionalOnAvailableEndpoint(SseEndpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SseEndpoint sseEndpoint(SseBroker broker, NodeStatus node) {
			return new SseEndpoint(broker, node);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(AbstractHealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("sse")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "sseHealthIndicator")
		SseHealthIndicator sseHealthIndicator(NodeStatus node) {
			return new SseHealthIndicator(node);
		}

	}

}
