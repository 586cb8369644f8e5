package dev.sseboot.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.sseboot.sse.SseBroker;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * What cluster mode keeps in Redis: the {@code MEMORY USAGE} of the nodes' keys before and
 * after 20 000 retained events of 100 and 1 000 bytes of data (each addressed to a
 * channel), and before and after 2 000 open streams of as many users. Prints bytes per
 * retained event and per stream.
 *
 * <pre>
 * java -cp "benchmarks/target/classes:benchmarks/target/lib/*" dev.sseboot.benchmarks.ClusterRedisMemory
 * </pre>
 * Needs the Redis at 127.0.0.1:6379.
 */
public final class ClusterRedisMemory {

	private static final String SECRET = "bench-secret-bench-secret-bench-secret-0123";

	private static final int EVENTS = 20_000;

	private static final int STREAMS = 2_000;

	private ClusterRedisMemory() {
	}

	public static void main(String[] args) throws Exception {
		System.out.println("| what Redis keeps | bytes each |");
		System.out.println("|---|---:|");
		for (int size : new int[] { 100, 1000 }) {
			try (ClusterNodes nodes = new ClusterNodes(true, "sse.replay.max-events=" + (EVENTS * 2))) {
				SseBroker broker = ClusterNodes.broker(nodes.start());
				String data = "x".repeat(size);
				long before = nodes.keysMemory();
				for (int i = 0; i < EVENTS; i++) {
					broker.toChannel("news").send("tick", data);
				}
				long after = nodes.keysMemory();
				System.out.printf("| retained event, %d B of data | %.0f |%n", size, (after - before) / (double) EVENTS);
			}
		}
		try (ClusterNodes nodes = new ClusterNodes(true)) {
			ConfigurableApplicationContext node = nodes.start();
			SseBroker broker = ClusterNodes.broker(node);
			long before = nodes.keysMemory();
			List<Socket> streams = open(ClusterNodes.port(node));
			long deadline = System.nanoTime() + 60_000_000_000L;
			while (broker.connectionCount() < STREAMS && System.nanoTime() < deadline) {
				Thread.sleep(100);
			}
			if (broker.connectionCount() < STREAMS) {
				throw new IllegalStateException("Only " + broker.connectionCount() + " streams opened");
			}
			long after = nodes.keysMemory();
			System.out.printf("| open stream, its user's only one | %.0f |%n", (after - before) / (double) STREAMS);
			for (Socket stream : streams) {
				stream.close();
			}
		}
	}

	/** Opens the streams on plain sockets that never read: the requests are all it takes. */
	private static List<Socket> open(int port) throws IOException {
		Tokens tokens = new Tokens(SECRET);
		List<Socket> streams = new ArrayList<>();
		for (int i = 0; i < STREAMS; i++) {
			Socket socket = new Socket("127.0.0.1", port);
			OutputStream out = socket.getOutputStream();
			out.write(("GET /sse?token=" + tokens.mint("memory-user-" + i, 3600) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
					+ "Accept: text/event-stream\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			streams.add(socket);
		}
		return streams;
	}

}
