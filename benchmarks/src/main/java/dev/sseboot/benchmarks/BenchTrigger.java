package dev.sseboot.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

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

	/**
	 * From the time a publish was due (its {@code t}) to the time its request reached this
	 * controller, in µs: the first leg of an event's timeline (the load driver's HTTP
	 * client, the server's request handling), which the delivery latency includes.
	 */
	private final Recorder publishLag = new Recorder(3);

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
		if (t > 0) {
			this.publishLag.recordValue(Math.max(0, micros(Instant.now()) - t));
		}
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

	/** The publish lag of the timed publishes since the last call: p50, p99 and max in ms. */
	@GetMapping("/lag")
	String lag() {
		Histogram lag = this.publishLag.getIntervalHistogram();
		return "{\"publishes\":" + lag.getTotalCount() + ",\"p50_ms\":" + lag.getValueAtPercentile(50) / 1000.0
				+ ",\"p99_ms\":" + lag.getValueAtPercentile(99) / 1000.0 + ",\"max_ms\":" + lag.getMaxValue() / 1000.0
				+ "}";
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
		return data(seq, micros(Instant.now()), pad);
	}

	private static long micros(Instant instant) {
		return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1000;
	}

	static String data(long seq, long micros, int pad) {
		StringBuilder data = new StringBuilder(40 + pad).append(seq).append(' ').append(micros).append(' ');
		for (int i = 0; i < pad; i++) {
			data.append('x');
		}
		return data.toString();
	}

}
