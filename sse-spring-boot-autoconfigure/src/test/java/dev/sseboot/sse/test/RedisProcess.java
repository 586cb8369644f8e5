package dev.sseboot.sse.test;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A Redis server of a test's own, on a free port of 127.0.0.1, without persistence: for
 * outages the test causes itself. Needs {@code redis-server} on the path.
 */
public final class RedisProcess implements AutoCloseable {

	private final int port;

	private final List<String> extraArguments;

	private Process process;

	private RedisProcess(int port, List<String> extraArguments) {
		this.port = port;
		this.extraArguments = extraArguments;
	}

	/**
	 * Starts a Redis server on a free port.
	 * @param extraArguments further arguments, e.g. {@code --cluster-enabled yes}
	 * @return the running server
	 */
	public static RedisProcess startOnFreePort(String... extraArguments) {
		RedisProcess redis = new RedisProcess(freePort(), List.of(extraArguments));
		redis.restart();
		return redis;
	}

	/**
	 * Starts the server (again, after {@link #stop()}) on its port, empty.
	 */
	public void restart() {
		List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(this.port), "--bind",
				"127.0.0.1", "--save", "", "--appendonly", "no", "--dir", System.getProperty("java.io.tmpdir")));
		command.addAll(this.extraArguments);
		try {
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(new File(System.getProperty("java.io.tmpdir"), "redis-" + this.port + ".log"))
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("These tests start redis-server of their own: install it (Debian: "
					+ "redis-server)", ex);
		}
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> ClusterNodes.requireRedis(this.port));
	}

	/**
	 * Stops the server at once, as a crash would: it keeps nothing.
	 */
	public void stop() {
		this.process.destroyForcibly();
		try {
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Returns the port the server listens on.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	@Override
	public void close() {
		stop();
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
