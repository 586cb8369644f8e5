package dev.sseboot.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the scenarios against one server and writes its figures as JSON. Starts
 * {@link LoadWorker} processes (each under the 20 000 open-file limit), tells them what to
 * open and expect, fires publishes through the server's trigger, and merges what they
 * measured.
 *
 * <pre>
 * LoadDriver --name ours --port 8080 --path "/sse?token={token}" --trigger bench|nchan
 *            --pid 1234 --connected-event true --resume true --auth true --scale 1.0 --out ours.json
 * LoadDriver --name cluster --ports 8081,8082 --scenarios cluster --kill-pid 1235 --kill-port 8082 ...
 * LoadDriver --name drain-0 --ports 8081,8082 --scenarios drain --kill-pid 1235 --kill-port 8082 --kill-signal TERM ...
 * </pre>
 */
public final class LoadDriver {

	private static final int WORKERS = 3;

	private final Map<String, String> options;

	private final Map<String, Object> results = new LinkedHashMap<>();

	private final List<Worker> workers = new ArrayList<>();

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final ExecutorService publisher = Executors.newSingleThreadExecutor();

	/** The server under load, as its process tree shows it. */
	private final ServerProcess server;

	private final String name;

	private final int port;

	/** Where streams connect: the port, or the ports of a cluster's nodes, comma-separated. */
	private final String ports;

	private final String path;

	private final boolean nchan;

	private final boolean connectedEvent;

	private final double scale;

	private long seq = 1;

	private int nextUser;

	private LoadDriver(Map<String, String> options) {
		this.options = options;
		this.name = options.get("name");
		this.ports = options.getOrDefault("ports", options.get("port"));
		// Publishes, stats and the trigger go to the first node.
		this.port = Integer.parseInt(this.ports.split(",")[0]);
		this.path = options.get("path");
		this.nchan = "nchan".equals(options.get("trigger"));
		this.connectedEvent = Boolean.parseBoolean(options.getOrDefault("connected-event", "false"));
		this.scale = Double.parseDouble(options.getOrDefault("scale", "1"));
		this.server = new ServerProcess(options.get("pid"));
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = new LinkedHashMap<>();
		for (int i = 0; i + 1 < args.length; i += 2) {
			options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
		}
		if (options.containsKey("report")) {
			Report.write(Path.of(options.get("report")));
			return;
		}
		if (options.containsKey("cluster-report")) {
			Report.writeCluster(Path.of(options.get("cluster-report")));
			return;
		}
		if (options.containsKey("drain-report")) {
			Report.writeDrain(Path.of(options.get("drain-report")));
			return;
		}
		LoadDriver driver = new LoadDriver(options);
		try {
			driver.run();
		}
		finally {
			driver.shutdown();
		}
	}

	private int n(int full) {
		return Math.max(10, (int) Math.round(full * this.scale));
	}

	private void run() throws Exception {
		this.results.put("server", this.name);
		String classpath = System.getProperty("java.class.path");
		for (int w = 0; w < WORKERS; w++) {
			this.workers.add(new Worker(classpath));
		}
		all("SECRET " + this.options.getOrDefault("secret", "bench-secret-bench-secret-bench-secret-0123"));
		boolean auth = Boolean.parseBoolean(this.options.getOrDefault("auth", "false"));
		boolean resume = Boolean.parseBoolean(this.options.getOrDefault("resume", "false"));
		boolean targeted = !this.nchan;
		int hold = n(19_000);
		int mid = n(10_000);
		int low = n(1_000);
		this.results.put("auth", auth);
		this.results.put("revision", this.options.getOrDefault("revision", "unknown"));
		if ("subscribe".equals(this.options.get("only"))) {
			// Only the authenticated subscribe rate (a second key type), after a warm-up as
			// long as the handshakes the full run makes before its own subscribe burst: a
			// JVM server that has compiled less of the path is several times slower.
			this.nextUser = 2_000_000;
			for (int round = 0; round < 6; round++) {
				open("warm", n(5_000), 1000, true);
				all("CLOSE warm 0");
				reap();
			}
			subscribeBurst();
			write();
			return;
		}

		if ("memory".equals(this.options.get("only"))) {
			// Only the memory per stream of (a), for tuning: two levels of 4 000 streams.
			warmUp(n(2_000));
			Map<String, Long> base = stats();
			open("main", n(4_000), 1000, true);
			int held1 = count();
			Map<String, Long> atFirst = stats();
			Map<String, long[]> histogram1 = this.server.histogram();
			open("main", n(4_000), 1000, true);
			int held2 = count();
			recordMemory(base, held1, atFirst, held2, stats());
			this.results.put("histogram_per_stream", ServerProcess.perStream(histogram1, this.server.histogram(), held2 - held1));
			all("CLOSE main 0");
			write();
			return;
		}

		if ("cluster".equals(this.options.get("scenarios"))) {
			runCluster();
			write();
			return;
		}

		if ("drain".equals(this.options.get("scenarios"))) {
			runDrain();
			write();
			return;
		}

		if (this.options.containsKey("quick")) {
			// Tuning runs: N streams, a burst of B events, then latency at 10/s.
			String[] quick = this.options.get("quick").split(",");
			open("main", Integer.parseInt(quick[0]), 300, true);
			burst("warmup", Integer.parseInt(quick[1]) / 4, 100);
			burst("burst_" + quick[0], Integer.parseInt(quick[1]), 100);
			if (quick.length > 2) {
				burst("pad400", Integer.parseInt(quick[1]), 400);
				open("nonread", Integer.parseInt(quick[2]), 200, false, false);
				burst("pad400_slow", Integer.parseInt(quick[1]), 400);
				all("CLOSE nonread 0");
			}
			paced("latency_" + quick[0], 50, 100);
			write();
			return;
		}

		warmUp(n(2_000));

		// (a) Connections held: memory slope between two levels below Tomcat's default
		// 8192 (so the naive baseline reaches both), then on to the full count.
		Map<String, Long> base = stats();
		String[] first = open("main", n(4_000), 1000, true);
		int held1 = count();
		Map<String, Long> atFirst = stats();
		String[] second = open("main", n(4_000), 1000, true);
		int held2 = count();
		Map<String, Long> atSecond = stats();
		// A probe first: a server at its connection limit leaves every further handshake
		// unanswered (3 attempts of 15 s each), so the ramp stops where it cannot go on.
		int rest = hold - 2 * n(4_000);
		int probe = Math.min(rest, n(1_000));
		String[] third = open("main", probe, 1000, true);
		if (OpenedReplies.failed(third) * 10 > probe) {
			this.results.put("ramp_stopped", "probe of " + probe + ": " + OpenedReplies.failed(third) + " failed");
			// At its connection limit the server would not even accept the publisher's
			// connection: give back a few slots.
			this.results.put("held", count());
			all("CLOSE main " + ((count() - 300) / WORKERS));
			reap();
		}
		else if (rest > probe) {
			String[] fourth = open("main", rest - probe, 1000, true);
			third = OpenedReplies.merge(third, fourth);
		}
		int held = count();
		this.results.putIfAbsent("held", held);
		String[] opened = OpenedReplies.join(first, second, third);
		this.results.put("connect_all_ms", OpenedReplies.ms(first) + OpenedReplies.ms(second) + OpenedReplies.ms(third));
		this.results.put("connect_max_ms", OpenedReplies.maxConnect(opened));
		this.results.put("connect_failed", OpenedReplies.failed(opened));
		this.results.put("connect_retries", OpenedReplies.retries(opened));
		recordMemory(base, held1, atFirst, held2, atSecond);

		// (b) Broadcast bursts at every level.
		burst("burst_" + hold, n(50), 100);
		all("CLOSE main " + (mid / WORKERS));
		reap();
		burst("burst_" + mid, n(100), 100);

		// (b) The same with 1 % of clients not reading.
		burst("burst_" + mid + "_pad400", n(100), 400);
		String[] slow = open("nonread", Math.max(1, mid / 100), 200, false, false);
		this.results.put("nonreaders", OpenedReplies.ok(slow));
		burst("burst_" + mid + "_pad400_slow1pct", n(100), 400);
		all("CLOSE nonread 0");
		reap();

		// (b) Targeted per-user sends at a fixed rate: every user gets one event per round.
		if (targeted) {
			// Users are numbered over the whole ramp: address them all, connected or not.
			targeted("targeted_" + mid, hold, 4, 500);
		}

		// (c) Latency under an open-loop publisher, 10 broadcasts/s; then a paced 20/s.
		paced("latency_" + mid, 100, 100);
		paced("paced20_" + mid, 100, 50);

		// (d) Reconnect storms with Last-Event-ID. Tomcat notices a closed client only on the
		// second write after the close, so during a storm the server holds the dropped and
		// the new connections at once: 2 x 9 500 fit the 20 000 open-file limit, 2 x 10 000 not.
		if (resume) {
			int storm = n(9_500);
			all("CLOSE main " + (storm / WORKERS));
			reap();
			for (int behind : new int[] { 0, 10, 100 }) {
				storm("storm_" + behind + "_burst", behind, 0, storm);
				storm("storm_" + behind + "_jitter", behind, 2000, storm);
			}
		}

		// (c) Latency at the subscriber counts most applications have on a node: 3 000,
		// then 1 000 (with its burst, (b)), then 300.
		int three = n(3_000);
		all("CLOSE main " + (three / WORKERS));
		reap();
		paced("latency_" + three, 100, 100);
		all("CLOSE main " + (low / WORKERS));
		reap();
		burst("burst_" + low, n(1000), 100);
		paced("latency_" + low, 100, 100);
		int few = n(300);
		all("CLOSE main " + (few / WORKERS));
		reap();
		paced("latency_" + few, 100, 100);

		// (e) Authenticated subscribe rate, last, when the JIT has seen every path: fresh
		// tokens, a burst with 1 000 handshakes in flight.
		subscribeBurst();
		reap();

		all("CLOSE main 0");
		write();
	}

	/** Memory per stream: the slope of heap and native memory between two levels of streams. */
	private void recordMemory(Map<String, Long> base, int held1, Map<String, Long> atFirst, int held2,
			Map<String, Long> atSecond) {
		double streams = Math.max(1, held2 - held1);
		double heapPerStream = (atSecond.get("heap") - atFirst.get("heap")) / streams;
		double rssPerStream = (atSecond.get("rss") - atFirst.get("rss")) / streams;
		this.results.put("memory_levels", held1 + " -> " + held2);
		this.results.put("baseline_rss_mb", base.get("rss") / 1048576.0);
		this.results.put("heap_kb_per_stream", (atSecond.get("heap") >= 0) ? heapPerStream / 1024 : null);
		this.results.put("rss_kb_per_stream", rssPerStream / 1024);
		// JVM servers run with a pre-touched fixed heap, so RSS grows only by native memory.
		boolean jvm = atSecond.get("heap") >= 0 && !"node".equals(this.options.get("runtime"));
		this.results.put("memory_kb_per_stream", (jvm ? heapPerStream + rssPerStream : rssPerStream) / 1024);
	}

	/** Authenticated subscribe rate: fresh tokens, a burst with 1 000 handshakes in flight. */
	private void subscribeBurst() throws Exception {
		this.nextUser = 1_000_000;
		String[] sub = open("sub", n(3_000), 1000, true);
		this.results.put("subscribe_per_s", OpenedReplies.rate(sub));
		this.results.put("subscribe_failed", OpenedReplies.failed(sub));
		this.results.put("subscribe_retries", OpenedReplies.retries(sub));
		all("CLOSE sub 0");
	}

	/** Not measured: JIT-compiles the subscribe and publish paths; users then count from 0. */
	private void warmUp(int streams) throws Exception {
		this.nextUser = 2_000_000;
		open("warm", streams, 200, true);
		burst("warmup", n(50), 100);
		all("CLOSE warm 0");
		this.results.remove("warmup");
		reap();
		this.nextUser = 0;
	}

	/**
	 * The cluster scenarios: broadcast bursts and paced latency at 1 000 and 10 000
	 * streams spread over the nodes (published on the first), then, given a node to kill,
	 * a kill -9 of it while 10 events/s are published, and its clients moving to the first.
	 */
	private void runCluster() throws Exception {
		this.results.put("nodes", this.ports.split(",").length);
		warmUp(n(2_000));
		int low = n(1_000);
		int mid = n(10_000);
		open("main", low, 1000, true);
		burst("burst_" + low, n(1000), 100);
		paced("latency_" + low, 100, 100);
		open("main", mid - low, 1000, true);
		this.results.put("held", count());
		burst("burst_" + mid, n(100), 100);
		paced("latency_" + mid, 100, 100);
		if (this.options.containsKey("kill-pid")) {
			stopNode("kill_storm_" + mid, Long.parseLong(this.options.get("kill-pid")),
					Integer.parseInt(this.options.get("kill-port")), true);
		}
		all("CLOSE main 0");
	}

	/**
	 * A deploy against a crash (drain.sh): streams on the node to stop and a few on the
	 * first, then the node stopped with {@code --kill-signal} (KILL or TERM) under 10
	 * broadcasts/s, and its clients moving to the first node.
	 */
	private void runDrain() throws Exception {
		String signal = this.options.getOrDefault("kill-signal", "KILL");
		if (!signal.equals("KILL") && !signal.equals("TERM")) {
			throw new IllegalArgumentException("--kill-signal KILL or TERM, not " + signal);
		}
		int victimPort = Integer.parseInt(this.options.get("kill-port"));
		this.results.put("signal", signal);
		this.results.put("scale", this.options.getOrDefault("scale", "1"));
		// The survivor compiles its handshake path as a node that has served a while would.
		warmUp(n(6_000));
		openOn(String.valueOf(victimPort), "main", n(5_000), 1000, true);
		openOn(String.valueOf(this.port), "main", n(100), 1000, true);
		this.results.put("held", count());
		stopNode("node_stopped", Long.parseLong(this.options.get("kill-pid")), victimPort, signal.equals("KILL"));
		all("CLOSE main 0");
	}

	/**
	 * 10 events/s for 10 s, published on the first node; after 2 s the node on
	 * {@code victimPort} is stopped and its clients move to the first node with their
	 * Last-Event-ID. Killed (SIGKILL, its child processes too), its clients reconnect at
	 * once, as behind a load balancer; stopped normally (SIGTERM), it drains, and each
	 * client reconnects as soon as its stream ends. Every client must end up with every
	 * event, once and in order.
	 */
	private void stopNode(String key, long victimPid, int victimPort, boolean kill) throws Exception {
		int events = 100;
		long periodMillis = 100;
		long first = expect(events);
		if (!kill) {
			all("FOLLOW " + victimPort + " " + this.port + " 1000");
		}
		long start = micros();
		ExecutorService schedule = Executors.newSingleThreadExecutor();
		CompletableFuture<List<CompletableFuture<?>>> sends = CompletableFuture.supplyAsync(() -> {
			try {
				return onSchedule(events, periodMillis,
						(i) -> publishAsync(first + i, start + i * periodMillis * 1000, 100));
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		}, schedule);
		// A point in the schedule, not a wait for a condition: the node goes mid-publishing,
		// 20 of the 100 events in.
		Thread.sleep(2000);
		ProcessHandle victim = ProcessHandle.of(victimPid).orElseThrow();
		long stoppedMicros = micros();
		long stopped = System.nanoTime();
		String[] moved;
		if (kill) {
			victim.descendants().forEach(ProcessHandle::destroyForcibly);
			victim.destroyForcibly();
			moved = all("MOVE " + victimPort + " " + this.port + " 1000");
		}
		else {
			victim.destroy();
			moved = all("BACK 60000");
		}
		long moveMillis = (System.nanoTime() - stopped) / 1_000_000;
		List<CompletableFuture<?>> published = sends.join();
		schedule.shutdown();
		try {
			CompletableFuture.allOf(published.toArray(CompletableFuture[]::new)).join();
		}
		catch (RuntimeException ex) {
			log("a publish failed: " + ex);
		}
		String[] waited = all("WAIT 60000 5000");
		MergedReport m = MergedReport.of(all("REPORT"));
		Map<String, Object> r = new LinkedHashMap<>();
		r.put("clients", m.readers);
		r.put("moved", OpenedReplies.ok(moved));
		r.put("move_failed", OpenedReplies.failed(moved));
		r.put("move_ms", moveMillis);
		r.put("connect_max_ms", OpenedReplies.maxConnect(moved));
		r.put("refusals", m.refusals);
		r.putAll(m.returns(stoppedMicros));
		r.put("expected", m.expected);
		r.put("lost", m.lost);
		r.put("duplicates", m.duplicates);
		r.put("out_of_order", m.outOfOrder);
		r.put("resume", m.resume);
		r.put("p99_ms", m.latency.getValueAtPercentile(99) / 1000.0);
		r.put("max_ms", m.latency.getMaxValue() / 1000.0);
		r.put("complete", Arrays.stream(waited).allMatch((w) -> w.startsWith("WAITED 1")));
		this.results.put(key, r);
		log(key + " " + r);
	}

	private void write() throws IOException {
		Path out = Path.of(this.options.get("out"));
		Files.createDirectories(out.toAbsolutePath().getParent());
		Files.writeString(out, Report.toJson(this.results));
		System.out.println(Report.toJson(this.results));
	}

	// ---- scenarios

	private void burst(String key, int count, int pad) throws Exception {
		long first = expect(count);
		long start = micros();
		String publishError = null;
		try {
			publish(first, count, pad);
		}
		catch (CompletionException ex) {
			// A server whose publisher blocks on a client that stops reading never answers.
			publishError = String.valueOf(ex.getCause());
		}
		String[] waited = all("WAIT 60000 5000");
		MergedReport m = MergedReport.of(all("REPORT"));
		double seconds = Math.max(1, m.lastDelivery - start) / 1e6;
		Map<String, Object> r = new LinkedHashMap<>();
		r.put("events", count);
		r.put("readers", m.readers);
		r.put("delivered", m.received);
		r.put("deliveries_per_s", m.received / seconds);
		r.put("seconds", seconds);
		r.put("lost", m.lost);
		r.put("duplicates", m.duplicates);
		r.put("out_of_order", m.outOfOrder);
		r.put("p50_ms", m.latency.getValueAtPercentile(50) / 1000.0);
		r.put("p99_ms", m.latency.getValueAtPercentile(99) / 1000.0);
		r.put("complete", Arrays.stream(waited).allMatch((w) -> w.startsWith("WAITED 1")));
		if (publishError != null) {
			r.put("publish_error", publishError);
		}
		this.results.put(key, r);
		log(key + " " + r);
	}

	private void targeted(String key, int users, int rounds, long periodMillis) throws Exception {
		long first = expect(rounds);
		long start = micros();
		List<CompletableFuture<?>> sends = onSchedule(rounds, periodMillis,
				(r) -> post("/bench/users?from=0&to=" + users + "&seq=" + (first + r) + "&pad=100"));
		CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
		all("WAIT 60000 5000");
		MergedReport m = MergedReport.of(all("REPORT"));
		double seconds = Math.max(1, m.lastDelivery - start) / 1e6;
		Map<String, Object> r = new LinkedHashMap<>();
		r.put("readers", m.readers);
		r.put("offered_per_s", m.readers * 1000.0 / periodMillis);
		r.put("delivered", m.received);
		r.put("deliveries_per_s", m.received / seconds);
		r.put("lost", m.lost);
		r.put("p50_ms", m.latency.getValueAtPercentile(50) / 1000.0);
		r.put("p99_ms", m.latency.getValueAtPercentile(99) / 1000.0);
		this.results.put(key, r);
		log(key + " " + r);
	}

	private void paced(String key, int events, long periodMillis) throws Exception {
		long first = expect(events);
		long start = micros();
		// Open loop: publishes are due on a fixed schedule and stamped with the time they
		// were due; one publishing thread keeps them in sequence order.
		List<CompletableFuture<?>> sends = onSchedule(events, periodMillis,
				(i) -> publishAsync(first + i, start + i * periodMillis * 1000, 100));
		try {
			CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
		}
		catch (RuntimeException ex) {
			log("a publish failed: " + ex);
		}
		all("WAIT 60000 5000");
		MergedReport m = MergedReport.of(all("REPORT"));
		double seconds = Math.max(1, m.lastDelivery - start) / 1e6;
		long[] last = m.perSeqMax.clone();
		Arrays.sort(last);
		Map<String, Object> r = new LinkedHashMap<>();
		r.put("rate_per_s", 1000.0 / periodMillis);
		r.put("readers", m.readers);
		r.put("delivered", m.received);
		r.put("deliveries_per_s", m.received / seconds);
		r.put("lost", m.lost);
		r.put("duplicates", m.duplicates);
		r.put("out_of_order", m.outOfOrder);
		r.put("p50_ms", m.latency.getValueAtPercentile(50) / 1000.0);
		r.put("p99_ms", m.latency.getValueAtPercentile(99) / 1000.0);
		r.put("p999_ms", m.latency.getValueAtPercentile(99.9) / 1000.0);
		r.put("max_ms", m.latency.getMaxValue() / 1000.0);
		r.put("last_subscriber_p50_ms", last[last.length / 2] / 1000.0);
		r.put("last_subscriber_max_ms", last[last.length - 1] / 1000.0);
		r.put("publish_lag", publishLag());
		this.results.put(key, r);
		log(key + " " + r);
	}

	/** The server's publish lag since it was last asked (servers with /bench/lag), or null. */
	private Object publishLag() {
		try {
			HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri("/bench/lag")).GET().build(),
					HttpResponse.BodyHandlers.ofString());
			return (response.statusCode() == 200) ? JsonMapper.shared().readTree(response.body()) : null;
		}
		catch (Exception ex) {
			return null;
		}
	}

	private void storm(String key, int behind, int jitterMillis, int clients) throws Exception {
		int before = 3;
		int after = 3;
		long first = expect(before + behind + after);
		publish(first, before, 100);
		all("WAIT 20000 3000");
		all("DROP");
		Thread.sleep(200);
		if (behind > 0) {
			publish(first + before, behind, 100);
		}
		long cpu = this.server.cpuTicks();
		long start = System.nanoTime();
		String[] reconnected = all("RECONNECT " + jitterMillis + " " + clients);
		publish(first + before + behind, after, 100);
		String[] waited = all("WAIT 60000 5000");
		long drainMillis = (System.nanoTime() - start) / 1_000_000;
		double cpuSeconds = (this.server.cpuTicks() - cpu) / 100.0;
		MergedReport m = MergedReport.of(all("REPORT"));
		Map<String, Object> r = new LinkedHashMap<>();
		r.put("clients", m.readers);
		r.put("reconnected", Arrays.stream(reconnected).mapToInt((w) -> Integer.parseInt(w.split(" ")[1])).sum());
		r.put("behind", behind);
		r.put("jitter_ms", jitterMillis);
		r.put("drain_ms", drainMillis);
		r.put("server_cpu_s", cpuSeconds);
		r.put("connect_max_ms", OpenedReplies.maxConnect(reconnected));
		r.put("connect_retries", OpenedReplies.retries(reconnected));
		r.put("expected", m.expected);
		r.put("lost", m.lost);
		r.put("duplicates", m.duplicates);
		r.put("out_of_order", m.outOfOrder);
		r.put("resume", m.resume);
		r.put("complete", Arrays.stream(waited).allMatch((w) -> w.startsWith("WAITED 1")));
		this.results.put(key, r);
		log(key + " " + r);
	}

	/**
	 * Two events nobody expects: Tomcat finds a closed client only when a write fails, the
	 * second after the close, and until then holds its socket.
	 */
	private void reap() throws Exception {
		publish(0, 1, 0);
		Thread.sleep(300);
		publish(0, 1, 0);
		Thread.sleep(1500);
	}

	// ---- publishing through the server's trigger

	private void publish(long first, int count, int pad) throws Exception {
		if (!this.nchan) {
			post("/bench/publish?count=" + count + "&seq=" + first + "&pad=" + pad).join();
			return;
		}
		for (int i = 0; i < count; i++) {
			nchanPublish(first + i, pad).join();
		}
	}

	private CompletableFuture<?> publishAsync(long s, long dueMicros, int pad) {
		HttpRequest request = this.nchan
				? HttpRequest.newBuilder(uri("/pub?id=all"))
					.POST(HttpRequest.BodyPublishers.ofString(BenchTrigger.data(s, dueMicros, pad)))
					.build()
				: HttpRequest.newBuilder(uri("/bench/publish?count=1&seq=" + s + "&pad=" + pad + "&t=" + dueMicros))
					.timeout(Duration.ofSeconds(120))
					.POST(HttpRequest.BodyPublishers.noBody())
					.build();
		return CompletableFuture.runAsync(() -> {
			try {
				this.http.send(request, HttpResponse.BodyHandlers.discarding());
			}
			catch (IOException | InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		}, this.publisher);
	}

	private CompletableFuture<?> nchanPublish(long s, int pad) {
		HttpRequest request = HttpRequest.newBuilder(uri("/pub?id=all"))
			.POST(HttpRequest.BodyPublishers.ofString(BenchTrigger.data(s, pad)))
			.build();
		return this.http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
	}

	private CompletableFuture<String> post(String target) {
		HttpRequest request = HttpRequest.newBuilder(uri(target))
			.timeout(Duration.ofSeconds(120))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
		return this.http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(HttpResponse::body);
	}

	private URI uri(String target) {
		return URI.create("http://127.0.0.1:" + this.port + target);
	}

	private Map<String, Long> stats() throws Exception {
		Map<String, Long> stats = new LinkedHashMap<>();
		stats.put("heap", -1L);
		String kind = this.options.getOrDefault("stats", "none");
		if (!kind.equals("none")) {
			String body = this.http
				.send(HttpRequest.newBuilder(uri("/bench/stats")).GET().build(), HttpResponse.BodyHandlers.ofString())
				.body();
			Matcher heap = Pattern.compile("\"heapUsed\":(\\d+)").matcher(body);
			if (heap.find()) {
				stats.put("heap", Long.parseLong(heap.group(1)));
			}
		}
		Thread.sleep(500);
		stats.put("rss", this.server.rss());
		log("stats " + stats);
		return stats;
	}

	// ---- workers

	private String[] open(String group, int count, int concurrency, boolean reader) throws Exception {
		return open(group, count, concurrency, reader, true);
	}

	private String[] open(String group, int count, int concurrency, boolean reader, boolean split) throws Exception {
		return openOn(this.ports, group, count, concurrency, reader);
	}

	/** Opens streams on the given ports, comma-separated, taken in turn. */
	private String[] openOn(String ports, String group, int count, int concurrency, boolean reader) throws Exception {
		String[] commands = new String[WORKERS];
		int perWorker = count / WORKERS;
		for (int w = 0; w < WORKERS; w++) {
			int share = (w == WORKERS - 1) ? count - perWorker * (WORKERS - 1) : perWorker;
			StringBuilder sources = new StringBuilder();
			for (int s = 0; s < 30; s++) {
				sources.append((s > 0) ? "," : "").append("127.0.0.").append(10 + w * 30 + s);
			}
			commands[w] = "OPEN " + group + " 127.0.0.1 " + ports + " " + this.path + " " + share + " "
					+ this.nextUser + " " + Math.max(1, concurrency / WORKERS) + " " + (reader ? 1 : 0) + " "
					+ ((this.connectedEvent && reader) ? 1 : 0) + " " + sources;
			this.nextUser += share;
		}
		String[] replies = each(commands);
		log(group + " opened " + String.join(" | ", replies));
		return replies;
	}

	private int count() throws Exception {
		return Arrays.stream(all("COUNT")).mapToInt((r) -> Integer.parseInt(r.split(" ")[1])).sum();
	}

	private String[] all(String command) throws IOException {
		String[] commands = new String[WORKERS];
		Arrays.fill(commands, command);
		return each(commands);
	}

	private String[] each(String[] commands) throws IOException {
		for (int w = 0; w < WORKERS; w++) {
			this.workers.get(w).out.println(commands[w]);
			this.workers.get(w).out.flush();
		}
		String[] replies = new String[WORKERS];
		for (int w = 0; w < WORKERS; w++) {
			replies[w] = this.workers.get(w).in.readLine();
			if (replies[w] == null || replies[w].startsWith("ERROR")) {
				throw new IOException("Worker " + w + " failed on " + commands[w] + ": " + replies[w]);
			}
		}
		return replies;
	}

	private void shutdown() {
		this.publisher.shutdownNow();
		for (Worker worker : this.workers) {
			worker.out.println("QUIT");
			worker.out.flush();
		}
		for (Worker worker : this.workers) {
			try {
				if (!worker.process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
					worker.process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				worker.process.destroyForcibly();
			}
		}
	}

	private static long micros() {
		Instant now = Instant.now();
		return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
	}

	/**
	 * Takes the next {@code count} sequence numbers and tells the workers to expect them.
	 * @return the first of them
	 */
	private long expect(int count) throws IOException {
		long first = this.seq;
		this.seq += count;
		all("EXPECT " + first + " " + (first + count - 1));
		return first;
	}

	/** Starts {@code count} sends, the i-th due {@code i * periodMillis} from now. */
	private static List<CompletableFuture<?>> onSchedule(int count, long periodMillis,
			IntFunction<CompletableFuture<?>> send) throws InterruptedException {
		long startNanos = System.nanoTime();
		List<CompletableFuture<?>> sends = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			sleepUntil(startNanos + i * periodMillis * 1_000_000);
			sends.add(send.apply(i));
		}
		return sends;
	}

	private static void sleepUntil(long nanos) throws InterruptedException {
		long wait = nanos - System.nanoTime();
		if (wait > 0) {
			Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
		}
	}

	private void log(String line) {
		System.err.println("[" + this.name + "] " + line);
	}

	static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static final class Worker {

		final Process process;

		final PrintWriter out;

		final BufferedReader in;

		Worker(String classpath) throws IOException {
			this.process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
					"-Xmx700m", "-XX:+UseParallelGC", "-cp", classpath, LoadWorker.class.getName())
				.redirectError(ProcessBuilder.Redirect.INHERIT)
				.start();
			this.out = new PrintWriter(this.process.getOutputStream(), false, StandardCharsets.UTF_8);
			this.in = new BufferedReader(new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8));
		}

	}

}
