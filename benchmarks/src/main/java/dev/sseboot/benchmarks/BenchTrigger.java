package dev.sseboot.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Publish triggers and memory figures for the load driver. Event data is
 * {@code <seq> <publish time in epoch micros> <padding>}, so that the load generator can
 * measure latency and detect lost, duplicate and out-of-order events on any server.
 */
@RestController
@RequestMapping("/bench")
class BenchTrigger {

	private final Fanout fanout;

	BenchTrigger(Fanout fanout) {
		this.fanout = fanout;
	}

	/**
	 * Publishes {@code count} broadcasts with sequence numbers from {@code seq}. An open-loop
	 * publisher passes {@code t}, the time it meant to publish, so that latency includes
	 * any queueing behind a slow server.
	 */
	@PostMapping("/publish")
	String publish(@RequestParam int count, @RequestParam long seq, @RequestParam(defaultValue = "0") int pad,
			@RequestParam(defaultValue = "0") long t) {
		for (int i = 0; i < count; i++) {
			this.fanout.broadcast((t > 0) ? data(seq + i, t, pad) : data(seq + i, pad));
		}
		return "{\"published\":" + count + "}";
	}

	/** Sends event {@code seq} to each of the users {@code user-from} to {@code user-(to-1)}. */
	@PostMapping("/users")
	String users(@RequestParam int from, @RequestParam int to, @RequestParam long seq,
			@RequestParam(defaultValue = "0") int pad) {
		for (int user = from; user < to; user++) {
			this.fanout.toUser("user-" + user, data(seq, pad));
		}
		return "{\"published\":" + (to - from) + "}";
	}

	/** Heap used after a full collection, resident set size, open streams. */
	@GetMapping("/stats")
	String stats() throws Exception {
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(200);
		}
		MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
		long rss = 0;
		for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
			if (line.startsWith("VmRSS:")) {
				rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
			}
		}
		return "{\"heapUsed\":" + heap.getUsed() + ",\"heapCommitted\":" + heap.getCommitted() + ",\"rss\":" + rss
				+ ",\"connections\":" + this.fanout.connections() + ",\"threads\":"
				+ ManagementFactory.getThreadMXBean().getThreadCount() + "}";
	}

	static String data(long seq, int pad) {
		Instant now = Instant.now();
		return data(seq, now.getEpochSecond() * 1_000_000 + now.getNano() / 1000, pad);
	}

	static String data(long seq, long micros, int pad) {
		StringBuilder data = new StringBuilder(40 + pad).append(seq).append(' ').append(micros).append(' ');
		for (int i = 0; i < pad; i++) {
			data.append('x');
		}
		return data.toString();
	}

}
