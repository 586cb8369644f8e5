package dev.sseboot.sse.autoconfigure.jetty;

import dev.sseboot.sse.autoconfigure.SseJettyAutoConfiguration;
import dev.sseboot.sse.web.jetty.JettyStreamConnectorCustomizer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link SseJettyAutoConfiguration}; in a package of its own, which the Tomcat
 * run of the suite leaves out with Jetty.
 */
class SseJettyAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseJettyAutoConfiguration.class));

	@Test
	void raisesTheConnectorLimitsUnlessTuneServerIsOff() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(JettyStreamConnectorCustomizer.class));
		this.runner.withPropertyValues("sse.connection.tune-server=false")
			.run((context) -> assertThat(context).doesNotHaveBean(JettyStreamConnectorCustomizer.class));
	}

}
