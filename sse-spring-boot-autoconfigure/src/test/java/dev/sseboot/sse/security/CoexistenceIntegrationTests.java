package dev.sseboot.sse.security;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.autoconfigure.SseSecurityAutoConfiguration;
import dev.sseboot.sse.fixtures.SseIntegrationTest;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application whose own catch-all chain has the highest precedence, and whose
 * {@code @ControllerAdvice} handles every exception.
 */
@SseIntegrationTest
@Import(CoexistenceIntegrationTests.Application.class)
@TestPropertySource(properties = { "sse.heartbeat.interval=200ms",
		// The default: a client that left is found by a failed write, which is what could
		// reach the advice, before a close check finds it.
		"sse.connection.close-check-interval=5s" })
@ExtendWith(OutputCaptureExtension.class)
class CoexistenceIntegrationTests {

	private static final String BASIC = "Basic "
			+ Base64.getEncoder().encodeToString("user:password".getBytes(StandardCharsets.UTF_8));

	@LocalServerPort
	int port;

	@Autowired
	SseBroker broker;

	@Autowired
	ApplicationContext context;

	SseTestClient client;

	@BeforeEach
	void setUp() {
		this.client = new SseTestClient(this.port);
	}

	@Test
	void keepsBothTheApplicationsChainAndTheStreamChain() {
		assertThat(this.context.getBeansOfType(SecurityFilterChain.class)).containsOnlyKeys("catchAllChain",
				SseSecurityAutoConfiguration.FILTER_CHAIN_BEAN_NAME);
	}

	@Test
	void streamPathStaysWithTheStreamChain() {
		try (SseTestClient.Stream stream = this.client.openWithBearer("/sse", TestTokens.forUser("alex", "chat"))) {
			assertThat(stream.status()).isEqualTo(200);
			assertThat(stream.next().name()).isEqualTo("sse-connected");
		}
		SseTestClient.Stream withBasic = this.client.open("/sse", Map.of("Authorization", BASIC));
		assertThat(withBasic.status()).isEqualTo(401);
		assertThat(withBasic.errorBody()).contains("\"code\":\"UNAUTHORIZED\"");
	}

	@Test
	void otherPathsFollowTheApplicationsChain() {
		HttpResponse<String> anonymous = this.client.send("GET", "/other/hello", Map.of());
		assertThat(anonymous.statusCode()).isEqualTo(401);
		assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Basic");
		assertThat(this.client.send("GET", "/other/hello?token=" + TestTokens.forUser("alex", "*"), Map.of())
			.statusCode()).isEqualTo(401);
		assertThat(this.client.send("GET", "/other/hello", Map.of("Authorization", BASIC)).body()).isEqualTo("hello");
	}

	@Test
	void asyncDispatchesOfStreamsAreNeverDenied(CapturedOutput output) {
		try (SseTestClient.Stream stream = this.client.openWithBearer("/sse", TestTokens.forUser("ada", "chat"))) {
			stream.next("sse-connected");
			this.broker.toUser("ada").send("note", "one");
			stream.next("note");
			stream.next("heartbeat");
			this.broker.disconnectUser("ada");
			stream.next("sse-close");
			await().until(stream::ended);
		}
		await().until(() -> !this.broker.isOnline("ada"));
		assertThat(output).doesNotContain("Access Denied")
			.doesNotContain("already committed")
			.doesNotContain("AccessDeniedException");
	}

	@Test
	void clientDisconnectDoesNotReachTheApplicationsControllerAdvice(CapturedOutput output) {
		int handledBefore = Application.handled.get();
		SseTestClient.Stream stream = this.client.openWithBearer("/sse", TestTokens.forUser("gone", "chat"));
		stream.next("sse-connected");
		stream.close();
		await().until(() -> {
			this.broker.toUser("gone").send("note", "anyone there?");
			return !this.broker.isOnline("gone");
		});
		try (SseTestClient.Stream next = this.client.openWithBearer("/sse", TestTokens.forUser("gone", "chat"))) {
			assertThat(next.status()).isEqualTo(200);
		}
		assertThat(Application.handled.get()).isEqualTo(handledBefore);
		assertThat(output).doesNotContain("already committed").doesNotContain("Access Denied");
	}

	@Configuration(proxyBeanMethods = false)
	@Import(CatchAllAdvice.class)
	static class Application {

		static final AtomicInteger handled = new AtomicInteger();

		@Bean
		@Order(Ordered.HIGHEST_PRECEDENCE)
		SecurityFilterChain catchAllChain(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.httpBasic(Customizer.withDefaults())
				.build();
		}

	}

	@ControllerAdvice
	static class CatchAllAdvice {

		@ExceptionHandler(Exception.class)
		ResponseEntity<Map<String, String>> handle(Exception ex) {
			Application.handled.incrementAndGet();
			return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(Map.of("error", ex.getMessage()));
		}

	}

}
