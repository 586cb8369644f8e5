package dev.sseboot.sse.test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A node of the test application in a JVM of its own, for tests that kill one: runs with
 * the given properties as arguments and prints {@code READY <port>} once it serves.
 */
public final class ClusterNodeMain {

	private ClusterNodeMain() {
	}

	public static void main(String[] args) {
		ConfigurableApplicationContext node = new SpringApplicationBuilder(SseTestApplication.class)
			.properties("server.port=0", "spring.main.banner-mode=off", "sse.security.jwt.secret=" + TestTokens.SECRET)
			.run(args);
		System.out.println("READY " + ((WebServerApplicationContext) node).getWebServer().getPort());
		System.out.flush();
	}

}
