package dev.sseboot.sse.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.BiConsumer;

import dev.sseboot.sse.TokenValidator;
import dev.sseboot.sse.broker.NodeBroker;
import dev.sseboot.sse.diagnostics.SseConfigurationException;
import dev.sseboot.sse.error.SseErrorResponder;
import dev.sseboot.sse.security.CachingTokenValidator;
import dev.sseboot.sse.security.FailedAttemptFilter;
import dev.sseboot.sse.security.FailedAttemptLimiter;
import dev.sseboot.sse.security.JwtTokenIssuer;
import dev.sseboot.sse.security.JwtTokenValidator;
import dev.sseboot.sse.security.PublicKeyPem;
import dev.sseboot.sse.security.SseAuthenticationEntryPoint;
import dev.sseboot.sse.security.SseBearerTokenResolver;
import dev.sseboot.sse.security.TokenAuthenticationManager;
import dev.sseboot.sse.security.TokenRevocations;
import dev.sseboot.sse.web.StreamCorsProcessor;
import dev.sseboot.sse.web.StreamRequestFilter;
import jakarta.servlet.DispatcherType;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.MutuallyExclusiveConfigurationPropertiesException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.RequestCacheConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.util.ClassUtils;
import org.springframework.util.StreamUtils;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

/**
 * Auto-configuration of the SSE security filter chain, the token deny-list and the
 * default JWT {@link TokenValidator}. Runs after Spring Boot's web security, so that
 * Boot's default chain still protects the rest of the application when it declares no
 * chain of its own.
 */
@AutoConfiguration(after = SseAutoConfiguration.class,
		afterName = { "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
				"org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.OAuth2ResourceServerWebSecurityAutoConfiguration" })
@ConditionalOnBean(SseErrorResponder.class)
@ConditionalOnClass({ SecurityFilterChain.class, BearerTokenAuthenticationFilter.class })
@EnableConfigurationProperties({ SseProperties.class, SseSecurityProperties.class, SseCorsProperties.class })
public final class SseSecurityAutoConfiguration {

	/** Name of the SSE filter chain bean; declare a bean of that name to replace it. */
	public static final String FILTER_CHAIN_BEAN_NAME = "sseSecurityFilterChain";

	private static final String CAFFEINE = "com.github.benmanes.caffeine.cache.Caffeine";

	@Bean
	@ConditionalOnMissingBean
	TokenRevocations sseTokenRevocations(SseSecurityProperties properties, ObjectProvider<NodeBroker> broker) {
		NodeBroker nodeBroker = broker.getIfAvailable();
		BiConsumer<String, Instant> closeStreams = (nodeBroker != null) ? nodeBroker::revokeToken
				: (tokenId, expiresAt) -> {
				};
		TokenRevocations revocations = new TokenRevocations(properties.getMaxRevokedTokens(), closeStreams,
				Clock.systemUTC());
		if (nodeBroker != null) {
			// Revocations made on other nodes of a cluster.
			nodeBroker.onTokenRevoked(revocations::apply);
		}
		return revocations;
	}

	@Bean(FILTER_CHAIN_BEAN_NAME)
	@ConditionalOnMissingBean(name = FILTER_CHAIN_BEAN_NAME)
	SseSecurityFilterChain sseSecurityFilterChain(HttpSecurity http, SseProperties properties,
			SseSecurityProperties security, SseCorsProperties cors,
			ObjectProvider<TokenValidator> tokenValidator, TokenRevocations revocations, SseErrorResponder errors,
			ResourceLoader resourceLoader) throws Exception {
		TokenValidator validator = withCache(security.getCache(), resourceLoader, tokenValidator.getIfAvailable(() -> {
			throw new SseConfigurationException(
					"The SSE stream endpoint cannot check tokens: there is no TokenValidator bean and no JWT key "
							+ "is configured",
					"Set one of sse.security.jwt.secret (at least 32 bytes, e.g. the output of "
							+ "'openssl rand -base64 48'), sse.security.jwt.public-key-location or "
							+ "sse.security.jwt.jwk-set-uri, or declare a TokenValidator bean of your own.");
		}));
		TokenAuthenticationManager authenticationManager = new TokenAuthenticationManager(validator, revocations,
				properties.getLogging().isIncludeUserId());
		SseBearerTokenResolver tokenResolver = new SseBearerTokenResolver(
				security.isQueryParameterEnabled() ? security.getQueryParameter() : null, security.getCookieName());
		FailedAttemptLimiter failedAttempts = failedAttemptLimiter(security.getFailedAttempts());
		SseAuthenticationEntryPoint entryPoint = new SseAuthenticationEntryPoint(errors, failedAttempts);
		http.securityMatcher(properties.getPath())
			.authorizeHttpRequests((requests) -> requests
				// Async dispatches of an open stream were authorized when it opened.
				.dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR)
				.permitAll()
				.anyRequest()
				.authenticated())
			// What a stream request never needs, left out of every handshake: CSRF (GET only),
			// sessions, the saved request, the anonymous principal (a stream needs a token),
			// logout, and the request wrapper of the Servlet API's security methods.
			.csrf(AbstractHttpConfigurer::disable)
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache(RequestCacheConfigurer::disable)
			.anonymous(AbstractHttpConfigurer::disable)
			.logout(AbstractHttpConfigurer::disable)
			.servletApi(AbstractHttpConfigurer::disable)
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
		// Cross-origin requests from origins not listed in sse.cors.* (all of them, when none
		// is) are refused here, whatever the application's other chains allow: without a
		// CORS answer the page could not read the stream, and with cookie tokens it would
		// open streams in the user's name.
		CorsFilter corsFilter = new CorsFilter(corsConfigurationSource(cors));
		corsFilter.setCorsProcessor(new StreamCorsProcessor(errors));
		http.cors(AbstractHttpConfigurer::disable).addFilter(corsFilter);
		http.addFilterAfter(new StreamRequestFilter(errors), CorsFilter.class);
		if (failedAttempts != null) {
			http.addFilterBefore(new FailedAttemptFilter(failedAttempts, errors), BearerTokenAuthenticationFilter.class);
		}
		return new SseSecurityFilterChain(http.build(), security.getFilterChainOrder());
	}

	private static TokenValidator withCache(SseSecurityProperties.Cache cache, ResourceLoader resourceLoader,
			TokenValidator validator) {
		if (!cache.isEnabled()) {
			return validator;
		}
		if (!ClassUtils.isPresent(CAFFEINE, resourceLoader.getClassLoader())) {
			throw new SseConfigurationException("sse.security.cache.enabled=true, but Caffeine is not on the class path",
					"Add com.github.ben-manes.caffeine:caffeine to the application's dependencies, or remove "
							+ "sse.security.cache.enabled.");
		}
		return new CachingTokenValidator(validator, cache.getTtl(), cache.getMaxSize(), Clock.systemUTC());
	}

	private static @Nullable FailedAttemptLimiter failedAttemptLimiter(
			SseSecurityProperties.FailedAttempts failedAttempts) {
		return failedAttempts.isEnabled() ? new FailedAttemptLimiter(failedAttempts.getMax(),
				failedAttempts.getWindow(), failedAttempts.getMaxClients(), Clock.systemUTC()) : null;
	}

	/**
	 * Builds the CORS rules of the stream endpoint: listed origins only, never an origin
	 * echoed back, and credentials only with listed origins.
	 */
	static UrlBasedCorsConfigurationSource corsConfigurationSource(SseCorsProperties cors) {
		List<String> origins = cors.getAllowedOrigins();
		for (String origin : origins) {
			if (origin.contains("*") && !origin.equals(CorsConfiguration.ALL)) {
				throw new InvalidConfigurationPropertyValueException("sse.cors.allowed-origins", origin,
						"Origin patterns are not supported: list each origin, e.g. https://app.example.com");
			}
			if (origin.equals(CorsConfiguration.ALL) && cors.isAllowCredentials()) {
				throw new InvalidConfigurationPropertyValueException("sse.cors.allowed-origins", origin,
						"'*' cannot be combined with sse.cors.allow-credentials=true: list the allowed origins");
			}
		}
		// With no origin listed, this configuration refuses every cross-origin request.
		CorsConfiguration configuration = new CorsConfiguration();
		configuration.setAllowedOrigins(List.copyOf(origins));
		configuration.setAllowedMethods(List.of(HttpMethod.GET.name()));
		configuration.setAllowedHeaders(List.of(HttpHeaders.AUTHORIZATION, "Last-Event-ID", HttpHeaders.CACHE_CONTROL));
		configuration.setAllowCredentials(cors.isAllowCredentials());
		configuration.setMaxAge(cors.getMaxAge());
		UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
		// The chain's own matcher already limits this to the stream path.
		source.registerCorsConfiguration("/**", configuration);
		return source;
	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(JwtKeySourceCondition.class)
	static class JwtValidatorConfiguration {

		@Bean
		@ConditionalOnMissingBean(TokenValidator.class)
		JwtTokenValidator sseTokenValidator(SseSecurityProperties properties) {
			SseSecurityProperties.Jwt jwt = properties.getJwt();
			MutuallyExclusiveConfigurationPropertiesException.throwIfMultipleNonNullValuesIn((entries) -> {
				entries.put("sse.security.jwt.secret", jwt.getSecret());
				entries.put("sse.security.jwt.public-key-location", jwt.getPublicKeyLocation());
				entries.put("sse.security.jwt.jwk-set-uri", jwt.getJwkSetUri());
			});
			return keySource(jwt).keyId(jwt.getKeyId())
				.clockSkew(jwt.getClockSkew())
				.requireExpiry(jwt.isRequireExpiry())
				.issuer(jwt.getIssuer())
				.audience(jwt.getAudience())
				.type(jwt.getType())
				.encryptionSecret(jwt.getEncryptionSecret())
				.build();
		}

		private static JwtTokenValidator.Builder keySource(SseSecurityProperties.Jwt jwt) {
			if (jwt.getSecret() != null) {
				return JwtTokenValidator.withSecret(jwt.getSecret());
			}
			Resource publicKeyLocation = jwt.getPublicKeyLocation();
			if (publicKeyLocation != null) {
				return JwtTokenValidator.withPublicKey(readPublicKey(publicKeyLocation));
			}
			String jwkSetUri = jwt.getJwkSetUri();
			if (jwkSetUri == null) {
				throw new IllegalStateException("No key source: the condition of this configuration requires one");
			}
			return JwtTokenValidator.withJwkSetUri(jwkSetUri);
		}

		private static PublicKey readPublicKey(Resource location) {
			try (InputStream pem = location.getInputStream()) {
				return PublicKeyPem.parse(StreamUtils.copyToString(pem, StandardCharsets.US_ASCII));
			}
			catch (IOException | IllegalStateException ex) {
				throw new InvalidConfigurationPropertyValueException("sse.security.jwt.public-key-location", location,
						"Cannot read a PEM public key or certificate: " + ex.getMessage());
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty("sse.security.jwt.secret")
	static class JwtIssuerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		JwtTokenIssuer sseTokenIssuer(SseSecurityProperties properties) {
			SseSecurityProperties.Jwt jwt = properties.getJwt();
			String secret = jwt.getSecret();
			if (secret == null) {
				throw new IllegalStateException("sse.security.jwt.secret is not set");
			}
			return new JwtTokenIssuer(secret, jwt.getEncryptionSecret(), jwt.getIssuer(), jwt.getAudience(),
					jwt.getType(), jwt.getKeyId());
		}

	}

	/**
	 * Matches when a key source of the default JWT validator is configured.
	 */
	static final class JwtKeySourceCondition extends AnyNestedCondition {

		JwtKeySourceCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty("sse.security.jwt.secret")
		static class Secret {

		}

		@ConditionalOnProperty("sse.security.jwt.public-key-location")
		static class PublicKeyLocation {

		}

		@ConditionalOnProperty("sse.security.jwt.jwk-set-uri")
		static class JwkSetUri {

		}

	}

}
