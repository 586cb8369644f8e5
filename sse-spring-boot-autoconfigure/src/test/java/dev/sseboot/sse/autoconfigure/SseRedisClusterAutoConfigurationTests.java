package dev.sseboot.sse.autoconfigure;

import dev.sseboot.sse.actuate.SseHealthIndicator;
import dev.sseboot.sse.broker.NodeBroker;
import dev.sseboot.sse.cluster.ClusterLog;
import dev.sseboot.sse.cluster.ClusterPresence;
import dev.sseboot.sse.cluster.redis.RedisClusterLog;
import dev.sseboot.sse.cluster.redis.RedisDeliveryTracker;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.replay.DeliveryTracker;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

class SseRedisClusterAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, WebMvcAutoConfiguration.class,
				SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class,
				DataRedisAutoConfiguration.class, SseRedisClusterAutoConfiguration.class,
				SseActuatorAutoConfiguration.class, SseAutoConfiguration.class,
				SseSecurityAutoConfiguration.class))
		.withPropertyValues("sse.security.jwt.secret=" + TestTokens.SECRET);

	@Test
	void createsNothingForTheClusterByDefaultEvenWithRedisAround() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(ClusterLog.class);
			assertThat(context).hasSingleBean(NodeBroker.class);
		});
	}

	@Test
	void startsAsBeforeWithoutSpringDataRedis() {
		this.runner.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(ClusterLog.class);
			assertThat(context).hasSingleBean(NodeBroker.class);
		});
	}

	@Test
	void createsTheRedisLogPresenceAndHealthInClusterMode() {
		this.runner.withPropertyValues("sse.cluster.type=redis", "spring.data.redis.port=1").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(RedisClusterLog.class);
			assertThat(context).hasSingleBean(ClusterPresence.class);
			assertThat(context).getBean("sseHealthIndicator").isInstanceOf(SseHealthIndicator.class);
			assertThat(context).doesNotHaveBean(DeliveryTracker.class);
		});
	}

	@Test
	void refusesAcknowledgingReplicasOnARedisCluster() {
		this.runner
			.withPropertyValues("sse.cluster.type=redis", "spring.data.redis.cluster.nodes=127.0.0.1:1",
					"sse.cluster.redis.acknowledging-replicas=1")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("acknowledging-replicas=1 with a Redis Cluster"));
	}

	@Test
	void tracksClientsInRedisWhenAsked() {
		this.runner.withPropertyValues("sse.cluster.type=redis", "spring.data.redis.port=1", "sse.replay.track-clients=true")
			.run((context) -> assertThat(context).getBean(DeliveryTracker.class).isInstanceOf(RedisDeliveryTracker.class));
	}

	@Test
	void leavesHealthOutWithoutSpringBootHealthOrWhenTurnedOff() {
		this.runner.withPropertyValues("sse.cluster.type=redis", "spring.data.redis.port=1")
			.withClassLoader(new FilteredClassLoader(AbstractHealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("sseHealthIndicator"));
		this.runner.withPropertyValues("sse.cluster.type=redis", "spring.data.redis.port=1",
				"management.health.sse.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("sseHealthIndicator"));
	}

	@Test
	void backsOffWhenTheApplicationDeclaresItsOwnLog() {
		this.runner.withPropertyValues("sse.cluster.type=redis")
			.withBean("myLog", ClusterLog.class, () -> new RedisClusterLog(
					new org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory(), "mine:", 10,
					java.time.Duration.ofMinutes(1),
					java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(1), java.time.Duration.ofMinutes(5), 0,
					(channel) -> false))
			.run((context) -> assertThat(context).getBeanNames(ClusterLog.class).containsExactly("myLog"));
	}

	@Test
	void failsToStartInClusterModeWithoutSpringDataRedis() {
		this.runner.withPropertyValues("sse.cluster.type=redis")
			.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("sse.cluster.type=redis, but Spring Data Redis is not on the class path"));
	}

	@Test
	void rejectsAKeyPrefixWithABrace() {
		this.runner.withPropertyValues("sse.cluster.type=redis", "sse.cluster.redis.key-prefix={app}")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("must not contain '{' or '}'"));
	}

}
