package dev.sseboot.benchmarks;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The Spring servers under test, on the same Boot and Tomcat (or Jetty, for the starter's
 * Jetty row): profile {@code starter}
 * streams through the starter's {@code SseBroker}; profile {@code naive} is the seed
 * pattern (a map of {@code SseEmitter}s and {@code send} in a loop). Both expose the same
 * trigger endpoints under {@code /bench} for the load driver.
 */
@SpringBootApplication
public class BenchApplication {

	public static void main(String[] args) {
		SpringApplication.run(BenchApplication.class, args);
	}

	/** The bench app on Tomcat; run.sh leaves Tomcat off the class path for the Jetty row. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.tomcat.TomcatConnectorCustomizer")
	static class TomcatConnector {

		/**
		 * Connector properties under {@code bench.connector.*} (e.g.
		 * {@code socket.appReadBufSize}), for trying Tomcat settings that Boot does not
		 * expose.
		 */
		@Bean
		TomcatConnectorCustomizer benchConnectorProperties(Environment environment) {
			Map<String, String> properties = Binder.get(environment)
				.bind("bench.connector", Bindable.mapOf(String.class, String.class))
				.orElse(Map.of());
			return (connector) -> properties.forEach(connector::setProperty);
		}

	}

	/** The trigger endpoints and the naive stream are open: the starter guards its own path. */
	@Bean
	SecurityFilterChain benchSecurityFilterChain(HttpSecurity http) throws Exception {
		return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.csrf(AbstractHttpConfigurer::disable)
			.build();
	}

}
