package dev.sseboot.sse.autoconfigure;

import java.net.InetAddress;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.broker.NodeStatus;
import dev.sseboot.sse.control.ControlRequestFilter;
import dev.sseboot.sse.control.SseControlServer;
import dev.sseboot.sse.control.jetty.JettyControlConnectorCustomizer;
import dev.sseboot.sse.control.tomcat.TomcatControlConnectorCustomizer;
import dev.sseboot.sse.diagnostics.SseConfigurationException;
import dev.sseboot.sse.error.SseErrorResponder;
import dev.sseboot.sse.security.JwtTokenIssuer;
import jakarta.servlet.DispatcherType;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingFilterBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration of the control API on its own listener ({@code sse.control.*}).
 * <p>
 * Off unless {@code sse.control.enabled=true}: the seed server always opened its control
 * port, but here the application already mints tokens and publishes in-process
 * ({@link JwtTokenIssuer}, {@link SseBroker}), so the control API only serves publishers
 * outside it. Opened by default it would let any local process, or any request forgery
 * that reaches loopback, mint tokens for every user, and the fixed port 8001 would clash
 * between two applications, or two test contexts, on one host.
 * <p>
 * The listener is a connector of the embedded Tomcat or Jetty, added by the adapter of
 * the server the application runs.
 */
@AutoConfiguration(after = { SseAutoConfiguration.class, SseSecurityAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty("sse.control.enabled")
@ConditionalOnBean({ SseBroker.class, SseErrorResponder.class })
@EnableConfigurationProperties(SseControlProperties.class)
public final class SseControlAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SseControlServer sseControlServer(SseControlProperties control) {
		boolean apiKeyRequired = StringUtils.hasText(control.getApiKey());
		InetAddress address = control.getAddress();
		if (!apiKeyRequired && !address.isLoopbackAddress()) {
			throw new SseConfigurationException("The SSE control API would listen on " + address.getHostAddress()
					+ " without an API key: anyone who reaches that address could mint tokens and send events",
					"Set sse.control.api-key, or set sse.control.address to a loopback address such as 127.0.0.1.");
		}
		return new SseControlServer(address, control.getPort(), apiKeyRequired);
	}

	@Bean
	@ConditionalOnMissingFilterBean(ControlRequestFilter.class)
	FilterRegistrationBean<ControlRequestFilter> sseControlRequestFilter(SseControlProperties control, SseBroker broker,
			ObjectProvider<NodeStatus> node, ObjectProvider<JwtTokenIssuer> tokenIssuer,
			ObjectProvider<JsonMapper> jsonMapper) {
		JsonMapper mapper = jsonMapper.getIfAvailable(() -> JsonMapper.builder().build());
		// A responder of its own: the stream endpoint's counts its refusals for the meters.
		ControlRequestFilter filter = new ControlRequestFilter(broker, node.getIfAvailable(),
				tokenIssuer.getIfAvailable(), new SseErrorResponder(mapper), mapper, control.getApiKey(),
				control.getMaxTokenTtl(), control.getMaxBodySize());
		FilterRegistrationBean<ControlRequestFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setOrder(ControlRequestFilter.ORDER);
		registration.setDispatcherTypes(DispatcherType.REQUEST);
		return registration;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(TomcatServletWebServerFactory.class)
	static class TomcatControlConnectorConfiguration {

		@Bean
		@ConditionalOnMissingBean
		TomcatControlConnectorCustomizer sseTomcatControlConnectorCustomizer(SseControlServer controlServer) {
			return new TomcatControlConnectorCustomizer(controlServer);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JettyServletWebServerFactory.class)
	static class JettyControlConnectorConfiguration {

		@Bean
		@ConditionalOnMissingBean
		JettyControlConnectorCustomizer sseJettyControlConnectorCustomizer(SseControlServer controlServer) {
			return new JettyControlConnectorCustomizer(controlServer);
		}

	}

}
