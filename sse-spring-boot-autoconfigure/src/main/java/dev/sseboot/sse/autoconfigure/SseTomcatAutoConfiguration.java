package dev.sseboot.sse.autoconfigure;

import dev.sseboot.sse.error.SseErrorResponder;
import dev.sseboot.sse.web.tomcat.ConnectorBufferCustomizer;
import dev.sseboot.sse.web.tomcat.StreamConnectorCustomizer;
import dev.sseboot.sse.web.tomcat.StreamValveCustomizer;
import dev.sseboot.sse.web.tomcat.TomcatRuntimeHints;
import org.apache.catalina.startup.Tomcat;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of embedded Tomcat for long-lived streams: a higher connection limit
 * and accept queue unless the application sets them, the buffer sizes the application
 * chooses ({@code sse.tomcat.*}), and the valves through which the broker learns that a
 * client closed its stream's connection.
 */
@AutoConfiguration(after = SseAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ Tomcat.class, ConfigurableTomcatWebServerFactory.class })
@ConditionalOnBooleanProperty(name = "sse.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ SseProperties.class, SseTomcatProperties.class })
@ImportRuntimeHints(TomcatRuntimeHints.class)
public final class SseTomcatAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "sse.connection.tune-server", matchIfMissing = true)
	StreamConnectorCustomizer sseStreamConnectorCustomizer(Environment environment) {
		return new StreamConnectorCustomizer(environment);
	}

	@Bean
	@ConditionalOnMissingBean
	ConnectorBufferCustomizer sseConnectorBufferCustomizer(SseTomcatProperties tomcat) {
		return new ConnectorBufferCustomizer(tomcat.getResponseBufferSize(), tomcat.getSocketReadBufferSize(),
				tomcat.getSocketWriteBufferSize());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(SseErrorResponder.class)
	StreamValveCustomizer sseStreamValveCustomizer(SseProperties properties, SseErrorResponder errors) {
		return new StreamValveCustomizer(properties.getPath(), errors);
	}

}
