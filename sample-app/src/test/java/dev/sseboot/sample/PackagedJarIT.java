package dev.sseboot.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged sample app as a user runs it, {@code java -jar}: it starts, hands out a
 * token and streams; and the same jar run with the classes that {@code process-aot}
 * generated at build time ({@code -Dspring.aot.enabled=true}).
 */
class PackagedJarIT {

	private static final Pattern STARTED = Pattern.compile("Tomcat started on port (\\d+)");

	@Test
	void runnableJarStartsAndStreams() throws Exception {
		runsAndStreams(false);
	}

	@Test
	void runnableJarStartsAndStreamsAfterAotProcessing() throws Exception {
		runsAndStreams(true);
	}

	private void runsAndStreams(boolean aot) throws Exception {
		Path jar = Path.of(System.getProperty("sample.jar"));
		assertThat(jar).exists();
		String java = ProcessHandle.current().info().command().orElse("java");
		Process process = new ProcessBuilder(java, "-Dspring.aot.enabled=" + aot, "-jar", jar.toString(),
				"--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off")
			.redirectErrorStream(true)
			.start();
		StringBuffer output = new StringBuffer();
		try {
			int port = awaitPort(process, output).get(60, TimeUnit.SECONDS);
			assertThat(output).as("the application's start").satisfies((started) -> {
				if (aot) {
					assertThat(started).contains("Starting AOT-processed SampleApplication");
				}
				else {
					assertThat(started).doesNotContain("AOT-processed");
				}
			});
			HttpClient http = HttpClient.newHttpClient();
			HttpResponse<String> login = http.send(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/demo/login"))
						.header("Content-Type", "application/x-www-form-urlencoded")
						.POST(HttpRequest.BodyPublishers.ofString("user=jar-user&channel=ticker"))
						.build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(login.statusCode()).isEqualTo(200);
			String token = JsonMapper.builder().build().readTree(login.body()).get("token").asString();
			HttpResponse<Stream<String>> stream = http.send(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sse?channel=ticker&token=" + token))
						.timeout(Duration.ofSeconds(30))
						.build(),
					HttpResponse.BodyHandlers.ofLines());
			assertThat(stream.statusCode()).isEqualTo(200);
			try (Stream<String> lines = stream.body()) {
				// sse-connected, then the demo's ticker.
				assertThat(lines.filter((line) -> line.startsWith("data: ")).limit(2).toList())
					.satisfiesExactly((connected) -> assertThat(connected).contains("\"userId\":\"jar-user\""),
							(tick) -> assertThat(tick).contains("\"n\":"));
			}
		}
		finally {
			process.destroy();
			if (!process.waitFor(20, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
	}

	/**
	 * Reads the application's output until Tomcat says its port, echoing it to the test log
	 * and keeping it in {@code lines}.
	 */
	private static CompletableFuture<Integer> awaitPort(Process process, StringBuffer lines) {
		CompletableFuture<Integer> port = new CompletableFuture<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader output = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line = output.readLine(); line != null; line = output.readLine()) {
					System.out.println("[jar] " + line);
					lines.append(line).append('\n');
					Matcher started = STARTED.matcher(line);
					if (started.find()) {
						port.complete(Integer.parseInt(started.group(1)));
					}
				}
				port.completeExceptionally(new IllegalStateException("The jar exited before Tomcat started"));
			}
			catch (IOException ex) {
				port.completeExceptionally(ex);
			}
		}, "packaged-jar-output");
		reader.setDaemon(true);
		reader.start();
		return port;
	}

}
