package dev.sseboot.sample;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app as two cluster nodes (JVMs of their own, sharing the Redis at
 * 127.0.0.1:6379) behind Debian's nginx configured as docs/cluster.md says, the demo page in
 * Chromium with native {@code EventSource}: the node that serves the page's resume stream
 * is killed as {@code kill -9} would, and the page goes on receiving through the other
 * with no event lost or repeated.
 */
class ClusterFailoverBrowserTests {

	private static final Path CLUSTER_DOCS = Path.of("..", "docs", "cluster.md");

	private static final String NGINX_SECTION = "## Two nodes behind nginx on one machine";

	private final String keyPrefix = "sse-sample-" + UUID.randomUUID().toString().substring(0, 8) + ":";

	private final Map<String, Process> nodes = new java.util.HashMap<>();

	private Process nginx;

	private Path nginxPrefix;

	private HeadlessChromium browser;

	private int proxyPort;

	@BeforeEach
	void startTwoNodesBehindNginx() throws IOException {
		List<Integer> ports = List.of(freePort(), freePort());
		for (int port : ports) {
			startNode(port);
		}
		this.proxyPort = freePort();
		startNginx(this.proxyPort, ports);
		this.browser = new HeadlessChromium();
	}

	@AfterEach
	void stopAll() throws IOException {
		try {
			if (this.browser != null) {
				try {
					this.browser.screenshot("clusterFailover");
				}
				finally {
					this.browser.close();
				}
			}
		}
		finally {
			this.nodes.values().forEach(ClusterFailoverBrowserTests::kill);
			if (this.nginx != null) {
				kill(this.nginx);
			}
			if (this.nginxPrefix != null) {
				FileSystemUtils.deleteRecursively(this.nginxPrefix);
			}
			deleteKeys();
		}
	}

	/** What the nodes kept in Redis, once they are gone. */
	private void deleteKeys() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory("127.0.0.1", 6379);
		factory.afterPropertiesSet();
		factory.start();
		try {
			StringRedisTemplate redis = new StringRedisTemplate(factory);
			Set<String> keys = redis.keys("{" + this.keyPrefix + "}*");
			if (!keys.isEmpty()) {
				redis.delete(keys);
			}
		}
		finally {
			factory.destroy();
		}
	}

	@Test
	void thePageGoesOnReceivingWithNothingLostWhenItsNodeIsKilled() {
		this.browser.open("http://127.0.0.1:" + this.proxyPort + "/");
		this.browser.awaitNumber("#resume .received", 10);
		this.browser.awaitText("#resume .resume", "none");
		String servedBy = this.browser.text("#resume .node");
		assertThat(this.nodes).containsKey(servedBy);

		kill(this.nodes.remove(servedBy));
		this.browser.awaitTextOtherThan("#resume .node", servedBy);
		assertThat(this.nodes).containsKey(this.browser.text("#resume .node"));
		this.browser.awaitText("#resume .resume", "recovered");
		int afterFailover = this.browser.number("#resume .received");
		this.browser.awaitNumber("#resume .received", afterFailover + 10);
		assertThat(this.browser.number("#resume .gaps")).as(this.browser.text("#resume .log")).isZero();
	}

	private void startNode(int port) throws IOException {
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
				System.getProperty("java.class.path"), SampleApplication.class.getName(),
				"--spring.profiles.active=cluster", "--server.port=" + port, "--server.address=127.0.0.1",
				"--sse.cluster.redis.key-prefix=" + this.keyPrefix, "--sse.retry=500ms",
				"--demo.ticker-interval=100ms", "--logging.level.root=WARN"));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(new File("target", "cluster-node-" + port + ".log"))
			.start();
		this.nodes.put("node-" + port, process);
		await().atMost(Duration.ofSeconds(60)).until(() -> {
			assertThat(process.isAlive()).as("node on port %d (target/cluster-node-%d.log)", port, port).isTrue();
			return answers(port);
		});
	}

	/**
	 * The nginx configuration of docs/cluster.md, in front of both nodes: its ports become
	 * this test's, and its files go to a directory of the test's own.
	 */
	private void startNginx(int port, List<Integer> nodePorts) throws IOException {
		Path prefix = Files.createTempDirectory("sse-nginx");
		this.nginxPrefix = prefix;
		String config = documentedNginxConfiguration();
		config = replaceOnce(config, "server 127.0.0.1:8081;", "server 127.0.0.1:" + nodePorts.get(0) + ";");
		config = replaceOnce(config, "server 127.0.0.1:8082;", "server 127.0.0.1:" + nodePorts.get(1) + ";");
		config = replaceOnce(config, "listen 127.0.0.1:8080;", "listen 127.0.0.1:" + port + ";");
		config = replaceOnce(config, "daemon off;\n", """
				daemon off;
				worker_processes 1;
				pid %1$s/nginx.pid;
				error_log %1$s/error.log warn;
				""".formatted(prefix));
		config = replaceOnce(config, "http {\n", """
				http {
				  access_log off;
				  client_body_temp_path %1$s/body;
				  proxy_temp_path %1$s/proxy;
				  fastcgi_temp_path %1$s/fastcgi;
				  uwsgi_temp_path %1$s/uwsgi;
				  scgi_temp_path %1$s/scgi;
				""".formatted(prefix));
		Path file = prefix.resolve("nginx.conf");
		Files.writeString(file, config);
		String nginx = Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
		Process process;
		try {
			process = new ProcessBuilder(nginx, "-p", prefix.toString(), "-c", file.toString()).redirectErrorStream(true)
				.redirectOutput(prefix.resolve("stdout.log").toFile())
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("This test needs nginx (apt-get install nginx-light)", ex);
		}
		this.nginx = process;
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			assertThat(process.isAlive()).as("nginx: " + prefix.resolve("error.log")).isTrue();
			return answers(port);
		});
	}

	/** The nginx block of the page's section on two nodes behind nginx, as a reader copies it. */
	private static String documentedNginxConfiguration() throws IOException {
		String page = Files.readString(CLUSTER_DOCS);
		int section = page.indexOf(NGINX_SECTION);
		assertThat(section).as("'%s' in %s", NGINX_SECTION, CLUSTER_DOCS).isNotNegative();
		int start = page.indexOf("```nginx\n", section);
		assertThat(start).as("an nginx block in '%s' of %s", NGINX_SECTION, CLUSTER_DOCS).isNotNegative();
		start += "```nginx\n".length();
		return page.substring(start, page.indexOf("```", start));
	}

	/** Fails when the documented configuration no longer has the line this test adapts. */
	private static String replaceOnce(String config, String line, String replacement) {
		int at = config.indexOf(line);
		assertThat(at).as("'%s' once in:%n%s", line, config).isNotNegative().isEqualTo(config.lastIndexOf(line));
		return config.substring(0, at) + replacement + config.substring(at + line.length());
	}

	private static boolean answers(int port) {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** As kill -9 would, and its children too (nginx's worker would hold the port). */
	private static void kill(Process process) {
		process.descendants().forEach(ProcessHandle::destroyForcibly);
		process.destroyForcibly();
		try {
			process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
