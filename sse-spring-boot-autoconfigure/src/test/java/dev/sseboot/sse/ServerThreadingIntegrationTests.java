package dev.sseboot.sse;

import java.util.Map;

import dev.sseboot.sse.fixtures.SseIntegrationTest;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The suite runs with {@code spring.threads.virtual.enabled} as the build sets it (CI runs
 * it once more on Java 25 with virtual threads on): this test proves which threads served
 * it, so a run that asked for virtual threads cannot pass on platform threads.
 */
@SseIntegrationTest
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
		String thread = client.send("GET", "/other/thread", Map.of("Authorization", "Basic dXNlcjpwYXNzd29yZA=="))
			.body();
		assertThat(thread).as(thread).isNotBlank();
		assertThat(thread.startsWith("VirtualThread")).as(thread).isEqualTo(virtual);
		try (SseTestClient.Stream stream = client.openWithBearer("/sse", TestTokens.forUser("threads"))) {
			assertThat(stream.status()).isEqualTo(200);
			assertThat(stream.next().name()).isEqualTo("sse-connected");
		}
	}

}
