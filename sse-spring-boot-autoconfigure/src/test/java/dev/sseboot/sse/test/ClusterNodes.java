package dev.sseboot.sse.test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

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

	private final List<String> properties;

	private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

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
		this.redisPort = redisPort;
		this.properties = List.of(properties);
		requireRedis(redisPort);
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
					"sse.cluster.type=redis", "sse.cluster.redis.key-prefix=" + this.keyPrefix,
					"spring.data.redis.host=" + REDIS_HOST, "spring.data.redis.port=" + this.redisPort)
			.properties(this.properties.toArray(String[]::new))
			.properties(extraProperties)
			.run();
		this.nodes.add(node);
		return node;
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
