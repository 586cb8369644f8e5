package dev.sseboot.benchmarks;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;

import org.HdrHistogram.Histogram;

/**
 * What the load workers reported of a scenario, added up: deliveries, losses, resume
 * outcomes, latencies and, for clients that moved to another node, when they left and came
 * back, with the figures the driver draws from those times.
 */
final class MergedReport {


	long readers;

	long expected;

	long received;

	long lost;

	long duplicates;

	long outOfOrder;

	long lastDelivery;

	long[] perSeqMax = new long[0];

	long refusals;

	long longestGap;

	long[] left = new long[0];

	long[] back = new long[0];

	Map<String, Integer> resume = new LinkedHashMap<>();

	Histogram latency = new Histogram(3_600_000_000L, 3);

	/**
	 * Adds up the workers' reports.
	 * @param reports each worker's {@code REPORT} reply, JSON
	 * @return the merged report
	 */
	static MergedReport of(String[] reports) throws DataFormatException {
		MergedReport merged = new MergedReport();
		for (String json : reports) {
			merged.readers += field(json, "readers");
			merged.expected += field(json, "expected");
			merged.received += field(json, "received");
			merged.lost += field(json, "lost");
			merged.duplicates += field(json, "duplicates");
			merged.outOfOrder += field(json, "outOfOrder");
			merged.lastDelivery = Math.max(merged.lastDelivery, field(json, "lastDelivery"));
			merged.refusals += field(json, "refusals");
			merged.longestGap = Math.max(merged.longestGap, field(json, "longestGap"));
			merged.left = concat(merged.left, longs(json, "left"));
			merged.back = concat(merged.back, longs(json, "back"));
			Matcher resume = Pattern.compile("\"(none|recovered|gap|reset)\":(\\d+)").matcher(json);
			while (resume.find()) {
				merged.resume.merge(resume.group(1), Integer.parseInt(resume.group(2)), Integer::sum);
			}
			long[] values = longs(json, "perSeqMax");
			if (merged.perSeqMax.length < values.length) {
				merged.perSeqMax = Arrays.copyOf(merged.perSeqMax, values.length);
			}
			for (int i = 0; i < values.length; i++) {
				merged.perSeqMax[i] = Math.max(merged.perSeqMax[i], values[i]);
			}
			Matcher hist = Pattern.compile("\"latency\":\"([^\"]*)\"").matcher(json);
			if (hist.find()) {
				merged.latency.add(decode(hist.group(1)));
			}
		}
		return merged;
	}

	private static long[] concat(long[] a, long[] b) {
		long[] both = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, both, a.length, b.length);
		return both;
	}

	/** A worker report's array of numbers. */
	private static long[] longs(String json, String name) {
		int from = json.indexOf("\"" + name + "\":[");
		if (from < 0) {
			return new long[0];
		}
		String values = json.substring(from + name.length() + 4, json.indexOf(']', from));
		return values.isEmpty() ? new long[0] : Arrays.stream(values.split(",")).mapToLong(Long::parseLong).toArray();
	}

	private static Histogram decode(String base64) throws DataFormatException {
		return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
	}

	private static long field(String json, String name) {
		Matcher matcher = Pattern.compile("\"" + name + "\":(-?\\d+)").matcher(json);
		return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
	}

	/**
	 * When the moved clients left and were back, in milliseconds from the stop, and the
	 * survivor's handshake rate: the most reconnects within any 100 ms and any second, per
	 * second.
	 */
	Map<String, Object> returns(long stoppedMicros) {
		long[] left = this.left.clone();
		Arrays.sort(left);
		long[] back = this.back.clone();
		Arrays.sort(back);
		Map<String, Object> r = new LinkedHashMap<>();
		r.put("first_left_ms", (left.length > 0) ? (left[0] - stoppedMicros) / 1000.0 : null);
		r.put("last_left_ms", (left.length > 0) ? (left[left.length - 1] - stoppedMicros) / 1000.0 : null);
		r.put("first_back_ms", (back.length > 0) ? (back[0] - stoppedMicros) / 1000.0 : null);
		r.put("all_back_ms", (back.length > 0) ? (back[back.length - 1] - stoppedMicros) / 1000.0 : null);
		r.put("slowest_reconnect_ms", this.longestGap / 1000.0);
		r.put("peak_per_s_100ms", busiest(back, 100_000) * 10);
		r.put("peak_per_s_1s", busiest(back, 1_000_000));
		// The whole curves, for the raw data.
		r.put("left_per_100ms", perTenth(left, stoppedMicros));
		r.put("back_per_100ms", perTenth(back, stoppedMicros));
		return r;
	}

	/** How many of the sorted times fall in each 100 ms from the stop. */
	private static List<Integer> perTenth(long[] sorted, long stoppedMicros) {
		int[] counts = new int[(sorted.length > 0) ? tenth(sorted[sorted.length - 1], stoppedMicros) + 1 : 0];
		for (long micros : sorted) {
			counts[tenth(micros, stoppedMicros)]++;
		}
		return Arrays.stream(counts).boxed().toList();
	}

	private static int tenth(long micros, long stoppedMicros) {
		return (int) Math.max(0, (micros - stoppedMicros) / 100_000);
	}

	/** The most of the sorted times that fall within any window of the given length. */
	private static int busiest(long[] sorted, long window) {
		int most = 0;
		int from = 0;
		for (int to = 0; to < sorted.length; to++) {
			while (sorted[to] - sorted[from] >= window) {
				from++;
			}
			most = Math.max(most, to - from + 1);
		}
		return most;
	}

}
