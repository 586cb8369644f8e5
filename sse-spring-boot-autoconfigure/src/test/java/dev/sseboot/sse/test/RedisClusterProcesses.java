package dev.sseboot.sse.test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A Redis Cluster of the test's own: three masters on free ports of 127.0.0.1, created
 * with {@code redis-cli --cluster create}, without persistence.
 */
public final class RedisClusterProcesses implements AutoCloseable {

	private final List<RedisProcess> masters;

	private RedisClusterProcesses(List<RedisProcess> masters) {
		this.masters = masters;
	}

	/**
	 * Starts three masters and joins them into a cluster.
	 * @return the cluster, its slots all served
	 */
	public static RedisClusterProcesses startThreeMasters() {
		List<RedisProcess> masters = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			File config = new File(System.getProperty("java.io.tmpdir"), "sse-redis-cluster-" + System.nanoTime() + ".conf");
			masters.add(RedisProcess.startOnFreePort("--cluster-enabled", "yes", "--cluster-config-file",
					config.getAbsolutePath(), "--cluster-node-timeout", "5000"));
		}
		RedisClusterProcesses cluster = new RedisClusterProcesses(masters);
		List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
		masters.forEach((master) -> command.add(ClusterNodes.REDIS_HOST + ":" + master.port()));
		command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
		run(command);
		await().atMost(Duration.ofSeconds(20))
			.until(() -> masters.stream()
				.allMatch((master) -> run(List.of("redis-cli", "-p", Integer.toString(master.port()), "cluster", "info"))
					.contains("cluster_state:ok")));
		return cluster;
	}

	/**
	 * Returns the masters' ports.
	 * @return the ports
	 */
	public List<Integer> ports() {
		return this.masters.stream().map(RedisProcess::port).toList();
	}

	private static String run(List<String> command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
			}
			return output;
		}
		catch (IOException ex) {
			throw new IllegalStateException("These tests need redis-cli: install it (Debian: redis-tools)", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.masters.forEach(RedisProcess::stop);
	}

}
