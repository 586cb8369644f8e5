package dev.sseboot.benchmarks;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.sseboot.sse.cluster.ClusterLog;
import dev.sseboot.sse.cluster.LogRecord;
import dev.sseboot.sse.cluster.redis.RedisClusterLog;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * What {@code sse.cluster.redis.acknowledging-replicas=1} costs a publisher: a primary and
 * one replica of their own on 127.0.0.1, the cluster's log appending 100-byte events with
 * and without waiting for the replica ({@code WAIT 1}), in alternating rounds. Prints the
 * mean and 99th percentile of one publisher's sends and the rate of 16 publishers, and the
 * ratio of each figure with the wait to the figure without.
 *
 * <pre>
 * java -cp "benchmarks/target/classes:benchmarks/target/lib/*" dev.sseboot.benchmarks.ReplicaAcknowledgementCost [rounds]
 * </pre>
 * Needs {@code redis-server} and {@code redis-cli} on the path.
 */
public final class ReplicaAcknowledgementCost {

	private static final int SEQUENTIAL_SENDS = 3000;

	private static final Duration CONCURRENT_RUN = Duration.ofSeconds(3);

	private static final String PAYLOAD = "x".repeat(100);

	private ReplicaAcknowledgementCost() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 3;
		int primaryPort = freePort();
		int replicaPort = freePort();
		Process primary = redis(primaryPort);
		Process replica = redis(replicaPort, "--replicaof", "127.0.0.1", Integer.toString(primaryPort));
		try {
			awaitReplication(replicaPort);
			LettuceConnectionFactory factory = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration("127.0.0.1", primaryPort));
			factory.afterPropertiesSet();
			factory.start();
			System.out.println("| replicas acknowledging | one publisher: mean send, µs | p99, µs | 16 publishers, "
					+ "events/s |");
			System.out.println("|---:|---:|---:|---:|");
			double[][] totals = new double[2][3];
			for (int round = 0; round < rounds; round++) {
				for (int replicas = 0; replicas <= 1; replicas++) {
					double[] figures = measure(factory, replicas);
					System.out.printf("| %d | %.0f | %.0f | %.0f |%n", replicas, figures[0], figures[1], figures[2]);
					for (int i = 0; i < 3; i++) {
						totals[replicas][i] += figures[i];
					}
				}
			}
			System.out.printf("%nWith the wait / without, over %d rounds: mean send %.2f, p99 %.2f, rate %.2f%n", rounds,
					totals[1][0] / totals[0][0], totals[1][1] / totals[0][1], totals[1][2] / totals[0][2]);
			factory.destroy();
		}
		finally {
			replica.destroyForcibly();
			primary.destroyForcibly();
		}
	}

	/** Mean and p99 of sequential sends in µs, and the rate of 16 publishers. */
	private static double[] measure(LettuceConnectionFactory factory, int replicas) throws Exception {
		RedisClusterLog log = new RedisClusterLog(factory, "bench-ack-" + replicas + "-" + System.nanoTime() + ":",
				10_000, Duration.ofMinutes(5), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMinutes(5),
				replicas, (channel) -> false);
		log.start(new ClusterLog.Reader() {

			@Override
			public void reset(String epoch, long position, boolean missed) {
			}

			@Override
			public void read(List<LogRecord> records) {
			}

		});
		try {
			while (log.epoch() == null) {
				Thread.sleep(10);
			}
			long[] nanos = new long[SEQUENTIAL_SENDS];
			for (int i = 0; i < SEQUENTIAL_SENDS; i++) {
				long start = System.nanoTime();
				log.append(event());
				nanos[i] = System.nanoTime() - start;
			}
			Arrays.sort(nanos);
			double mean = Arrays.stream(nanos).average().orElse(0) / 1000;
			double p99 = nanos[(int) (SEQUENTIAL_SENDS * 0.99)] / 1000.0;
			ExecutorService publishers = Executors.newFixedThreadPool(16);
			long deadline = System.nanoTime() + CONCURRENT_RUN.toNanos();
			List<Future<Integer>> counts = new ArrayList<>();
			for (int t = 0; t < 16; t++) {
				counts.add(publishers.submit(() -> {
					int sent = 0;
					while (System.nanoTime() < deadline) {
						log.append(event());
						sent++;
					}
					return sent;
				}));
			}
			long sent = 0;
			for (Future<Integer> count : counts) {
				sent += count.get();
			}
			publishers.shutdown();
			return new double[] { mean, p99, sent / (double) CONCURRENT_RUN.toSeconds() };
		}
		finally {
			log.stop();
		}
	}

	private static LogRecord event() {
		return LogRecord.event("tick", PAYLOAD, Instant.now(), null, "bench", null);
	}

	private static Process redis(int port, String... extra) throws IOException {
		List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind",
				"127.0.0.1", "--save", "", "--appendonly", "no", "--dir", System.getProperty("java.io.tmpdir"),
				"--dbfilename", "bench-redis-" + port + ".rdb"));
		command.addAll(List.of(extra));
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(new File(System.getProperty("java.io.tmpdir"), "bench-redis-" + port + ".log"))
			.start();
	}

	private static void awaitReplication(int replicaPort) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (System.nanoTime() < deadline) {
			Process info = new ProcessBuilder("redis-cli", "-p", Integer.toString(replicaPort), "INFO", "replication")
				.redirectErrorStream(true)
				.start();
			String text = new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			info.waitFor();
			if (text.contains("master_link_status:up")) {
				return;
			}
			Thread.sleep(100);
		}
		throw new IllegalStateException("The replica did not connect to its primary");
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
