package dev.sseboot.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Merges the per-server JSON files of one run into {@code benchmarks.md} and
 * {@code benchmarks.json}: each figure, ours, each peer, and the ratio ours/peer.
 */
final class Report {

	static final String[] SERVERS = { "ours", "ours-tuned", "ours-jetty", "naive", "nchan", "better-sse", "raw" };

	/** The cluster run's servers: two starter nodes, one starter node, two nchan nodes. */
	static final String[] CLUSTER_SERVERS = { "cluster", "single", "nchan-cluster" };

	/**
	 * The drain run's rounds: the node killed, drained at once, over the default period, and
	 * over 20 s (a round drain.sh runs only when named).
	 */
	static final String[] DRAIN_ROUNDS = { "kill", "drain-0", "drain-default", "drain-20s" };

	private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private Report() {
	}

	static String toJson(Object value) {
		return JSON.writeValueAsString(value);
	}

	/** A row: label, how to read it from a server's JSON, whether higher is better, number format. */
	private record Figure(String label, Function<JsonNode, JsonNode> value, boolean higherIsBetter, String format) {
	}

	/** Writes {@code cluster.md} and {@code cluster.json} from the cluster run's files. */
	static void writeCluster(Path dir) throws IOException {
		Map<String, JsonNode> servers = new LinkedHashMap<>();
		for (String server : CLUSTER_SERVERS) {
			Path file = dir.resolve("raw").resolve(server + ".json");
			if (Files.exists(file)) {
				servers.put(server, JSON.readTree(Files.readString(file)));
			}
		}
		if (!servers.containsKey("cluster")) {
			throw new IllegalStateException("No results of the cluster in " + dir.resolve("raw")
					+ ": run benchmarks/cluster.sh with the server 'cluster'");
		}
		JsonNode any = servers.get("cluster");
		String low = keySuffix(any, "burst_", 0);
		String mid = keySuffix(any, "burst_", 1);
		List<Figure> figures = new ArrayList<>();
		figures.add(new Figure("streams, over every node", (j) -> j.path("held"), true, "%.0f"));
		for (String level : new String[] { low, mid }) {
			String burst = "burst_" + level;
			String paced = "latency_" + level;
			figures.add(new Figure("broadcast burst @" + level + ", deliveries/s", (j) -> j.path(burst).path("deliveries_per_s"), true, "%.0f"));
			// Not the burst's latency: each event's is counted from when it was published, and
			// a node on its own publishes a burst more slowly than it is sent through Redis.
			figures.add(new Figure("broadcast burst @" + level + ", time to deliver it all, s", (j) -> j.path(burst).path("seconds"), false, "%.2f"));
			figures.add(new Figure("10 broadcasts/s @" + level + ", p50 ms", (j) -> j.path(paced).path("p50_ms"), false, "%.2f"));
			figures.add(new Figure("10 broadcasts/s @" + level + ", p99 ms", (j) -> j.path(paced).path("p99_ms"), false, "%.2f"));
			figures.add(new Figure("burst and 10/s @" + level + ": lost + dup + reordered", (j) -> sum(errors(j.path(burst)), errors(j.path(paced))), false, "%.0f"));
		}
		String storm = "kill_storm_" + mid;
		figures.add(new Figure("node killed: clients that move", (j) -> j.path(storm).path("moved"), true, "%.0f"));
		figures.add(new Figure("node killed: time until all moved, ms", (j) -> j.path(storm).path("move_ms"), false, "%.0f"));
		figures.add(new Figure("node killed: slowest reconnect, ms", (j) -> j.path(storm).path("connect_max_ms"), false, "%.0f"));
		figures.add(new Figure("node killed: lost + dup + reordered", (j) -> errors(j.path(storm)), false, "%.0f"));
		figures.add(new Figure("node killed: p99 publish-to-receive over the 10 s, ms", (j) -> j.path(storm).path("p99_ms"), false, "%.0f"));
		table(dir, "cluster", servers, figures);
	}

	/**
	 * Writes {@code drain.md} and {@code drain.json} from drain.sh's rounds: each figure per
	 * round, and each drain's over the kill's.
	 */
	static void writeDrain(Path dir) throws IOException {
		Map<String, JsonNode> rounds = new LinkedHashMap<>();
		Instant run = Instant.EPOCH;
		for (String round : DRAIN_ROUNDS) {
			Path file = dir.resolve("raw").resolve("drain-" + round + ".json");
			if (Files.exists(file)) {
				rounds.put(round, JSON.readTree(Files.readString(file)));
				Instant written = Files.getLastModifiedTime(file).toInstant();
				run = written.isAfter(run) ? written : run;
			}
		}
		if (rounds.isEmpty()) {
			throw new IllegalStateException("No drain rounds in " + dir.resolve("raw") + ": run benchmarks/drain.sh");
		}
		Function<String, Function<JsonNode, JsonNode>> stopped = (field) -> (j) -> j.path("node_stopped").path(field);
		List<Figure> figures = new ArrayList<>();
		figures.add(new Figure("streams, on both nodes", (j) -> j.path("held"), true, "%.0f"));
		figures.add(new Figure("clients moved from B to A", stopped.apply("moved"), true, "%.0f"));
		figures.add(new Figure("clients not back within 60 s", stopped.apply("move_failed"), false, "%.0f"));
		figures.add(new Figure("reconnects refused (503, connection refused) and retried", stopped.apply("refusals"), false, "%.0f"));
		figures.add(new Figure("first client left B (stream ended, or moved), ms after the signal", stopped.apply("first_left_ms"), false, "%.0f"));
		figures.add(new Figure("last client left B, ms after the signal", stopped.apply("last_left_ms"), false, "%.0f"));
		figures.add(new Figure("every client back (its sse-connected), ms after the signal", stopped.apply("all_back_ms"), false, "%.0f"));
		figures.add(new Figure("peak handshake rate on A: most reconnects in any 100 ms, per s", stopped.apply("peak_per_s_100ms"), false, "%.0f"));
		figures.add(new Figure("peak handshake rate on A: most reconnects in any 1 s", stopped.apply("peak_per_s_1s"), false, "%.0f"));
		figures.add(new Figure("slowest reconnect, stream end to sse-connected, ms", stopped.apply("slowest_reconnect_ms"), false, "%.0f"));
		figures.add(new Figure("slowest handshake on A, ms", stopped.apply("connect_max_ms"), false, "%.0f"));
		figures.add(new Figure("resumes recovered", (j) -> resumes(j, true), true, "%.0f"));
		figures.add(new Figure("resumes not recovered (gap, reset, none)", (j) -> resumes(j, false), false, "%.0f"));
		figures.add(new Figure("events lost", stopped.apply("lost"), false, "%.0f"));
		figures.add(new Figure("events duplicated", stopped.apply("duplicates"), false, "%.0f"));
		figures.add(new Figure("events reordered", stopped.apply("out_of_order"), false, "%.0f"));
		figures.add(new Figure("p99 publish-to-receive over the 10 s, ms", stopped.apply("p99_ms"), false, "%.0f"));
		figures.add(new Figure("max publish-to-receive, ms", stopped.apply("max_ms"), false, "%.0f"));
		List<String[]> ratios = new ArrayList<>();
		for (String round : rounds.keySet()) {
			if (!round.equals("kill") && rounds.containsKey("kill")) {
				ratios.add(new String[] { round, "kill" });
			}
		}
		table(dir, "drain", rounds, figures, ratios, drainPreface(rounds, run));
	}

	/** What drain.md measured, when (its last round's end), where, and how to run it again. */
	private static String drainPreface(Map<String, JsonNode> rounds, Instant run) throws IOException {
		JsonNode round = rounds.values().iterator().next();
		Path cpuinfo = Path.of("/proc/cpuinfo");
		String cpu = Files.exists(cpuinfo) ? Files.readAllLines(cpuinfo)
			.stream()
			.filter((line) -> line.startsWith("model name"))
			.map((line) -> line.substring(line.indexOf(':') + 1).trim())
			.findFirst()
			.orElse("?") : "?";
		return String.format(Locale.ROOT, """
				# Drain versus kill

				Two starter nodes in cluster mode on one Redis (127.0.0.1:6379): B (port 8082) holds
				most of the streams, A (8081) a few; 10 events/s are published on A for 10 s, and 2 s
				in B is stopped. `kill`: SIGKILL, and the load generator moves every client of B to A
				at once, as a load balancer would. `drain-0`: SIGTERM with
				`sse.shutdown.drain-period=0` (every stream gets `sse-close` `shutdown` at once).
				`drain-default`: SIGTERM with the default drain period, 5 s.%s In each drain a client
				reconnects to A as soon as its stream ends (on `sse-close` or the end of the response),
				with its `Last-Event-ID`. Fresh nodes for every round. Times are from the signal; a
				refused reconnect is retried after its `Retry-After` (at most 1 s) or 200 ms.

				Run %s on revision %s: %d CPUs (%s), %s %s, JDK %s;
				nodes, Redis and load generator on the same machine, over 127.0.0.1. Reproduce:

				```bash
				./mvnw -B -Pbenchmarks -pl benchmarks -am -DskipTests package
				benchmarks/drain.sh %s   # scale and rounds; a scale of 0.1 for a smoke run
				```

				""", rounds.containsKey("drain-20s") ? "\n`drain-20s`: SIGTERM with `sse.shutdown.drain-period=20s`." : "",
				run.toString().substring(0, 16).replace('T', ' ') + " UTC",
				round.path("revision").asString(), Runtime.getRuntime().availableProcessors(), cpu,
				System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("java.version"),
				round.path("scale").asString() + " " + String.join(" ", rounds.keySet()));
	}

	/** How many of the moved clients' resumes were {@code recovered}, or were not. */
	private static JsonNode resumes(JsonNode round, boolean recovered) {
		JsonNode resume = round.path("node_stopped").path("resume");
		if (resume.isMissingNode()) {
			return resume;
		}
		int count = 0;
		for (String outcome : resume.propertyNames()) {
			if (outcome.equals("recovered") == recovered) {
				count += resume.path(outcome).asInt();
			}
		}
		return JSON.getNodeFactory().numberNode(count);
	}

	static void write(Path dir) throws IOException {
		Map<String, JsonNode> servers = new LinkedHashMap<>();
		for (String server : SERVERS) {
			Path file = dir.resolve("raw").resolve(server + ".json");
			if (Files.exists(file)) {
				JsonNode json = JSON.readTree(Files.readString(file));
				// Subscribe-only passes on fresh servers, one per key type.
				for (String keyType : new String[] { "hs256", "rs256" }) {
					Path pass = dir.resolve("raw").resolve(server + "-" + keyType + ".json");
					if (Files.exists(pass) && json instanceof tools.jackson.databind.node.ObjectNode object) {
						object.set(keyType, JSON.readTree(Files.readString(pass)));
					}
				}
				servers.put(server, json);
			}
		}
		JsonNode any = servers.values().iterator().next();
		String hold = keySuffix(any, "burst_", 0);
		String mid = keySuffix(any, "burst_", 1);
		String low = keySuffix(any, "burst_", -1);
		List<Figure> figures = new ArrayList<>();
		figures.add(new Figure("(a) streams held", (j) -> j.path("held"), true, "%.0f"));
		figures.add(new Figure("(a) time to connect all, ms", (j) -> j.path("connect_all_ms"), false, "%.0f"));
		figures.add(new Figure("(a) slowest single connect, ms", (j) -> j.path("connect_max_ms"), false, "%.0f"));
		figures.add(new Figure("(a) handshakes retried (client retries after 1 s, 3 attempts)", (j) -> j.path("connect_retries"), false, "%.0f"));
		figures.add(new Figure("(a) connects failed after 3 attempts", (j) -> j.path("connect_failed"), false, "%.0f"));
		figures.add(new Figure("(a) memory per stream, KB (heap + native slope)", (j) -> j.path("memory_kb_per_stream"), false, "%.1f"));
		figures.add(new Figure("(a) of which heap, KB", (j) -> j.path("heap_kb_per_stream"), false, "%.1f"));
		figures.add(new Figure("(b) broadcast burst, deliveries/s @" + hold, (j) -> j.path("burst_" + hold).path("deliveries_per_s"), true, "%.0f"));
		figures.add(new Figure("(b) broadcast burst, deliveries/s @" + mid, (j) -> j.path("burst_" + mid).path("deliveries_per_s"), true, "%.0f"));
		figures.add(new Figure("(b) broadcast burst, deliveries/s @" + low, (j) -> j.path("burst_" + low).path("deliveries_per_s"), true, "%.0f"));
		figures.add(new Figure("(b) paced 20/s @" + mid + ", deliveries/s", (j) -> j.path("paced20_" + mid).path("deliveries_per_s"), true, "%.0f"));
		figures.add(new Figure("(b) paced 20/s @" + mid + ", p99 ms", (j) -> j.path("paced20_" + mid).path("p99_ms"), false, "%.1f"));
		figures.add(new Figure("(b) 400 B events @" + mid + ", deliveries/s", (j) -> j.path("burst_" + mid + "_pad400").path("deliveries_per_s"), true, "%.0f"));
		figures.add(new Figure("(b) same, 1 % not reading, deliveries/s to readers", (j) -> j.path("burst_" + mid + "_pad400_slow1pct").path("deliveries_per_s"), true, "%.0f"));
		figures.add(new Figure("(b) throughput lost to 1 % non-readers, %", Report::slowdown, false, "%.1f"));
		figures.add(new Figure("(b) targeted sends @" + mid + " users, deliveries/s", (j) -> j.path("targeted_" + mid).path("deliveries_per_s"), true, "%.0f"));
		figures.add(new Figure("(b) targeted sends, p99 ms", (j) -> j.path("targeted_" + mid).path("p99_ms"), false, "%.1f"));
		for (String level : levels(any, "latency_")) {
			String key = "latency_" + level;
			figures.add(new Figure("(c) 10 broadcasts/s @" + level + ": p50 ms", (j) -> j.path(key).path("p50_ms"), false, "%.2f"));
			figures.add(new Figure("(c) 10 broadcasts/s @" + level + ": p99 ms", (j) -> j.path(key).path("p99_ms"), false, "%.2f"));
			figures.add(new Figure("(c) 10 broadcasts/s @" + level + ": p99.9 ms", (j) -> j.path(key).path("p999_ms"), false, "%.2f"));
			figures.add(new Figure("(c) 10 broadcasts/s @" + level + ": time to last subscriber, max ms", (j) -> j.path(key).path("last_subscriber_max_ms"), false, "%.1f"));
			figures.add(new Figure("(c) 10 broadcasts/s @" + level + ": lost + dup + reordered", (j) -> errors(j.path(key)), false, "%.0f"));
			figures.add(new Figure("(c) 10 broadcasts/s @" + level + ": of which publish lag (due to received by the server), p99 ms", (j) -> j.path(key).path("publish_lag").path("p99_ms"), false, "%.2f"));
		}
		for (int behind : new int[] { 0, 10, 100 }) {
			for (String mode : new String[] { "burst", "jitter" }) {
				String key = "storm_" + behind + "_" + mode;
				String label = "(d) reconnect storm " + (mode.equals("burst") ? "at once" : "over 2 s") + ", " + behind + " behind: ";
				figures.add(new Figure(label + "lost + dup + reordered", (j) -> errors(j.path(key)), false, "%.0f"));
				figures.add(new Figure(label + "time to drain, ms", (j) -> j.path(key).path("drain_ms"), false, "%.0f"));
				figures.add(new Figure(label + "server CPU, s", (j) -> j.path(key).path("server_cpu_s"), false, "%.2f"));
				figures.add(new Figure(label + "handshakes retried", (j) -> j.path(key).path("connect_retries"), false, "%.0f"));
			}
		}
		figures.add(new Figure("(e) subscribe rate, streams/s (HS256 where auth)", (j) -> j.path("subscribe_per_s"), true, "%.0f"));
		figures.add(new Figure("(d) clients per storm", (j) -> j.path("storm_0_burst").path("clients"), true, "%.0f"));
		figures.add(new Figure("(e) subscribe rate on a fresh server after 30 000 warm-up handshakes, HS256, streams/s", (j) -> j.path("hs256").path("subscribe_per_s"), true, "%.0f"));
		figures.add(new Figure("(e) the same with RS256 tokens, streams/s", (j) -> j.path("rs256").path("subscribe_per_s"), true, "%.0f"));
		figures.add(new Figure("(e) handshakes retried in the subscribe burst", (j) -> j.path("subscribe_retries"), false, "%.0f"));
		table(dir, "benchmarks", servers, figures);
	}

	/**
	 * Writes {@code <name>.md} and {@code <name>.json}: each figure for each server, and
	 * the first server's figure over each other's.
	 */
	private static void table(Path dir, String name, Map<String, JsonNode> servers, List<Figure> figures)
			throws IOException {
		List<String> names = new ArrayList<>(servers.keySet());
		// Ratios of the first server over every other, and of the starter on Jetty over the peers.
		List<String[]> ratios = new ArrayList<>();
		String first = names.get(0);
		for (String peer : names.subList(1, names.size())) {
			ratios.add(new String[] { first, peer });
		}
		if (!first.equals("ours-jetty") && names.contains("ours-jetty")) {
			for (String peer : names) {
				if (!peer.equals(first) && !peer.equals("ours-jetty")) {
					ratios.add(new String[] { "ours-jetty", peer });
				}
			}
		}
		table(dir, name, servers, figures, ratios, "");
	}

	/**
	 * Writes {@code <name>.md}, the preface and then the table, and {@code <name>.json}:
	 * each figure for each server, and each ratio of two servers' figures.
	 */
	private static void table(Path dir, String name, Map<String, JsonNode> servers, List<Figure> figures,
			List<String[]> ratios, String preface) throws IOException {
		List<String> names = new ArrayList<>(servers.keySet());
		StringBuilder md = new StringBuilder(preface).append("| figure | ");
		md.append(String.join(" | ", names.stream().map(Report::title).toList()));
		for (String[] ratio : ratios) {
			md.append(" | ").append(ratioTitle(ratio[0])).append('/').append(title(ratio[1]));
		}
		md.append(" |\n|---|");
		md.append("---:|".repeat(names.size() + ratios.size())).append('\n');
		List<Map<String, Object>> rows = new ArrayList<>();
		for (Figure figure : figures) {
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("figure", figure.label());
			md.append("| ").append(figure.label());
			for (String server : names) {
				JsonNode node = figure.value().apply(servers.get(server));
				Double value = (node == null || node.isMissingNode() || node.isNull()) ? null : node.asDouble();
				row.put(server, value);
				md.append(" | ").append((value != null) ? String.format(Locale.ROOT, figure.format(), value) : "n/a");
			}
			for (String[] pair : ratios) {
				Double ratio = (row.get(pair[0]) instanceof Double b && row.get(pair[1]) instanceof Double v && v != 0)
						? b / v : null;
				row.put(pair[0] + "/" + pair[1], ratio);
				md.append(" | ").append((ratio != null) ? String.format(Locale.ROOT, "%.2f", ratio) : "n/a");
			}
			md.append(" |\n");
			row.put("higher_is_better", figure.higherIsBetter());
			rows.add(row);
		}
		Map<String, Object> document = new LinkedHashMap<>();
		document.put("generated", Instant.now().toString());
		document.put("rows", rows);
		document.put("servers", servers);
		Files.writeString(dir.resolve(name + ".json"), toJson(document));
		Files.writeString(dir.resolve(name + ".md"), md.toString());
		System.out.println(md);
	}

	private static String ratioTitle(String server) {
		return switch (server) {
			case "ours" -> "ours";
			case "ours-tuned" -> "tuned";
			case "ours-jetty" -> "jetty";
			default -> title(server);
		};
	}

	private static String title(String server) {
		return switch (server) {
			case "ours" -> "starter, Tomcat 8/8/8 KB";
			case "ours-tuned" -> "starter, Tomcat 1/1/4 KB";
			case "ours-jetty" -> "starter on Jetty";
			case "naive" -> "naive SseEmitter";
			case "nchan" -> "nginx+nchan";
			case "better-sse" -> "better-sse";
			case "cluster" -> "starter, 2 nodes + Redis";
			case "single" -> "starter, 1 node";
			case "nchan-cluster" -> "nginx+nchan, 2 nodes + Redis";
			case "kill", "drain-0", "drain-default", "drain-20s" -> server;
			default -> "raw NIO";
		};
	}

	private static JsonNode slowdown(JsonNode j) {
		String mid = keySuffix(j, "burst_", 1);
		JsonNode before = j.path("burst_" + mid + "_pad400").path("deliveries_per_s");
		JsonNode after = j.path("burst_" + mid + "_pad400_slow1pct").path("deliveries_per_s");
		if (before.isMissingNode() || after.isMissingNode()) {
			return before.path("missing");
		}
		return JSON.getNodeFactory().numberNode(100.0 * (1 - after.asDouble() / before.asDouble()));
	}

	private static JsonNode errors(JsonNode scenario) {
		if (scenario.isMissingNode()) {
			return scenario;
		}
		return JSON.getNodeFactory()
			.numberNode(scenario.path("lost").asDouble() + scenario.path("duplicates").asDouble()
					+ scenario.path("out_of_order").asDouble());
	}

	private static JsonNode sum(JsonNode a, JsonNode b) {
		if (a.isMissingNode() || b.isMissingNode()) {
			return a.isMissingNode() ? a : b;
		}
		return JSON.getNodeFactory().numberNode(a.asDouble() + b.asDouble());
	}

	/** The levels of the scenarios named {@code <prefix><level>}, fewest subscribers first. */
	private static List<String> levels(JsonNode json, String prefix) {
		List<String> levels = new ArrayList<>();
		for (String name : json.propertyNames()) {
			if (name.startsWith(prefix) && name.substring(prefix.length()).matches("\\d+")) {
				levels.add(name.substring(prefix.length()));
			}
		}
		levels.sort(Comparator.comparingInt(Integer::parseInt));
		return levels;
	}

	/** The level of the n-th plain burst scenario ({@code burst_<level>}), -1 for the last. */
	private static String keySuffix(JsonNode json, String prefix, int index) {
		List<String> levels = new ArrayList<>();
		for (String name : json.propertyNames()) {
			if (name.startsWith(prefix) && name.substring(prefix.length()).matches("\\d+")) {
				levels.add(name.substring(prefix.length()));
			}
		}
		if (levels.isEmpty()) {
			return "?";
		}
		return levels.get((index < 0) ? levels.size() + index : Math.min(index, levels.size() - 1));
	}

}
