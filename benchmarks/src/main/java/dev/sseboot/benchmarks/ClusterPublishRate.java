package dev.sseboot.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.sseboot.sse.SseBroker;

/**
 * The sustained publish rate through the cluster's log: publishing threads on one node send
 * broadcasts of 100 bytes for ten seconds, as fast as {@code send} returns; a stream on the
 * last node counts what arrives and checks the order. Prints, for 1 to 64 threads, the
 * events sent per second, how many the stream did not get, and how many events went to
 * Redis per script (the batching of concurrent appends) and the CPU time Redis spent on
 * them, writing and serving every node's reads (two nodes, then four for 16 threads, to
 * tell what a reading node costs); beside it, the same threads on a node without a cluster
 * and without streams, for what publishing costs without Redis.
 *
 * <pre>
 * java -cp "benchmarks/target/classes:benchmarks/target/lib/*" dev.sseboot.benchmarks.ClusterPublishRate [seconds]
 * </pre>
 * Needs the Redis at 127.0.0.1:6379, otherwise idle: its CPU and command counts are
 * server-wide.
 */
public final class ClusterPublishRate {

	private static final String SECRET = "bench-secret-bench-secret-bench-secret-0123";

	private static final String PAYLOAD = "x".repeat(100);

	private ClusterPublishRate() {
	}

	public static void main(String[] args) throws Exception {
		Duration run = Duration.ofSeconds((args.length > 0) ? Long.parseLong(args[0]) : 10);
		System.out.println("| publishing threads | nodes | cluster on Redis, events/s | not received | events per script "
				+ "| Redis CPU per 1 000 events, ms | one node without Redis, events/s |");
		System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
		// The last row adds two nodes that only read: what each reading node costs Redis.
		int[][] rows = { { 1, 2 }, { 4, 2 }, { 16, 2 }, { 64, 2 }, { 16, 4 } };
		for (int[] row : rows) {
			int threads = row[0];
			double cluster;
			long lost;
			double perScript;
			double redisCpu;
			try (ClusterNodes nodes = new ClusterNodes(true, "sse.replay.max-events=10000",
					"sse.connection.queue-capacity=100000")) {
				SseBroker publisher = ClusterNodes.broker(nodes.start());
				for (int reader = 2; reader < row[1]; reader++) {
					nodes.start();
				}
				try (Subscriber subscriber = new Subscriber(ClusterNodes.port(nodes.start()))) {
					long scripts = nodes.redisInfo("cmdstat_evalsha");
					double cpu = nodes.redisCpuSeconds();
					long sent = publish(publisher, threads, run);
					cluster = sent / (double) run.toSeconds();
					perScript = sent / (double) Math.max(1, nodes.redisInfo("cmdstat_evalsha") - scripts);
					lost = sent - subscriber.awaitCount(sent);
					// Writing the events, and every node reading them.
					redisCpu = (nodes.redisCpuSeconds() - cpu) * 1e6 / sent;
				}
			}
			double single;
			try (ClusterNodes nodes = new ClusterNodes(false)) {
				single = publish(ClusterNodes.broker(nodes.start()), threads, run) / (double) run.toSeconds();
			}
			System.out.printf("| %d | %d | %.0f | %d | %.1f | %.1f | %.0f |%n", threads, row[1], cluster, lost, perScript,
					redisCpu, single);
		}
	}

	/** Broadcasts from several threads until the time is up, and returns how many. */
	private static long publish(SseBroker publisher, int threads, Duration run) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		long end = System.nanoTime() + run.toNanos();
		AtomicLong sent = new AtomicLong();
		List<Future<?>> publishers = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			publishers.add(pool.submit(() -> {
				while (System.nanoTime() < end) {
					publisher.toAll().send("tick", PAYLOAD);
					sent.incrementAndGet();
				}
			}));
		}
		for (Future<?> future : publishers) {
			future.get();
		}
		pool.shutdown();
		return sent.get();
	}

	/** One stream that counts its events and checks that their ids rise. */
	private static final class Subscriber implements AutoCloseable {

		private final AtomicLong received = new AtomicLong();

		private final AtomicLong outOfOrder = new AtomicLong();

		private final Thread reader;

		private volatile HttpResponse<java.io.InputStream> response;

		Subscriber(int port) throws Exception {
			String token = new Tokens(SECRET).mint("bench-subscriber", 3600);
			this.response = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sse?token=" + token)).build(),
						HttpResponse.BodyHandlers.ofInputStream());
			this.reader = new Thread(this::read, "bench-subscriber");
			this.reader.setDaemon(true);
			this.reader.start();
		}

		private void read() {
			long last = -1;
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(this.response.body(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = lines.readLine()) != null) {
					if (line.startsWith("id: ")) {
						long sequence = Long.parseLong(line.substring(line.lastIndexOf('-') + 1));
						if (sequence <= last) {
							this.outOfOrder.incrementAndGet();
						}
						last = sequence;
					}
					else if (line.equals("event: tick")) {
						this.received.incrementAndGet();
					}
				}
			}
			catch (IOException ex) {
				// closed
			}
		}

		/** Waits until the stream got a number of events, or stops getting them. */
		long awaitCount(long expected) throws InterruptedException {
			long last = -1;
			long stalledSince = System.nanoTime();
			while (this.received.get() < expected && System.nanoTime() - stalledSince < 5_000_000_000L) {
				if (this.received.get() != last) {
					last = this.received.get();
					stalledSince = System.nanoTime();
				}
				Thread.sleep(50);
			}
			if (this.outOfOrder.get() > 0) {
				throw new IllegalStateException(this.outOfOrder.get() + " events out of order");
			}
			return this.received.get();
		}

		@Override
		public void close() throws IOException {
			this.response.body().close();
			try {
				this.reader.join(TimeUnit.SECONDS.toMillis(5));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
