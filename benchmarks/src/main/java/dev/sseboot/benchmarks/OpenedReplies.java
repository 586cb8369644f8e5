package dev.sseboot.benchmarks;

import java.util.Arrays;

/**
 * The workers' replies to {@code OPEN}, one per worker:
 * {@code OPENED <ok> <failed> <milliseconds> <p99 ms> <slowest ms> <retries>}.
 */
final class OpenedReplies {

	private OpenedReplies() {
	}

	/** The replies of several opens, one after another, as one. */
	static String[] join(String[]... replies) {
		return Arrays.stream(replies).flatMap(Arrays::stream).toArray(String[]::new);
	}

	static int ok(String[] replies) {
		return Arrays.stream(replies).mapToInt((r) -> Integer.parseInt(r.split(" ")[1])).sum();
	}

	static int failed(String[] replies) {
		return Arrays.stream(replies).mapToInt((r) -> Integer.parseInt(r.split(" ")[2])).sum();
	}

	/** Adds up two OPENED replies per worker: ok, failed, milliseconds, p99, max and retries. */
	static String[] merge(String[] a, String[] b) {
		String[] merged = new String[a.length];
		for (int w = 0; w < a.length; w++) {
			String[] x = a[w].split(" ");
			String[] y = b[w].split(" ");
			merged[w] = x[0] + " " + (Long.parseLong(x[1]) + Long.parseLong(y[1])) + " "
					+ (Long.parseLong(x[2]) + Long.parseLong(y[2])) + " " + (Long.parseLong(x[3]) + Long.parseLong(y[3]))
					+ " " + Math.max(Long.parseLong(x[4]), Long.parseLong(y[4])) + " "
					+ Math.max(Long.parseLong(x[5]), Long.parseLong(y[5])) + " "
					+ (Long.parseLong(x[6]) + Long.parseLong(y[6]));
		}
		return merged;
	}

	static long retries(String[] replies) {
		return Arrays.stream(replies).mapToLong((r) -> Long.parseLong(r.split(" ")[6])).sum();
	}

	static long ms(String[] replies) {
		return Arrays.stream(replies).mapToLong((r) -> Long.parseLong(r.split(" ")[3])).max().orElse(0);
	}

	static long maxConnect(String[] replies) {
		return Arrays.stream(replies).mapToLong(OpenedReplies::maxConnect).max().orElse(0);
	}

	static long maxConnect(String reply) {
		return Long.parseLong(reply.split(" ")[5]);
	}

	static double rate(String[] replies) {
		return ok(replies) * 1000.0 / Math.max(1, ms(replies));
	}

}
