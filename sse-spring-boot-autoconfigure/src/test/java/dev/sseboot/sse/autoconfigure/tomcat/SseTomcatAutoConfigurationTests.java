package dev.sseboot.sse.autoconfigure.tomcat;

import dev.sseboot.sse.autoconfigure.SseTomcatAutoConfiguration;
import dev.sseboot.sse.autoconfigure.SseTomcatProperties;
import dev.sseboot.sse.web.tomcat.ConnectorBufferCustomizer;
import dev.sseboot.sse.web.tomcat.StreamConnectorCustomizer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link SseTomcatAutoConfiguration}; in a package of its own, which the Jetty
 * run of the suite leaves out with Tomcat.
 */
class SseTomcatAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseTomcatAutoConfiguration.class));

	@Test
	void bindsTheBufferSizesItReads() {
		this.runner.withPropertyValues("sse.tomcat.response-buffer-size=4KB", "sse.tomcat.socket-read-buffer-size=2KB")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ConnectorBufferCustomizer.class);
				SseTomcatProperties tomcat = context.getBean(SseTomcatProperties.class);
				assertThat(tomcat.getResponseBufferSize()).isEqualTo(DataSize.ofKilobytes(4));
				assertThat(tomcat.getSocketReadBufferSize()).isEqualTo(DataSize.ofKilobytes(2));
				assertThat(tomcat.getSocketWriteBufferSize()).isNull();
			});
	}

	@Test
	void raisesTheConnectorLimitsUnlessTuneServerIsOff() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(StreamConnectorCustomizer.class));
		this.runner.withPropertyValues("sse.connection.tune-server=false")
			.run((context) -> assertThat(context).doesNotHaveBean(StreamConnectorCustomizer.class));
	}

}
