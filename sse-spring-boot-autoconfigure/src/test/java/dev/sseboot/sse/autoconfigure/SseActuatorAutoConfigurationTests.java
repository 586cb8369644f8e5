package dev.sseboot.sse.autoconfigure;

import dev.sseboot.sse.actuate.SseEndpoint;
import dev.sseboot.sse.actuate.SseHealthIndicator;
import dev.sseboot.sse.fixtures.TestTokens;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

class SseActuatorAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, WebMvcAutoConfiguration.class,
				SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class,
				SseAutoConfiguration.class, SseSecurityAutoConfiguration.class, SseActuatorAutoConfiguration.class))
		.withPropertyValues("sse.security.jwt.secret=" + TestTokens.SECRET);

	@Test
	void createsTheEndpointWhenExposedAndTheHealthIndicator() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=sse").run((context) -> {
			assertThat(context).hasSingleBean(SseEndpoint.class);
			assertThat(context).getBean("sseHealthIndicator").isInstanceOf(SseHealthIndicator.class);
			assertThat(context.getBean(SseHealthIndicator.class).health(true).getStatus()).isEqualTo(Status.UP);
			assertThat(context.getBean(SseEndpoint.class).summary().streams()).isZero();
		});
	}

	@Test
	void leavesTheEndpointOutUntilExposed() {
		this.runner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(SseEndpoint.class)
			.hasSingleBean(SseHealthIndicator.class));
	}

	@Test
	void leavesTheHealthIndicatorOutWhenTurnedOff() {
		this.runner.withPropertyValues("management.health.sse.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SseHealthIndicator.class));
	}

	@Test
	void startsWithoutActuatorOnTheClassPath() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=sse")
			.withClassLoader(new FilteredClassLoader(Endpoint.class, AbstractHealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(SseEndpoint.class)
				.doesNotHaveBean("sseHealthIndicator"));
	}

}
