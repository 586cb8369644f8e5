package dev.sseboot.sse.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.sseboot.sse.SseBroker;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Nodes of one application in cluster mode on the Redis at 127.0.0.1:6379, each an
 * application context with its own web server, all with a key prefix of their own.
 * Redis must be running: tests that need it fail, never skip, without it.
 */
public final class ClusterNodes implements AutoCloseable {

	/** Where the tests' Redis listens. */
	public static final String REDIS_HOST = "127.0.0.1";

	public static final int REDIS_PORT = 6379;

	private final String keyPrefix = "sse-test-" + UUID.randomUUID().toString().substring(0, 8) + ":";

	private final int redisPort;

	private final List<String> redisProperties;

	private final List<String> properties;

	private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	private final List<ProcessNode> processes = new ArrayList<>();

	/**
	 * Prepares nodes on the Redis at 127.0.0.1:6379.
	 * @param properties properties every node gets, besides cluster mode and the secret
	 */
	public ClusterNodes(String... properties) {
		this(REDIS_PORT, properties);
	}

	/**
	 * Prepares nodes on a Redis of 127.0.0.1.
	 * @param redisPort the Redis port
	 * @param properties properties every node gets, besides cluster mode and the secret
	 */
	public ClusterNodes(int redisPort, String... properties) {
		this(redisPort, List.of("spring.data.redis.host=" + REDIS_HOST, "spring.data.redis.port=" + redisPort),
				properties);
		requireRedis(redisPort);
	}

	private ClusterNodes(int redisPort, List<String> redisProperties, String... properties) {
		this.redisPort = redisPort;
		this.redisProperties = redisProperties;
		this.properties = List.of(properties);
	}

	/**
	 * Prepares nodes on a Redis Cluster of 127.0.0.1.
	 * @param redisPorts the ports of the Redis Cluster's nodes
	 * @param properties properties every node gets, besides cluster mode and the secret
	 * @return the nodes, not started
	 */
	public static ClusterNodes onRedisCluster(List<Integer> redisPorts, String... properties) {
		String nodes = String.join(",", redisPorts.stream().map((port) -> REDIS_HOST + ":" + port).toList());
		return new ClusterNodes(-1, List.of("spring.data.redis.cluster.nodes=" + nodes), properties);
	}

	/**
	 * Fails with a clear message when no Redis answers on a port of 127.0.0.1.
	 * @param port the port
	 */
	public static void requireRedis(int port) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(REDIS_HOST, port));
		factory.afterPropertiesSet();
		factory.start();
		try (RedisConnection connection = factory.getConnection()) {
			connection.ping();
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("These tests need Redis on " + REDIS_HOST + ":" + port + " (start it with "
					+ "redis-server --daemonize yes --bind 127.0.0.1 --port " + port + " --save '' --appendonly no)",
					ex);
		}
		finally {
			factory.destroy();
		}
	}

	/**
	 * Starts one more node.
	 * @param extraProperties properties of this node only
	 * @return the node
	 */
	public ConfigurableApplicationContext start(String... extraProperties) {
		ConfigurableApplicationContext node = new SpringApplicationBuilder(SseTestApplication.class)
			.properties("server.port=0", "spring.main.banner-mode=off", "sse.security.jwt.secret=" + TestTokens.SECRET,
					"sse.cluster.type=redis", "sse.cluster.redis.key-prefix=" + this.keyPrefix)
			.properties(this.redisProperties.toArray(String[]::new))
			.properties(this.properties.toArray(String[]::new))
			.properties(extraProperties)
			.run();
		this.nodes.add(node);
		return node;
	}

	/**
	 * Starts one more node in a JVM of its own, which a test may kill.
	 * @param extraProperties properties of this node only
	 * @return the node's process and port
	 */
	public ProcessNode startProcess(String... extraProperties) {
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
				System.getProperty("java.class.path"), ClusterNodeMain.class.getName(), "--sse.cluster.type=redis",
				"--sse.cluster.redis.key-prefix=" + this.keyPrefix, "--logging.level.root=WARN"));
		Stream.of(this.redisProperties, this.properties, List.of(extraProperties))
			.flatMap(List::stream)
			.forEach((property) -> command.add("--" + property));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			BufferedReader output = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
			String line;
			StringBuilder seen = new StringBuilder();
			while ((line = output.readLine()) != null) {
				if (line.startsWith("READY ")) {
					ProcessNode node = new ProcessNode(process, Integer.parseInt(line.substring(6).trim()));
					this.processes.add(node);
					// Keep reading, so that the node never blocks on a full pipe.
					Thread drain = new Thread(() -> output.lines().forEach((ignored) -> {
					}), "cluster-node-output");
					drain.setDaemon(true);
					drain.start();
					return node;
				}
				seen.append(line).append('\n');
			}
			throw new IllegalStateException("Node process ended before it served:\n" + seen);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A node in a JVM of its own.
	 * @param process its process
	 * @param port its web server's port
	 */
	public record ProcessNode(Process process, int port) {

		/**
		 * Kills the node as {@code kill -9} would: no shutdown hook runs.
		 */
		public void kill() {
			this.process.destroyForcibly();
			try {
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		public SseTestClient client() {
			return new SseTestClient(this.port);
		}

	}

	/**
	 * Returns a node's broker.
	 * @param node the node
	 * @return its broker
	 */
	public static SseBroker broker(ConfigurableApplicationContext node) {
		return node.getBean(SseBroker.class);
	}

	/**
	 * Returns a client of a node.
	 * @param node the node
	 * @return a client of its web server
	 */
	public static SseTestClient client(ConfigurableApplicationContext node) {
		return new SseTestClient(((WebServerApplicationContext) node).getWebServer().getPort());
	}

	/**
	 * Returns the key prefix of these nodes.
	 * @return the prefix
	 */
	public String keyPrefix() {
		return this.keyPrefix;
	}

	/**
	 * Returns a template on the tests' Redis, for looking at or changing what the nodes keep.
	 * @return the template; destroy its factory when done
	 */
	public StringRedisTemplate redis() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(REDIS_HOST, this.redisPort));
		factory.afterPropertiesSet();
		factory.start();
		return new StringRedisTemplate(factory);
	}

	/**
	 * Stops every node and deletes their keys.
	 */
	@Override
	public void close() {
		this.nodes.forEach(ConfigurableApplicationContext::close);
		this.processes.forEach(ProcessNode::kill);
		if (this.redisPort != REDIS_PORT) {
			// A Redis of the test's own, which it stops itself.
			return;
		}
		StringRedisTemplate redis = redis();
		try {
			List<String> keys = new ArrayList<>();
			try (var cursor = redis.scan(ScanOptions.scanOptions().match("{" + this.keyPrefix + "}*").build())) {
				cursor.forEachRemaining(keys::add);
			}
			if (!keys.isEmpty()) {
				redis.delete(keys);
			}
		}
		finally {
			((LettuceConnectionFactory) redis.getConnectionFactory()).destroy();
		}
	}

}
