package dev.sseboot.sample;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.SecurityFilterChain;

/**
 * DEMO ONLY: the page and the demo login are open to anyone. A real application keeps its
 * own security here; the starter's chain protects the stream path whatever this says.
 */
@Configuration(proxyBeanMethods = false)
class DemoSecurityConfiguration {

	@Bean
	SecurityFilterChain demoSecurityFilterChain(HttpSecurity http) throws Exception {
		return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.csrf(AbstractHttpConfigurer::disable)
			.build();
	}

}
