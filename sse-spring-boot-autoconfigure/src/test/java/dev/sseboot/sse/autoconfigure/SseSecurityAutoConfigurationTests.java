package dev.sseboot.sse.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sseboot.sse.SsePrincipal;
import dev.sseboot.sse.TokenValidator;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.security.JwtTokenIssuer;
import dev.sseboot.sse.security.JwtTokenValidator;
import dev.sseboot.sse.security.TokenRevocations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.SecurityFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

class SseSecurityAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, WebMvcAutoConfiguration.class,
				SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class, SseAutoConfiguration.class,
				SseSecurityAutoConfiguration.class));

	@Test
	void createsJwtValidatorIssuerAndDenyListForASecret() {
		this.contextRunner.withPropertyValues("sse.security.jwt.secret=" + TestTokens.SECRET).run((context) -> {
			assertThat(context).hasSingleBean(JwtTokenValidator.class)
				.hasSingleBean(JwtTokenIssuer.class)
				.hasSingleBean(TokenRevocations.class)
				.hasBean(SseSecurityAutoConfiguration.FILTER_CHAIN_BEAN_NAME);
		});
	}

	@Test
	void backsOffWhenUserDefinesTokenValidator() {
		this.contextRunner.withUserConfiguration(UserTokenValidator.class)
			.withPropertyValues("sse.security.jwt.secret=" + TestTokens.SECRET)
			.run((context) -> {
				assertThat(context).hasSingleBean(TokenValidator.class).doesNotHaveBean(JwtTokenValidator.class);
				assertThat(context).hasBean(SseSecurityAutoConfiguration.FILTER_CHAIN_BEAN_NAME);
			});
	}

	@Test
	void failsToStartWithoutKeySourceOrTokenValidator() {
		this.contextRunner.run((context) -> assertThat(context).hasFailed()
			.getFailure()
			.rootCause()
			.hasMessageContaining("sse.security.jwt.secret")
			.hasMessageContaining("TokenValidator bean"));
	}

	@Test
	void failsToStartWithTwoKeySources() {
		this.contextRunner
			.withPropertyValues("sse.security.jwt.secret=" + TestTokens.SECRET,
					"sse.security.jwt.jwk-set-uri=https://issuer.example/jwks")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("sse.security.jwt.secret")
				.hasMessageContaining("sse.security.jwt.jwk-set-uri"));
	}

	@Test
	void failsToStartWithShortSecret() {
		this.contextRunner.withPropertyValues("sse.security.jwt.secret=short")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("at least 32 bytes"));
	}

	@Test
	void readsPublicKeyLocationAndCreatesNoIssuer(@TempDir Path directory) throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		Path pem = directory.resolve("sse.pem");
		Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
				+ Base64.getMimeEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded())
				+ "\n-----END PUBLIC KEY-----\n");
		this.contextRunner.withPropertyValues("sse.security.jwt.public-key-location=file:" + pem)
			.run((context) -> assertThat(context).hasSingleBean(JwtTokenValidator.class)
				.doesNotHaveBean(JwtTokenIssuer.class));
	}

	@Test
	void failsToStartWithUnreadablePublicKeyLocation() {
		this.contextRunner.withPropertyValues("sse.security.jwt.public-key-location=classpath:missing.pem")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("sse.security.jwt.public-key-location"));
	}

	@Test
	void failsToStartWithWildcardOriginAndCredentials() {
		this.contextRunner
			.withPropertyValues("sse.security.jwt.secret=" + TestTokens.SECRET, "sse.cors.allowed-origins=*",
					"sse.cors.allow-credentials=true")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("sse.cors.allow-credentials"));
	}

	@Test
	void failsToStartWithOriginPattern() {
		this.contextRunner
			.withPropertyValues("sse.security.jwt.secret=" + TestTokens.SECRET,
					"sse.cors.allowed-origins=https://*.example.com")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("sse.cors.allowed-origins"));
	}

	@Test
	void failsToStartWithCacheButNoCaffeine() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Caffeine.class))
			.withPropertyValues("sse.security.jwt.secret=" + TestTokens.SECRET, "sse.security.cache.enabled=true")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("com.github.ben-manes.caffeine:caffeine"));
	}

	@Test
	void keepsBootsDefaultChainWhenTheApplicationDeclaresNone() {
		this.contextRunner.withPropertyValues("sse.security.jwt.secret=" + TestTokens.SECRET).run((context) -> {
			assertThat(context.getBeansOfType(SecurityFilterChain.class)).containsKeys("defaultSecurityFilterChain",
					SseSecurityAutoConfiguration.FILTER_CHAIN_BEAN_NAME);
			assertThat(firstChain(context.getBean(FilterChainProxy.class))).isInstanceOf(SseSecurityFilterChain.class);
		});
	}

	@Test
	void comesBeforeAnApplicationChainOfHighestPrecedence() {
		this.contextRunner.withUserConfiguration(HighestPrecedenceChain.class)
			.withPropertyValues("sse.security.jwt.secret=" + TestTokens.SECRET)
			.run((context) -> {
				assertThat(context.getBeansOfType(SecurityFilterChain.class)).containsOnlyKeys("applicationChain",
						SseSecurityAutoConfiguration.FILTER_CHAIN_BEAN_NAME);
				assertThat(firstChain(context.getBean(FilterChainProxy.class)))
					.isInstanceOf(SseSecurityFilterChain.class);
			});
	}

	@Test
	void comesBeforeAnApplicationChainWithoutOrder() {
		this.contextRunner.withUserConfiguration(UnorderedChain.class)
			.withPropertyValues("sse.security.jwt.secret=" + TestTokens.SECRET)
			.run((context) -> {
				List<SecurityFilterChain> chains = context.getBean(FilterChainProxy.class).getFilterChains();
				assertThat(chains).hasSize(2);
				assertThat(chains.get(0)).isInstanceOf(SseSecurityFilterChain.class);
			});
	}

	private static SecurityFilterChain firstChain(FilterChainProxy proxy) {
		List<SecurityFilterChain> chains = proxy.getFilterChains();
		return chains.get(0);
	}

	@Configuration(proxyBeanMethods = false)
	static class UserTokenValidator {

		@Bean
		TokenValidator databaseTokenValidator() {
			return (token) -> Optional.of(SsePrincipal.of("alex", Set.of("chat")));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnorderedChain {

		@Bean
		SecurityFilterChain applicationChain(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.formLogin(Customizer.withDefaults())
				.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HighestPrecedenceChain {

		@Bean
		@Order(Ordered.HIGHEST_PRECEDENCE)
		SecurityFilterChain applicationChain(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.httpBasic(Customizer.withDefaults())
				.build();
		}

	}

}
