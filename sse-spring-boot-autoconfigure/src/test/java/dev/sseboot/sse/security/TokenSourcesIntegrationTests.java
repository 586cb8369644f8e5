package dev.sseboot.sse.security;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.fixtures.SseIntegrationTest;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

@SseIntegrationTest
@Import(TokenSourcesIntegrationTests.ApplicationSecurity.class)
@TestPropertySource(properties = "sse.security.cookie-name=sse_token")
class TokenSourcesIntegrationTests {

	private static final String BASIC = "Basic "
			+ Base64.getEncoder().encodeToString("user:password".getBytes(StandardCharsets.UTF_8));

	@LocalServerPort
	int port;

	@Autowired
	SseBroker broker;

	SseTestClient client;

	@BeforeEach
	void setUp() {
		this.client = new SseTestClient(this.port);
	}

	@Test
	void acceptsTokenInTheAuthorizationHeader() {
		assertConnectsAs("alex", this.client.openWithBearer("/sse", TestTokens.forUser("alex", "chat")));
	}

	@Test
	void acceptsTokenInTheQuery() {
		assertConnectsAs("alex", this.client.openWithQueryToken("/sse", TestTokens.forUser("alex", "chat"), ""));
	}

	@Test
	void acceptsTokenInTheConfiguredCookie() {
		assertConnectsAs("alex",
				this.client.open("/sse", Map.of("Cookie", "sse_token=" + TestTokens.forUser("alex", "chat"))));
	}

	@Test
	void refusesACookieStreamOpenedByAnotherOrigin() {
		String cookie = "sse_token=" + TestTokens.forUser("victim", "chat");
		SseTestClient.Stream stream = this.client.open("/sse",
				Map.of("Cookie", cookie, "Origin", "https://evil.example"));
		assertThat(stream.status()).isEqualTo(403);
		assertThat(stream.errorBody()).startsWith("{\"code\":\"FORBIDDEN\",\"message\":");
		assertThat(stream.header("Access-Control-Allow-Origin")).isNull();
		assertThat(this.broker.isOnline("victim")).isFalse();
		assertConnectsAs("victim",
				this.client.open("/sse", Map.of("Cookie", cookie, "Origin", "http://127.0.0.1:" + this.port)));
	}

	@Test
	void ignoresACookieThatAnImageOrFrameSends() {
		String cookie = "sse_token=" + TestTokens.forUser("embedded", "chat");
		for (String mode : new String[] { "no-cors", "navigate" }) {
			SseTestClient.Stream stream = this.client.open("/sse", Map.of("Cookie", cookie, "Sec-Fetch-Mode", mode));
			assertThat(stream.status()).as(mode).isEqualTo(401);
			assertThat(this.broker.isOnline("embedded")).isFalse();
		}
		assertConnectsAs("embedded", this.client.open("/sse", Map.of("Cookie", cookie, "Sec-Fetch-Mode", "cors")));
	}

	@Test
	void prefersTheHeaderOverTheCookie() {
		SseTestClient.Stream stream = this.client.open("/sse", Map.of("Authorization",
				"Bearer " + TestTokens.forUser("alex", "chat"), "Cookie", "sse_token=not-a-token"));
		assertConnectsAs("alex", stream);
	}

	@Test
	void queryTokenDoesNotAuthenticateTheApplicationsBasicChain() {
		String token = TestTokens.forUser("alex", "*");
		assertThat(this.client.send("GET", "/api/hello?token=" + token, Map.of()).statusCode()).isEqualTo(401);
		assertThat(this.client.send("GET", "/api/hello", Map.of("Authorization", "Bearer " + token)).statusCode())
			.isEqualTo(401);
		assertThat(this.client.send("GET", "/api/hello", Map.of("Authorization", BASIC)).body()).isEqualTo("hello");
	}

	@Test
	void queryTokenDoesNotAuthenticateTheApplicationsResourceServer() {
		// The application accepts the very same tokens, but only as its resource server
		// does: in the Authorization header.
		String token = TestTokens.forUser("alex", "*");
		assertThat(this.client.send("GET", "/resource/hello?token=" + token, Map.of()).statusCode()).isEqualTo(401);
		assertThat(this.client.send("GET", "/resource/hello?access_token=" + token, Map.of()).statusCode())
			.isEqualTo(401);
		assertThat(this.client.send("GET", "/resource/hello", Map.of("Authorization", "Bearer " + token)).body())
			.isEqualTo("hello");
	}

	@Test
	void formLoginOfTheApplicationKeepsWorking() {
		HttpResponse<String> anonymous = this.client.send("GET",
				"/web/hello?token=" + TestTokens.forUser("alex", "*"), Map.of());
		assertThat(anonymous.statusCode()).isEqualTo(302);
		assertThat(anonymous.headers().firstValue("Location")).hasValueSatisfying((location) -> assertThat(location)
			.endsWith("/login"));
		HttpResponse<String> login = this.client.send("POST", "/web/login?username=user&password=password", Map.of());
		assertThat(login.statusCode()).isEqualTo(302);
		assertThat(login.headers().firstValue("Location").orElseThrow()).doesNotContain("error");
		String session = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
		assertThat(this.client.send("GET", "/web/hello", Map.of("Cookie", session)).body()).isEqualTo("hello");
	}

	@Test
	void sessionOfTheApplicationDoesNotOpenAStream() {
		int before = this.broker.connectionCount();
		assertThat(this.client.open("/sse", Map.of("Authorization", BASIC)).status()).isEqualTo(401);
		assertThat(this.broker.isOnline("user")).isFalse();
		assertThat(this.broker.connectionCount()).isLessThanOrEqualTo(before);
	}

	private void assertConnectsAs(String userId, SseTestClient.Stream stream) {
		try (stream) {
			assertThat(stream.status()).isEqualTo(200);
			assertThat(stream.next().data()).contains("\"userId\":\"" + userId + "\"");
		}
	}

	@Nested
	@TestPropertySource(properties = "sse.security.query-parameter-enabled=false")
	class QueryParameterDisabled {

		@Test
		void ignoresTokenInTheQuery() {
			SseTestClient.Stream stream = TokenSourcesIntegrationTests.this.client.openWithQueryToken("/sse",
					TestTokens.forUser("alex", "chat"), "");
			assertThat(stream.status()).isEqualTo(401);
			assertThat(stream.errorBody()).contains("\"code\":\"UNAUTHORIZED\"");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ApplicationSecurity {

		@Bean
		@Order(1)
		SecurityFilterChain apiChain(HttpSecurity http) throws Exception {
			return http.securityMatcher("/api/**")
				.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.httpBasic(Customizer.withDefaults())
				.build();
		}

		@Bean
		@Order(2)
		SecurityFilterChain resourceServerChain(HttpSecurity http) throws Exception {
			SecretKey key = new SecretKeySpec(TestTokens.SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
			return http.securityMatcher("/resource/**")
				.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.oauth2ResourceServer(
						(resourceServer) -> resourceServer.jwt((jwt) -> jwt.decoder(NimbusJwtDecoder.withSecretKey(key).build())))
				.build();
		}

		@Bean
		@Order(3)
		SecurityFilterChain webChain(HttpSecurity http) throws Exception {
			return http.securityMatcher("/web/**", "/login")
				.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.formLogin((form) -> form.loginProcessingUrl("/web/login"))
				// A plain form without a token keeps the test short; the chain is the application's.
				.csrf(AbstractHttpConfigurer::disable)
				.build();
		}

	}

}
