package dev.sseboot.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import dev.sseboot.sse.SseBroker;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Bench application nodes in one JVM, in cluster mode on the Redis at 127.0.0.1:6379 with a
 * key prefix of their own, or a node on its own; for the in-process cluster benchmarks.
 */
final class ClusterNodes implements AutoCloseable {

	private static final RedisScript<Long> KEYS_MEMORY = RedisScript.of("""
			local bytes = 0
			for _, key in ipairs(KEYS) do
				bytes = bytes + (redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0') or 0)
			end
			return bytes
			""", Long.class);

	private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	private final String keyPrefix = "bench-" + UUID.randomUUID().toString().substring(0, 8) + ":";

	private final boolean cluster;

	private final List<String> properties;

	ClusterNodes(boolean cluster, String... properties) {
		this.cluster = cluster;
		this.properties = List.of(properties);
	}

	/** Starts one more node. */
	ConfigurableApplicationContext start() {
		List<String> arguments = new ArrayList<>(List.of("--server.port=0",
				"--sse.cluster.type=" + (this.cluster ? "redis" : "none"), "--sse.cluster.redis.key-prefix=" + this.keyPrefix,
				"--spring.data.redis.host=127.0.0.1"));
		this.properties.forEach((property) -> arguments.add("--" + property));
		// Arguments, as application.properties would win over default properties.
		ConfigurableApplicationContext node = new SpringApplicationBuilder(BenchApplication.class).profiles("starter")
			.run(arguments.toArray(String[]::new));
		this.nodes.add(node);
		return node;
	}

	static SseBroker broker(ConfigurableApplicationContext node) {
		return node.getBean(SseBroker.class);
	}

	static int port(ConfigurableApplicationContext node) {
		return ((WebServerApplicationContext) node).getWebServer().getPort();
	}

	/** A Redis INFO figure, e.g. {@code used_memory} or {@code cmdstat_evalsha} (its calls). */
	long redisInfo(String field) {
		String section = field.startsWith("cmdstat_") ? "commandstats" : "memory";
		String value = info(section).getProperty(field);
		if (value == null) {
			return 0;
		}
		// Command stats read "calls=<n>,usec=...".
		return Long.parseLong(value.replaceFirst("^calls=", "").replaceFirst("[^0-9].*$", ""));
	}

	/** What the nodes' keys take in Redis, by {@code MEMORY USAGE} of each, in bytes. */
	long keysMemory() {
		StringRedisTemplate redis = new StringRedisTemplate(
				this.nodes.get(0).getBean(RedisConnectionFactory.class));
		List<String> keys = new ArrayList<>(redis.keys("{" + this.keyPrefix + "}*"));
		Long total = redis.execute(KEYS_MEMORY, keys);
		return (total != null) ? total : 0;
	}

	/** The CPU time Redis has used, user and system, in seconds. */
	double redisCpuSeconds() {
		Properties cpu = info("cpu");
		return Double.parseDouble(cpu.getProperty("used_cpu_user", "0"))
				+ Double.parseDouble(cpu.getProperty("used_cpu_sys", "0"));
	}

	private Properties info(String section) {
		StringRedisTemplate redis = new StringRedisTemplate(
				this.nodes.get(0).getBean(RedisConnectionFactory.class));
		Properties info = redis.execute((RedisCallback<Properties>) (connection) -> connection.serverCommands()
			.info(section));
		return (info != null) ? info : new Properties();
	}

	@Override
	public void close() {
		this.nodes.forEach(ConfigurableApplicationContext::close);
		if (this.cluster) {
			// Once the nodes are gone: a node would begin a new epoch in an emptied log.
			LettuceConnectionFactory factory = new LettuceConnectionFactory("127.0.0.1", 6379);
			factory.afterPropertiesSet();
			factory.start();
			try {
				StringRedisTemplate redis = new StringRedisTemplate(factory);
				redis.delete(redis.keys("{" + this.keyPrefix + "}*"));
			}
			finally {
				factory.destroy();
			}
		}
	}

}
