package dev.sseboot.sse.broker;

import dev.sseboot.sse.fixtures.SseTestApplication;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import dev.sseboot.sse.test.SseTestClient.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter's log lines in Spring Boot's structured (ECS) logging: the stream's
 * connection id in the MDC, no user id unless allowed, never a token.
 */
@ExtendWith(OutputCaptureExtension.class)
class StreamLoggingIntegrationTests {

	/** Where Spring Boot hands the console's structured format to Logback. */
	private static final String STRUCTURED_FORMAT_PROPERTY = "CONSOLE_LOG_STRUCTURED_FORMAT";

	@Test
	void logsTheConnectionIdInTheMdcAndNeitherUserNorToken(CapturedOutput output) {
		// Logging is set up once per JVM until cleaned up: the test contexts before set it up
		// their way. Closing this application cleans it up again for the ones after, and the
		// system property that carries the format goes too.
		LoggingSystem.get(getClass().getClassLoader()).cleanUp();
		try {
			logWithEcs(output);
		}
		finally {
			System.clearProperty(STRUCTURED_FORMAT_PROPERTY);
		}
	}

	private void logWithEcs(CapturedOutput output) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SseTestApplication.class)
			.properties("server.port=0", "sse.security.jwt.secret=" + TestTokens.SECRET,
					"logging.structured.format.console=ecs", "logging.level.dev.sseboot.sse.broker.NodeBroker=debug")
			.run()) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			String token = TestTokens.forUser("private-person");
			String connectionId;
			try (Stream stream = new SseTestClient(port).openWithBearer("/sse", token)) {
				connectionId = stream.connectionId();
				context.getBean(NodeBroker.class).disconnectUser("private-person");
				assertThat(stream.next("sse-close").field("reason")).isEqualTo("revoked");
			}
			await().untilAsserted(() -> assertThat(output.getOut()).contains("Closing SseStream[" + connectionId + "]"));
			String line = output.getOut()
				.lines()
				.filter((candidate) -> candidate.contains("Closing SseStream[" + connectionId + "]"))
				.findFirst()
				.orElseThrow();
			// ECS nests the MDC key sse.connectionId.
			assertThat(line).startsWith("{").contains("\"sse\":{\"connectionId\":\"" + connectionId + "\"}");
			assertThat(output.getOut()).doesNotContain("private-person").doesNotContain(token);
		}
	}

}
