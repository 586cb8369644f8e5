package dev.sseboot.sse.autoconfigure;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.SsePrincipal;
import dev.sseboot.sse.TokenValidator;
import dev.sseboot.sse.broker.NodeBroker;
import dev.sseboot.sse.error.SseErrorResponder;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.security.JwtTokenIssuer;
import dev.sseboot.sse.security.JwtTokenValidator;
import dev.sseboot.sse.test.RecordingSseBroker;
import dev.sseboot.sse.web.SseStreamController;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

class SseAutoConfigurationTests {

	private static final String SECRET = "sse.security.jwt.secret=" + TestTokens.SECRET;

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, WebMvcAutoConfiguration.class,
				SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class,
				SseAutoConfiguration.class, SseSecurityAutoConfiguration.class));

	@Test
	void createsBrokerControllerAndFilterChainWithSecret() {
		this.runner.withPropertyValues(SECRET).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(NodeBroker.class);
			assertThat(context).hasSingleBean(SseBroker.class);
			assertThat(context).hasSingleBean(SseStreamController.class);
			assertThat(context).hasSingleBean(SseErrorResponder.class);
			assertThat(context).hasSingleBean(JwtTokenValidator.class);
			assertThat(context).hasSingleBean(TokenValidator.class);
			assertThat(context).hasSingleBean(JwtTokenIssuer.class);
			assertThat(context).hasBean(SseSecurityAutoConfiguration.FILTER_CHAIN_BEAN_NAME);
			assertThat(context.getBean(SseSecurityAutoConfiguration.FILTER_CHAIN_BEAN_NAME))
				.isInstanceOf(SseSecurityFilterChain.class);
		});
	}

	@Test
	void exposesNoApplicationWideSecurityOrExecutorBeans() {
		this.runner.withPropertyValues(SECRET).run((context) -> {
			assertThat(context).doesNotHaveBean(org.springframework.security.oauth2.server.resource.web.BearerTokenResolver.class);
			assertThat(context).doesNotHaveBean(org.springframework.security.oauth2.jwt.JwtDecoder.class);
			assertThat(context).doesNotHaveBean(org.springframework.security.authentication.AuthenticationProvider.class);
			assertThat(context).doesNotHaveBean(org.springframework.scheduling.TaskScheduler.class);
			assertThat(context).doesNotHaveBean(java.util.concurrent.Executor.class);
		});
	}

	@Test
	void keepsBootsDefaultChainNextToTheSseChain() {
		this.runner.withPropertyValues(SECRET).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeansOfType(SecurityFilterChain.class)).hasSize(2)
				.containsKey(SseSecurityAutoConfiguration.FILTER_CHAIN_BEAN_NAME);
		});
	}

	@Test
	void keepsTheApplicationsOwnChainNextToTheSseChain() {
		this.runner.withPropertyValues(SECRET).withUserConfiguration(UserChainConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeansOfType(SecurityFilterChain.class)).containsOnlyKeys("appChain",
					SseSecurityAutoConfiguration.FILTER_CHAIN_BEAN_NAME);
		});
	}

	@Test
	void backsOffWhenUserDefinesSseBroker() {
		this.runner.withPropertyValues(SECRET).withUserConfiguration(UserBrokerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(SseBroker.class);
			assertThat(context).hasBean("userBroker");
			assertThat(context).doesNotHaveBean(NodeBroker.class);
			assertThat(context).doesNotHaveBean(SseStreamController.class);
		});
	}

	@Test
	void backsOffWhenUserDefinesTokenValidator() {
		this.runner.withUserConfiguration(UserValidatorConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(TokenValidator.class);
			assertThat(context).hasBean("userValidator");
			assertThat(context).doesNotHaveBean(JwtTokenValidator.class);
			assertThat(context).hasBean(SseSecurityAutoConfiguration.FILTER_CHAIN_BEAN_NAME);
		});
	}

	/**
	 * The secret is also what the token issuer (and the control API) sign with, so an
	 * application may well set it next to its own validator.
	 */
	@Test
	void backsOffWhenUserDefinesTokenValidatorAndSecretIsSet() {
		this.runner.withPropertyValues(SECRET).withUserConfiguration(UserValidatorConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(TokenValidator.class);
			assertThat(context).hasBean("userValidator");
			assertThat(context).doesNotHaveBean(JwtTokenValidator.class);
		});
	}

	@Test
	void backsOffWhenUserDefinesFilterChainNamedSseSecurityFilterChain() {
		this.runner.withPropertyValues(SECRET).withUserConfiguration(UserNamedChainConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(SseSecurityAutoConfiguration.FILTER_CHAIN_BEAN_NAME))
				.isNotInstanceOf(SseSecurityFilterChain.class);
			assertThat(context).doesNotHaveBean(SseSecurityFilterChain.class);
		});
	}

	@Test
	void backsOffWhenUserDefinesController() {
		this.runner.withPropertyValues(SECRET).withUserConfiguration(UserControllerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(SseStreamController.class);
			assertThat(context).hasBean("userController");
		});
	}

	@Test
	void createsNothingWhenDisabled() {
		this.runner.withPropertyValues(SECRET, "sse.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(SseBroker.class);
			assertThat(context).doesNotHaveBean(SseStreamController.class);
			assertThat(context).doesNotHaveBean(TokenValidator.class);
			assertThat(context).doesNotHaveBean(SseSecurityAutoConfiguration.FILTER_CHAIN_BEAN_NAME);
		});
	}

	@Test
	void createsNothingWithoutSpringSecurity() {
		this.runner.withPropertyValues(SECRET).withClassLoader(new FilteredClassLoader(SecurityFilterChain.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(SseBroker.class);
			assertThat(context).doesNotHaveBean(SseStreamController.class);
			assertThat(context).doesNotHaveBean(TokenValidator.class);
		});
	}

	@Test
	void failsToStartWithShortSecret() {
		this.runner.withPropertyValues("sse.security.jwt.secret=too-short-secret").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("HMAC-SHA256 needs at least 32 bytes")
				.hasMessageNotContaining("too-short-secret");
		});
	}

	@Test
	void failsToStartWithoutSecretOrValidator() {
		this.runner.run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("sse.security.jwt.secret")
				.hasMessageContaining("TokenValidator bean");
		});
	}

	@Test
	void bindsBrokerSettingsFromProperties() {
		this.runner.withPropertyValues(SECRET, "sse.connection.queue-capacity=7", "sse.heartbeat.interval=2s",
				"sse.heartbeat.mode=comment", "sse.connection.max-per-user=3", "sse.connection.writer-threads=2",
				"sse.security.expiry-warning=10s", "sse.cluster.idempotency-window=2m", "sse.shutdown.drain-delay=3s",
				"sse.shutdown.drain-period=40s")
			.run((context) -> {
				var settings = SseAutoConfiguration.brokerSettings(context.getBean(SseProperties.class),
						context.getBean(SseSecurityProperties.class), context.getBean(SseClusterProperties.class),
						context.getBean(SseShutdownProperties.class), Duration.ofSeconds(30));
				assertThat(settings.idempotencyWindow()).hasMinutes(2);
				// Within Boot's 30 s for the shutdown phase, less what the close frames need.
				assertThat(settings.drainDelay()).hasSeconds(3);
				assertThat(settings.drainPeriod()).hasSeconds(22);
				assertThat(settings.queueCapacity()).isEqualTo(7);
				assertThat(settings.heartbeatInterval()).hasSeconds(2);
				assertThat(settings.heartbeatAsComment()).isTrue();
				assertThat(settings.maxPerUser()).isEqualTo(3);
				assertThat(settings.writerThreads()).isEqualTo(2);
				assertThat(settings.expiryWarning()).hasSeconds(10);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBrokerConfiguration {

		@Bean
		SseBroker userBroker() {
			return new RecordingSseBroker();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserValidatorConfiguration {

		@Bean
		TokenValidator userValidator() {
			return (token) -> Optional.of(SsePrincipal.of("alex", Set.of("chat")));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserNamedChainConfiguration {

		@Bean(SseSecurityAutoConfiguration.FILTER_CHAIN_BEAN_NAME)
		SecurityFilterChain sseSecurityFilterChain(HttpSecurity http) throws Exception {
			return http.securityMatcher("/sse").authorizeHttpRequests((requests) -> requests.anyRequest().denyAll()).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserChainConfiguration {

		@Bean
		SecurityFilterChain appChain(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated()).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserControllerConfiguration {

		@Bean
		SseStreamController userController(NodeBroker broker, SseErrorResponder errors) {
			return new SseStreamController(broker, errors, java.time.Duration.ofMinutes(5), 4);
		}

	}

}
