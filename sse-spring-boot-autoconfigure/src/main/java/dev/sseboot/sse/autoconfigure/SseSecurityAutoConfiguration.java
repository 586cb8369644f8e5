package dev.sseboot.sse.autoconfigure;

import dev.sseboot.sse.TokenValidator;
import dev.sseboot.sse.security.JwtTokenIssuer;
import dev.sseboot.sse.security.JwtTokenValidator;
import dev.sseboot.sse.security.SseAuthenticationEntryPoint;
import dev.sseboot.sse.security.SseBearerTokenResolver;
import dev.sseboot.sse.security.TokenAuthenticationManager;
import dev.sseboot.sse.web.SseErrorResponder;
import jakarta.servlet.DispatcherType;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.RequestCacheConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Auto-configuration of the SSE security filter chain and the default JWT
 * {@link TokenValidator}. Runs after Spring Boot's web security, so that Boot's default
 * chain still protects the rest of the application when it declares no chain of its own.
 */
@AutoConfiguration(after = SseAutoConfiguration.class,
		afterName = { "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
				"org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.OAuth2ResourceServerWebSecurityAutoConfiguration" })
@ConditionalOnBean(SseErrorResponder.class)
@ConditionalOnClass({ SecurityFilterChain.class, BearerTokenAuthenticationFilter.class })
public final class SseSecurityAutoConfiguration {

	/** Name of the SSE filter chain bean; declare a bean of that name to replace it. */
	public static final String FILTER_CHAIN_BEAN_NAME = "sseSecurityFilterChain";

	@Bean(FILTER_CHAIN_BEAN_NAME)
	@ConditionalOnMissingBean(name = FILTER_CHAIN_BEAN_NAME)
	SseSecurityFilterChain sseSecurityFilterChain(HttpSecurity http, SseProperties properties,
			ObjectProvider<TokenValidator> tokenValidator, SseErrorResponder errors) throws Exception {
		SseProperties.Security security = properties.getSecurity();
		TokenAuthenticationManager authenticationManager = new TokenAuthenticationManager(
				tokenValidator.getIfAvailable(() -> {
					throw new IllegalStateException("The SSE stream endpoint needs a TokenValidator: set "
							+ "sse.security.jwt.secret (at least 32 bytes) or declare a TokenValidator bean");
				}));
		SseBearerTokenResolver tokenResolver = new SseBearerTokenResolver(
				security.isQueryParameterEnabled() ? security.getQueryParameter() : null, security.getCookieName());
		SseAuthenticationEntryPoint entryPoint = new SseAuthenticationEntryPoint(errors);
		http.securityMatcher(properties.getPath())
			.authorizeHttpRequests((requests) -> requests
				// Async dispatches of an open stream were authorized when it opened.
				.dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR)
				.permitAll()
				.anyRequest()
				.authenticated())
			.csrf(AbstractHttpConfigurer::disable)
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache(RequestCacheConfigurer::disable)
			.headers((headers) -> headers.cacheControl((cacheControl) -> cacheControl.disable()))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(entryPoint)
				.accessDeniedHandler(entryPoint))
			.oauth2ResourceServer((resourceServer) -> resourceServer.bearerTokenResolver(tokenResolver)
				.authenticationManagerResolver((request) -> authenticationManager)
				.authenticationEntryPoint(entryPoint)
				.withObjectPostProcessor(new ObjectPostProcessor<BearerTokenAuthenticationFilter>() {
					@Override
					public <O extends BearerTokenAuthenticationFilter> O postProcess(O filter) {
						// The default handler rethrows validator failures instead of answering 500.
						filter.setAuthenticationFailureHandler(entryPoint);
						return filter;
					}
				}));
		return new SseSecurityFilterChain(http.build(), security.getFilterChainOrder());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty("sse.security.jwt.secret")
	static class JwtConfiguration {

		@Bean
		@ConditionalOnMissingBean(TokenValidator.class)
		JwtTokenValidator sseTokenValidator(SseProperties properties) {
			SseProperties.Jwt jwt = properties.getSecurity().getJwt();
			return JwtTokenValidator.withSecret(secret(jwt), jwt.getClockSkew(), jwt.isRequireExpiry());
		}

		@Bean
		@ConditionalOnMissingBean
		JwtTokenIssuer sseTokenIssuer(SseProperties properties) {
			return new JwtTokenIssuer(secret(properties.getSecurity().getJwt()));
		}

		private static String secret(SseProperties.Jwt jwt) {
			String secret = jwt.getSecret();
			if (secret == null) {
				throw new IllegalStateException("sse.security.jwt.secret is not set");
			}
			return secret;
		}

	}

}
