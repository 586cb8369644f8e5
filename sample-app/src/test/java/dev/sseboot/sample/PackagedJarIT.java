package dev.sseboot.sample;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplicationAotProcessor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged sample app as a user runs it, {@code java -jar}: it starts, hands out a
 * token and streams; the same jar run with the classes that {@code process-aot} generated
 * at build time ({@code -Dspring.aot.enabled=true}); and the cluster profile, which AOT
 * must process with the profile it runs with (the conditions are fixed when processed):
 * processed here as the build would, then run in cluster mode on the Redis at
 * 127.0.0.1:6379.
 */
class PackagedJarIT {

	private static final Pattern STARTED = Pattern.compile("Tomcat started on port (\\d+)");

	private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

	@Test
	void runnableJarStartsAndStreams() throws Exception {
		String connected = runsAndStreams(List.of("-Dspring.aot.enabled=false", "-jar", jar()), false);
		assertThat(connected).doesNotContain("\"node\"");
	}

	@Test
	void runnableJarStartsAndStreamsAfterAotProcessing() throws Exception {
		runsAndStreams(List.of("-Dspring.aot.enabled=true", "-jar", jar()), true);
	}

	@Test
	void clusterProfileProcessedForAotStartsInClusterModeAndStreams(@TempDir Path aot) throws Exception {
		// The application's class path, as process-aot sees it: without the tests' classes.
		String classpath = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> !entry.endsWith("test-classes"))
			.collect(Collectors.joining(File.pathSeparator));
		// What process-aot does, with the profile the nodes run with.
		Process processing = new ProcessBuilder(JAVA, "-cp", classpath, SpringApplicationAotProcessor.class.getName(),
				SampleApplication.class.getName(), aot.resolve("sources").toString(), aot.resolve("resources").toString(),
				aot.resolve("classes").toString(), "dev.sseboot", "sse-sample-app", "--spring.profiles.active=cluster")
			.redirectErrorStream(true)
			.redirectOutput(aot.resolve("processing.log").toFile())
			.start();
		assertThat(processing.waitFor(120, TimeUnit.SECONDS)).isTrue();
		assertThat(processing.exitValue()).as(Files.readString(aot.resolve("processing.log"))).isZero();
		Path compiled = compile(aot.resolve("sources"), aot.resolve("classes"), classpath);
		String aotClasspath = String.join(File.pathSeparator, compiled.toString(), aot.resolve("resources").toString(),
				classpath);
		String connected = runsAndStreams(List.of("-Dspring.aot.enabled=true", "-cp", aotClasspath,
				SampleApplication.class.getName(), "--spring.profiles.active=cluster",
				"--sse.cluster.redis.key-prefix=aot-it-" + ProcessHandle.current().pid() + ":"), true);
		// Served by a node of a cluster: it names itself.
		assertThat(connected).contains("\"node\":\"node-");
	}

	private static String jar() {
		Path jar = Path.of(System.getProperty("sample.jar"));
		assertThat(jar).exists();
		return jar.toString();
	}

	/** Compiles the generated sources, in front of the classes the AOT engine generated. */
	private static Path compile(Path sources, Path generatedClasses, String classpath) throws IOException {
		List<String> arguments = new ArrayList<>(List.of("--release", "17", "-proc:none", "-d",
				generatedClasses.toString(), "-cp", classpath));
		try (Stream<Path> files = Files.walk(sources)) {
			files.filter((file) -> file.toString().endsWith(".java")).forEach((file) -> arguments.add(file.toString()));
		}
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		assertThat(compiler.run(null, null, null, arguments.toArray(String[]::new))).as("javac").isZero();
		return generatedClasses;
	}

	/**
	 * Starts the application, logs in, opens a stream and reads its first two events;
	 * returns the data of its {@code sse-connected}.
	 */
	private String runsAndStreams(List<String> launch, boolean aot) throws Exception {
		List<String> command = new ArrayList<>(List.of(JAVA));
		command.addAll(launch);
		command.addAll(List.of("--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off"));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
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
				List<String> data = lines.filter((line) -> line.startsWith("data: ")).limit(2).toList();
				assertThat(data).satisfiesExactly((connected) -> assertThat(connected).contains("\"userId\":\"jar-user\""),
						(tick) -> assertThat(tick).contains("\"n\":"));
				return data.get(0);
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
					System.out.println("[app] " + line);
					lines.append(line).append('\n');
					Matcher started = STARTED.matcher(line);
					if (started.find()) {
						port.complete(Integer.parseInt(started.group(1)));
					}
				}
				port.completeExceptionally(new IllegalStateException("The application exited before Tomcat started"));
			}
			catch (IOException ex) {
				port.completeExceptionally(ex);
			}
		}, "packaged-app-output");
		reader.setDaemon(true);
		reader.start();
		return port;
	}

}
