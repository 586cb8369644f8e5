package dev.sseboot.sse.autoconfigure;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.broker.BrokerMetrics;
import dev.sseboot.sse.cluster.ClusterLog;
import dev.sseboot.sse.cluster.ClusterUnavailableException;
import dev.sseboot.sse.cluster.LogRecord;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.metrics.ClusterLogGauges;
import dev.sseboot.sse.metrics.MicrometerBrokerMetrics;
import dev.sseboot.sse.metrics.SseGauges;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

class SseMetricsAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, WebMvcAutoConfiguration.class,
				SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class,
				SseAutoConfiguration.class, SseSecurityAutoConfiguration.class, SseMetricsAutoConfiguration.class))
		.withPropertyValues("sse.security.jwt.secret=" + TestTokens.SECRET);

	@Test
	void countsWhatTheBrokerDoesInTheApplicationsRegistry() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			assertThat(context).hasSingleBean(MicrometerBrokerMetrics.class).hasSingleBean(SseGauges.class);
			assertThat(context).doesNotHaveBean(ClusterLogGauges.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBean(SseGauges.class).bindTo(registry);
			context.getBean(SseBroker.class).toAll().send("tick", "1");
			assertThat(registry.get("sse.events.published").tag("target", "all").counter().count()).isEqualTo(1);
			assertThat(registry.get("sse.streams.open").gauge().value()).isZero();
		});
	}

	@Test
	void measuresTheLagOfTheApplicationsOwnClusterLog() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean(ClusterLog.class, () -> new StatusOnlyLog(new ClusterLog.Status(true, "e1", 5, 3)))
			.run((context) -> {
				assertThat(context).hasSingleBean(ClusterLogGauges.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				context.getBean(ClusterLogGauges.class).bindTo(registry);
				assertThat(registry.get("sse.cluster.lag").gauge().value()).isEqualTo(3);
			});
	}

	@Test
	void measuresNoLagForAClusterLogThatIsUnreachableOrDoesNotTell() {
		for (ClusterLog log : List.of(new StatusOnlyLog(new ClusterLog.Status(false, "e1", 5, -1)),
				new StatusOnlyLog(null))) {
			this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
				.withBean(ClusterLog.class, () -> log)
				.run((context) -> {
					MeterRegistry registry = context.getBean(MeterRegistry.class);
					context.getBean(ClusterLogGauges.class).bindTo(registry);
					assertThat(registry.get("sse.cluster.lag").gauge().value()).isNaN();
				});
		}
	}

	@Test
	void backsOffForTheApplicationsOwnBrokerMetrics() {
		List<String> published = new CopyOnWriteArrayList<>();
		BrokerMetrics own = new BrokerMetrics() {
			@Override
			public void published(Target target) {
				published.add(target.value());
			}
		};
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean(BrokerMetrics.class, () -> own)
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(MicrometerBrokerMetrics.class);
				context.getBean(SseBroker.class).toChannel("news").send("tick", "1");
				assertThat(published).containsExactly("channel");
			});
	}

	@Test
	void registersNothingWithoutARegistry() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(MicrometerBrokerMetrics.class).doesNotHaveBean(SseGauges.class);
		});
	}

	@Test
	void registersNothingWhenMetricsAreDisabled() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("sse.metrics.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(MicrometerBrokerMetrics.class).doesNotHaveBean(SseGauges.class);
				context.getBean(SseBroker.class).toAll().send("tick", "1");
				assertThat(context.getBean(MeterRegistry.class).find("sse.events.published").counters()).isEmpty();
			});
	}

	@Test
	void startsWithoutMicrometerOnTheClassPath() {
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer.core")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(SseBroker.class).doesNotHaveBean(MicrometerBrokerMetrics.class);
		});
	}

	/** A cluster log that holds nothing and tells a fixed status, or none. */
	private static final class StatusOnlyLog implements ClusterLog {

		private final @Nullable Status status;

		StatusOnlyLog(@Nullable Status status) {
			this.status = status;
		}

		@Override
		public void start(Reader reader) {
		}

		@Override
		public void stop() {
		}

		@Override
		public String append(LogRecord record, @Nullable String idempotencyKey) {
			throw new ClusterUnavailableException("This log takes no records");
		}

		@Override
		public Tail readAfter(long sequence) {
			return new Tail(List.of(), true, 0);
		}

		@Override
		public Map<String, Instant> revokedTokens() {
			return Map.of();
		}

		@Override
		public long lastSequence() {
			return 0;
		}

		@Override
		public Status status() {
			return (this.status != null) ? this.status : ClusterLog.super.status();
		}

	}

}
