package dev.sseboot.sse;

import java.util.Map;

import dev.sseboot.sse.fixtures.SseTestApplication;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The suite runs with {@code spring.threads.virtual.enabled} as the build sets it (CI runs
 * it once more on Java 25 with virtual threads on): this test proves which threads served
 * it, so a run that asked for virtual threads cannot pass on platform threads.
 */
@SpringBootTest(classes = SseTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.security.jwt.secret=" + TestTokens.SECRET, "spring.security.user.name=user",
				"spring.security.user.password=x" })
@Import(ServerThreadingIntegrationTests.ThreadEndpoint.class)
class ServerThreadingIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	Environment environment;

	@Test
	void servesRequestsOnVirtualThreadsExactlyWhenAskedTo() {
		boolean virtual = this.environment.getProperty("spring.threads.virtual.enabled", Boolean.class, false);
		if (virtual) {
			assertThat(Runtime.version().feature()).as("virtual threads need Java 21 or later")
				.isGreaterThanOrEqualTo(21);
		}
		SseTestClient client = new SseTestClient(this.port);
		String thread = client.send("GET", "/other/thread", Map.of("Authorization", "Basic dXNlcjp4"))
			.body();
		assertThat(thread).as(thread).isNotBlank();
		assertThat(thread.startsWith("VirtualThread")).as(thread).isEqualTo(virtual);
		try (SseTestClient.Stream stream = client.openWithBearer("/sse", TestTokens.forUser("threads"))) {
			assertThat(stream.status()).isEqualTo(200);
			assertThat(stream.next().name()).isEqualTo("sse-connected");
		}
	}

	@RestController
	static class ThreadEndpoint {

		@GetMapping("/other/thread")
		String thread() {
			return Thread.currentThread().toString();
		}

	}

}
