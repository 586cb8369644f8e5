package dev.sseboot.sse.autoconfigure;

import dev.sseboot.sse.error.SseErrorResponder;
import dev.sseboot.sse.web.jetty.JettyClientConnectionFilter;
import dev.sseboot.sse.web.jetty.JettyStreamConnectorCustomizer;
import dev.sseboot.sse.web.jetty.JettyStreamErrorCustomizer;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee11.servlet.ServletContextRequest;
import org.eclipse.jetty.server.Server;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingFilterBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of embedded Jetty for long-lived streams: a connection limit and a
 * larger accept queue unless the application sets them, the filter through which the
 * broker learns that a client closed its stream's connection, and the JSON answer to what
 * Jetty refuses on the stream path.
 */
@AutoConfiguration(after = SseAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ Server.class, ServletContextRequest.class, JettyServletWebServerFactory.class })
@ConditionalOnBooleanProperty(name = "sse.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SseProperties.class)
public final class SseJettyAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "sse.connection.tune-server", matchIfMissing = true)
	JettyStreamConnectorCustomizer sseJettyStreamConnectorCustomizer(Environment environment) {
		return new JettyStreamConnectorCustomizer(environment);
	}

	@Bean
	@ConditionalOnMissingFilterBean(JettyClientConnectionFilter.class)
	@ConditionalOnBean(SseErrorResponder.class)
	FilterRegistrationBean<JettyClientConnectionFilter> sseJettyClientConnectionFilter(SseProperties properties) {
		FilterRegistrationBean<JettyClientConnectionFilter> registration = new FilterRegistrationBean<>(
				new JettyClientConnectionFilter(properties.getHeartbeat().getInterval()));
		registration.addUrlPatterns(properties.getPath());
		registration.setOrder(JettyClientConnectionFilter.ORDER);
		registration.setDispatcherTypes(DispatcherType.REQUEST);
		return registration;
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(SseErrorResponder.class)
	JettyStreamErrorCustomizer sseJettyStreamErrorCustomizer(SseProperties properties, SseErrorResponder errors) {
		return new JettyStreamErrorCustomizer(properties.getPath(), errors);
	}

}
