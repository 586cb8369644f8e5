package dev.sseboot.sse.diagnostics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import dev.sseboot.sse.fixtures.SseTestApplication;
import dev.sseboot.sse.fixtures.TestTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Every start-up failure of the starter ends in Spring Boot's {@code APPLICATION FAILED TO
 * START} block, with a description and an action, from a real application start.
 */
@ExtendWith(OutputCaptureExtension.class)
class SseFailureAnalyzersTests {

	private static final String SECRET = "sse.security.jwt.secret=" + TestTokens.SECRET;

	@Test
	void tellsThatNothingChecksTokens(CapturedOutput output) {
		FailureAnalysis analysis = failToStart(output);
		assertThat(analysis.getDescription()).contains("no TokenValidator bean and no JWT key");
		assertThat(analysis.getAction()).contains("sse.security.jwt.secret", "openssl rand -base64 48",
				"TokenValidator bean");
	}

	@Test
	void tellsThatTheSecretIsTooShortWithoutPrintingIt(CapturedOutput output) {
		FailureAnalysis analysis = failToStart(output, "sse.security.jwt.secret=short-but-secret");
		assertThat(analysis.getDescription()).contains("has 16 bytes", "at least 32 bytes");
		assertThat(analysis.getAction()).contains("openssl rand -base64 48");
		assertThat(output.getOut() + output.getErr()).doesNotContain("short-but-secret");
	}

	@Test
	void tellsThatThePublicKeyIsTooWeak(CapturedOutput output, @TempDir Path directory)
			throws IOException, NoSuchAlgorithmException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(1024);
		Path pem = directory.resolve("weak.pem");
		Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
				+ Base64.getMimeEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded())
				+ "\n-----END PUBLIC KEY-----\n");
		FailureAnalysis analysis = failToStart(output, "sse.security.jwt.public-key-location=file:" + pem);
		assertThat(analysis.getDescription()).contains("1024 bits", "at least 2048");
		assertThat(analysis.getAction()).contains("sse.security.jwt.public-key-location");
	}

	@Test
	void tellsThatThePublicKeyCannotBeRead(CapturedOutput output, @TempDir Path directory) {
		failToStartWith(output, "Invalid value", "sse.security.jwt.public-key-location=file:" + directory.resolve("absent.pem"));
		assertThat(output).contains("sse.security.jwt.public-key-location").contains("Cannot read a PEM public key");
	}

	@Test
	void tellsThatTheJwkSetUriIsNotAUrl(CapturedOutput output) {
		FailureAnalysis analysis = failToStart(output, "sse.security.jwt.jwk-set-uri=not a url");
		assertThat(analysis.getDescription()).contains("sse.security.jwt.jwk-set-uri is not a valid URL");
		assertThat(analysis.getAction()).contains("JWK set");
	}

	@Test
	void tellsThatTheControlApiWouldBeOpenToTheNetwork(CapturedOutput output) {
		FailureAnalysis analysis = failToStart(output, SECRET, "sse.control.enabled=true",
				"sse.control.address=0.0.0.0");
		assertThat(analysis.getDescription()).contains("0.0.0.0 without an API key");
		assertThat(analysis.getAction()).contains("sse.control.api-key", "127.0.0.1");
	}

	@Test
	void tellsThatTheControlPortIsTaken(CapturedOutput output) throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			int port = taken.getLocalPort();
			// Tomcat's own stack trace of the taken port says nothing the analysis does not.
			failToStartWith(output, "The SSE control API could not listen on 127.0.0.1:" + port, SECRET,
					"sse.control.enabled=true", "sse.control.port=" + port,
					"logging.level.org.apache.catalina.util.LifecycleBase=off");
			assertThat(output).contains("set sse.control.port to a free port");
		}
	}

	@Test
	void leavesOtherPortsToSpringBoot() {
		MockEnvironment environment = new MockEnvironment().withProperty("sse.control.enabled", "true")
			.withProperty("sse.control.port", "8001");
		ControlPortInUseFailureAnalyzer analyzer = new ControlPortInUseFailureAnalyzer(environment);
		assertThat(analyzer.analyze(new org.springframework.boot.web.server.PortInUseException(8080))).isNull();
		assertThat(analyzer.analyze(new org.springframework.boot.web.server.PortInUseException(8001))).isNotNull();
		assertThat(new ControlPortInUseFailureAnalyzer(new MockEnvironment().withProperty("sse.control.port", "8001"))
			.analyze(new org.springframework.boot.web.server.PortInUseException(8001))).isNull();
	}

	@Test
	void tellsThatClusterModeNeedsSpringDataRedis(CapturedOutput output) {
		Throwable failure = assertThatException()
			.isThrownBy(() -> new SpringApplicationBuilder(SseTestApplication.class)
				.resourceLoader(new DefaultResourceLoader(new FilteredClassLoader(RedisConnectionFactory.class)))
				.properties("server.port=0", "spring.main.banner-mode=off", SECRET, "sse.cluster.type=redis")
				.run()
				.close())
			.actual();
		FailureAnalysis analysis = new SseConfigurationFailureAnalyzer().analyze(failure);
		assertThat(analysis.getDescription()).contains("sse.cluster.type=redis", "Spring Data Redis");
		assertThat(analysis.getAction()).contains("spring-boot-starter-data-redis", "sse.cluster.type=none");
		assertThat(output).contains("APPLICATION FAILED TO START").contains(analysis.getAction());
	}

	/**
	 * Starts the test application, which must fail, and returns what the starter's
	 * analyzer says of the failure, after checking that Spring Boot printed it.
	 */
	private FailureAnalysis failToStart(CapturedOutput output, String... properties) {
		Throwable failure = start(properties);
		FailureAnalysis analysis = new SseConfigurationFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("a failure of the starter's configuration").isNotNull();
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Description:\n\n" + analysis.getDescription())
			.contains("Action:\n\n" + analysis.getAction());
		return analysis;
	}

	private void failToStartWith(CapturedOutput output, String description, String... properties) {
		start(properties);
		assertThat(output).contains("APPLICATION FAILED TO START").contains("Description:").contains(description);
	}

	private static Throwable start(String... properties) {
		return assertThatException().isThrownBy(() -> new SpringApplicationBuilder(SseTestApplication.class)
			.properties("server.port=0", "spring.main.banner-mode=off")
			.properties(properties)
			.run()
			.close()).actual();
	}

}
