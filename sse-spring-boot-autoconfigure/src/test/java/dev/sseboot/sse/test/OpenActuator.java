package dev.sseboot.sse.test;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * An application's chain that lets anyone read its actuator endpoints: tests only.
 */
@Configuration(proxyBeanMethods = false)
public class OpenActuator {

	@Bean
	SecurityFilterChain actuatorChain(HttpSecurity http) throws Exception {
		return http.securityMatcher("/actuator/**")
			.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.csrf((csrf) -> csrf.disable())
			.build();
	}

}
