package dev.sseboot.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;

/**
 * One load-generator process: thousands of SSE connections on non-blocking sockets, one
 * selector thread, plain HTTP/1.1 with chunked decoding. Driven by {@link LoadDriver}
 * over stdin/stdout, one command and one reply per line. Event data is
 * {@code <seq> <publish epoch micros> ...}; per connection a bit set of the expected
 * sequence range counts lost, duplicate and out-of-order events. Clients of a node that
 * goes away move to another ({@code MOVE} at once, {@code FOLLOW} when their stream
 * ends), with their Last-Event-ID; the time each is back is kept for the driver.
 */
public final class LoadWorker {


	private static final long HANDSHAKE_TIMEOUT_NANOS = 15_000_000_000L;

	private long lastTimeoutScan;

	/** Like EventSource, a client whose handshake fails tries again, after a second. */
	private static final int MAX_ATTEMPTS = 3;

	private static final long RETRY_NANOS = 1_000_000_000L;

	/**
	 * A client moving to another node keeps trying when refused, as a client library would:
	 * after the refusal's Retry-After, capped, or a short back-off.
	 */
	private static final int MOVE_ATTEMPTS = 20;

	private static final long MOVE_BACKOFF_NANOS = 200_000_000L;

	private static final long MOVE_BACKOFF_CAP_NANOS = 1_000_000_000L;

	private static final Pattern RETRY_AFTER = Pattern.compile("(?i)\r\nretry-after: *(\\d+)");

	private long retries;

	private int failuresLogged;

	private final Selector selector;

	private final ConcurrentLinkedQueue<String> commands = new ConcurrentLinkedQueue<>();

	private final Map<String, List<Conn>> groups = new HashMap<>();

	// By due time: a refused client's retry, due later, must not hold up those due now.
	private final PriorityQueue<Conn> toStart = new PriorityQueue<>(
			Comparator.comparingLong((Conn conn) -> conn.startAtNanos));

	private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);

	private final byte[] readBytes = new byte[256 * 1024];

	private Tokens tokens;

	// Handshakes in progress and the command waiting for them.
	private int inflight;

	private int concurrency = 100;

	private Pending pending;

	// Expected range and statistics.
	private long s0 = -1;

	private long s1 = -2;

	private Histogram latency = new Histogram(3_600_000_000L, 3);

	private Histogram connectTimes = new Histogram(3_600_000_000L, 3);

	private long[] perSeqMax = new long[0];

	private long distinct;

	private long duplicates;

	private long outOfOrder;

	private long stray;

	private long lastDeliveryMicros;

	private long lastProgressNanos;

	private long closedByServer;

	private final Map<String, Integer> resumes = new HashMap<>();

	// The clients moving since the last FOLLOW or MOVE: refused attempts, when their
	// streams ended and when each was back, the longest without a stream.
	private List<Conn> movers = new ArrayList<>();

	private long refusals;

	private final Times left = new Times();

	private final Times back = new Times();

	private long longestGapNanos;

	private long nowMicros;

	private LoadWorker() throws IOException {
		this.selector = Selector.open();
	}

	public static void main(String[] args) throws Exception {
		LoadWorker worker = new LoadWorker();
		Thread input = new Thread(() -> {
			try (BufferedReader reader = new BufferedReader(new InputStreamReader(System.in))) {
				String line;
				while ((line = reader.readLine()) != null) {
					worker.commands.add(line.trim());
					worker.selector.wakeup();
				}
			}
			catch (IOException ex) {
				// driver gone
			}
			worker.commands.add("QUIT");
			worker.selector.wakeup();
		});
		input.setDaemon(true);
		input.start();
		worker.run();
	}

	private void run() throws IOException {
		while (true) {
			this.selector.select(5);
			String command;
			while ((command = this.commands.poll()) != null) {
				if (command.equals("QUIT")) {
					for (List<Conn> group : this.groups.values()) {
						group.forEach(Conn::close);
					}
					System.out.println("BYE");
					System.out.flush();
					return;
				}
				try {
					execute(command.split(" "));
				}
				catch (Exception ex) {
					reply("ERROR " + ex);
				}
			}
			updateNow();
			Iterator<SelectionKey> keys = this.selector.selectedKeys().iterator();
			while (keys.hasNext()) {
				SelectionKey key = keys.next();
				keys.remove();
				Conn conn = (Conn) key.attachment();
				try {
					if (key.isValid() && key.isConnectable()) {
						conn.finishConnect();
					}
					if (key.isValid() && key.isReadable()) {
						conn.read();
					}
				}
				catch (IOException | RuntimeException ex) {
					if (!conn.handshakeDone && this.failuresLogged++ < 5) {
						System.err.println("handshake failed: " + ex + " after "
								+ conn.stream.head().replace("\r\n", " | "));
					}
					conn.failed();
				}
			}
			startPending();
			checkPending();
		}
	}

	private void updateNow() {
		Instant now = Instant.now();
		this.nowMicros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
	}

	private void execute(String[] c) throws IOException {
		switch (c[0]) {
			case "SECRET" -> {
				this.tokens = new Tokens(c[1]);
				reply("OK");
			}
			case "OPEN" -> {
				// OPEN group host port[,port...] pathTemplate count userFrom concurrency reader waitConnected srcIps
				// (with several ports, the connections take them in turn: the nodes of a cluster)
				String group = c[1];
				String[] ports = c[3].split(",");
				String path = c[4];
				int count = Integer.parseInt(c[5]);
				int userFrom = Integer.parseInt(c[6]);
				this.concurrency = Integer.parseInt(c[7]);
				boolean reader = c[8].equals("1");
				boolean waitConnected = c[9].equals("1");
				String[] sources = c[10].split(",");
				List<Conn> conns = this.groups.computeIfAbsent(group, (k) -> new ArrayList<>());
				List<Conn> opened = new ArrayList<>();
				for (int i = 0; i < count; i++) {
					String user = "user-" + (userFrom + i);
					String resolved = path.replace("{user}", user);
					if (resolved.contains("{token}")) {
						resolved = resolved.replace("{token}", this.tokens.mint(user, 7200));
					}
					InetSocketAddress target = new InetSocketAddress(c[2], Integer.parseInt(ports[i % ports.length]));
					Conn conn = new Conn(target, new InetSocketAddress(sources[i % sources.length], 0), resolved,
							reader, waitConnected);
					conns.add(conn);
					opened.add(conn);
					this.toStart.add(conn);
				}
				this.connectTimes = new Histogram(3_600_000_000L, 3);
				this.retries = 0;
				this.pending = new Pending("OPENED", opened, System.nanoTime(), 0, 0);
			}
			case "EXPECT" -> {
				this.s0 = Long.parseLong(c[1]);
				this.s1 = Long.parseLong(c[2]);
				int size = (int) (this.s1 - this.s0 + 1);
				this.latency = new Histogram(3_600_000_000L, 3);
				this.perSeqMax = new long[size];
				this.distinct = 0;
				this.duplicates = 0;
				this.outOfOrder = 0;
				this.stray = 0;
				this.lastDeliveryMicros = 0;
				this.closedByServer = 0;
				this.resumes.clear();
				// Only connected streams are expected to receive the range.
				for (Conn conn : readers()) {
					conn.seen = conn.connected ? new BitSet(size) : null;
					conn.maxSeq = -1;
				}
				reply("OK");
			}
			case "WAIT" -> {
				long timeoutNanos = Long.parseLong(c[1]) * 1_000_000;
				long idleNanos = Long.parseLong(c[2]) * 1_000_000;
				this.lastProgressNanos = System.nanoTime();
				this.pending = new Pending("WAITED", null, System.nanoTime(), timeoutNanos, idleNanos);
			}
			case "REPORT" -> reply(report());
			case "DROP" -> {
				int n = 0;
				for (Conn conn : readers()) {
					conn.close();
					n++;
				}
				reply("DROPPED " + n);
			}
			case "RECONNECT" -> {
				// RECONNECT jitterMillis concurrency: every reader, after a DROP
				reconnect(readers(), Long.parseLong(c[1]) * 1_000_000, Integer.parseInt(c[2]));
			}
			case "MOVE" -> {
				// MOVE fromPort toPort concurrency: the readers of a node that died reconnect at
				// once to another, as behind a load balancer
				follow(Integer.parseInt(c[1]), Integer.parseInt(c[2]), Integer.parseInt(c[3]));
				this.movers.forEach(Conn::ended);
				this.pending = new Pending("MOVED", this.movers, System.nanoTime(), 0, 0);
			}
			case "FOLLOW" -> {
				// FOLLOW fromPort toPort concurrency: the readers of a node being stopped move to
				// another as soon as their stream ends (sse-close, end of stream, reset)
				follow(Integer.parseInt(c[1]), Integer.parseInt(c[2]), Integer.parseInt(c[3]));
				reply("FOLLOWING " + this.movers.size());
			}
			case "BACK" -> {
				// BACK timeoutMillis: once every client of the last FOLLOW is connected again, or
				// gave up; those still away at the timeout count as failed
				this.pending = new Pending("BACK", this.movers, System.nanoTime(), Long.parseLong(c[1]) * 1_000_000, 0);
			}
			case "CLOSE" -> {
				List<Conn> conns = this.groups.getOrDefault(c[1], new ArrayList<>());
				int keep = Integer.parseInt(c[2]);
				// Connections that never connected go first: keep live streams.
				conns.removeIf((conn) -> {
					if (!conn.connected && conn.handshakeDone) {
						conn.close();
						return true;
					}
					return false;
				});
				while (conns.size() > keep) {
					conns.remove(conns.size() - 1).close();
				}
				reply("CLOSED " + conns.size());
			}
			case "COUNT" -> {
				int live = 0;
				for (List<Conn> group : this.groups.values()) {
					for (Conn conn : group) {
						if (conn.connected) {
							live++;
						}
					}
				}
				reply("COUNT " + live);
			}
			default -> reply("ERROR unknown " + c[0]);
		}
	}

	/** Reconnects closed connections with their Last-Event-ID, spread over a jitter. */
	private void reconnect(List<Conn> conns, long jitterNanos, int concurrency) {
		this.concurrency = concurrency;
		long now = System.nanoTime();
		List<Conn> ordered = new ArrayList<>(conns);
		this.retries = 0;
		for (Conn conn : ordered) {
			conn.handshakeDone = false;
			conn.connected = false;
			conn.channel = null;
			conn.abandoned = false;
			conn.attempts = 1;
			conn.startAtNanos = now + ((jitterNanos > 0) ? ThreadLocalRandom.current().nextLong(jitterNanos) : 0);
		}
		ordered.sort((a, b) -> Long.compare(a.startAtNanos, b.startAtNanos));
		this.toStart.addAll(ordered);
		this.connectTimes = new Histogram(3_600_000_000L, 3);
		this.pending = new Pending("RECONNECTED", ordered, now, 0, 0);
	}

	/** The readers on a port move to another when their stream ends; those already closed at once. */
	private void follow(int from, int to, int concurrency) {
		this.concurrency = concurrency;
		this.movers = new ArrayList<>();
		this.refusals = 0;
		this.retries = 0;
		this.left.clear();
		this.back.clear();
		this.longestGapNanos = 0;
		this.connectTimes = new Histogram(3_600_000_000L, 3);
		for (Conn conn : readers()) {
			if (conn.target.getPort() == from) {
				conn.followPort = to;
				this.movers.add(conn);
			}
		}
		for (Conn conn : this.movers) {
			if (!conn.connected && conn.handshakeDone) {
				conn.ended();
			}
		}
	}

	private void back(long gapNanos) {
		updateNow();
		this.back.add(this.nowMicros);
		this.longestGapNanos = Math.max(this.longestGapNanos, gapNanos);
	}

	private List<Conn> readers() {
		List<Conn> readers = new ArrayList<>();
		for (List<Conn> group : this.groups.values()) {
			for (Conn conn : group) {
				if (conn.reader) {
					readers.add(conn);
				}
			}
		}
		return readers;
	}

	private void startPending() {
		long now = System.nanoTime();
		while (this.inflight < this.concurrency && !this.toStart.isEmpty()) {
			Conn conn = this.toStart.peek();
			if (conn.startAtNanos > now) {
				break;
			}
			this.toStart.poll();
			if (conn.abandoned) {
				continue;
			}
			this.inflight++;
			conn.start();
		}
	}

	private void checkPending() {
		Pending p = this.pending;
		if (p == null) {
			return;
		}
		long now = System.nanoTime();
		if (p.conns != null && now - this.lastTimeoutScan > 200_000_000L) {
			// A connection the server never answers (backlog full, connection limit) fails.
			this.lastTimeoutScan = now;
			for (Conn conn : p.conns) {
				if (!conn.handshakeDone && conn.channel != null && now - conn.startNanos > HANDSHAKE_TIMEOUT_NANOS) {
					if (this.failuresLogged++ < 5) {
						System.err.println("handshake timed out after " + conn.stream.head().replace("\r\n", " | "));
					}
					conn.failed();
				}
			}
		}
		if (p.conns != null) {
			int ok = 0;
			int failed = 0;
			for (Conn conn : p.conns) {
				// A client that is to move is not done until it has.
				if (conn.handshakeDone && conn.followPort == 0) {
					if (conn.connected) {
						ok++;
					}
					else {
						failed++;
					}
				}
			}
			boolean timedOut = p.timeoutNanos > 0 && now - p.startNanos > p.timeoutNanos;
			if (ok + failed == p.conns.size() || timedOut) {
				this.pending = null;
				reply(p.verb + " " + ok + " " + (p.conns.size() - ok) + " " + (now - p.startNanos) / 1_000_000 + " "
						+ this.connectTimes.getValueAtPercentile(99) / 1000 + " " + this.connectTimes.getMaxValue() / 1000
						+ " " + this.retries);
			}
			return;
		}
		long expected = expectedPerReader() * liveReaders();
		boolean complete = this.distinct >= expected;
		boolean idle = now - Math.max(this.lastProgressNanos, p.startNanos) > p.idleNanos;
		if (complete || idle || now - p.startNanos > p.timeoutNanos) {
			this.pending = null;
			reply("WAITED " + (complete ? 1 : 0) + " " + this.distinct + " " + (now - p.startNanos) / 1_000_000);
		}
	}

	private long expectedPerReader() {
		return Math.max(0, this.s1 - this.s0 + 1);
	}

	private long liveReaders() {
		long n = 0;
		for (Conn conn : readers()) {
			if (conn.seen != null) {
				n++;
			}
		}
		return n;
	}

	private String report() {
		long readers = liveReaders();
		long expected = readers * expectedPerReader();
		StringBuilder json = new StringBuilder("{");
		json.append("\"readers\":").append(readers);
		json.append(",\"expected\":").append(expected);
		json.append(",\"received\":").append(this.distinct);
		json.append(",\"lost\":").append(expected - this.distinct);
		json.append(",\"duplicates\":").append(this.duplicates);
		json.append(",\"outOfOrder\":").append(this.outOfOrder);
		json.append(",\"stray\":").append(this.stray);
		json.append(",\"closedByServer\":").append(this.closedByServer);
		json.append(",\"lastDelivery\":").append(this.lastDeliveryMicros);
		json.append(",\"refusals\":").append(this.refusals);
		json.append(",\"longestGap\":").append(this.longestGapNanos / 1000);
		json.append(",\"left\":");
		this.left.appendTo(json);
		json.append(",\"back\":");
		this.back.appendTo(json);
		json.append(",\"resume\":{");
		int i = 0;
		for (Map.Entry<String, Integer> entry : this.resumes.entrySet()) {
			json.append((i++ > 0) ? "," : "").append('"').append(entry.getKey()).append("\":").append(entry.getValue());
		}
		json.append("},\"perSeqMax\":[");
		for (int s = 0; s < this.perSeqMax.length; s++) {
			json.append((s > 0) ? "," : "").append(this.perSeqMax[s]);
		}
		ByteBuffer encoded = ByteBuffer.allocate(this.latency.getNeededByteBufferCapacity());
		this.latency.encodeIntoCompressedByteBuffer(encoded);
		encoded.flip();
		byte[] bytes = new byte[encoded.remaining()];
		encoded.get(bytes);
		json.append("],\"latency\":\"").append(Base64.getEncoder().encodeToString(bytes)).append("\"}");
		return json.toString();
	}

	private static void reply(String line) {
		System.out.println(line);
		System.out.flush();
	}

	/** Times in epoch micros, in the order they came. */
	private static final class Times {

		private long[] values = new long[1024];

		private int size;

		void add(long micros) {
			if (this.size == this.values.length) {
				this.values = Arrays.copyOf(this.values, this.size * 2);
			}
			this.values[this.size++] = micros;
		}

		void clear() {
			this.size = 0;
		}

		void appendTo(StringBuilder json) {
			json.append('[');
			for (int i = 0; i < this.size; i++) {
				json.append((i > 0) ? "," : "").append(this.values[i]);
			}
			json.append(']');
		}

	}

	private record Pending(String verb, List<Conn> conns, long startNanos, long timeoutNanos, long idleNanos) {
	}

	/** One SSE connection and its parser state. */
	private final class Conn implements EventStreamReader.Listener {

		private InetSocketAddress target;

		private final InetSocketAddress source;

		private final String path;

		private final boolean reader;

		private final boolean waitConnected;

		private SocketChannel channel;

		private long startNanos;

		private long startAtNanos;

		private boolean handshakeDone;

		private boolean connected;

		private boolean abandoned;

		private int attempts = 1;

		/** The port to move to when the stream ends (FOLLOW, MOVE), 0 for none. */
		private int followPort;

		/** On its way to another node: refusals are retried with back-off, its return timed. */
		private boolean moving;

		private long endedNanos;

		/** This attempt's response; a mover's stops at its sse-close. */
		private EventStreamReader stream = new EventStreamReader(this);

		/** The id of the last event read, sent as Last-Event-ID when it connects again. */
		private byte[] lastId;

		// Expectations
		private BitSet seen;

		private long maxSeq = -1;

		Conn(InetSocketAddress target, InetSocketAddress source, String path, boolean reader, boolean waitConnected) {
			this.target = target;
			this.source = source;
			this.path = path;
			this.reader = reader;
			this.waitConnected = waitConnected;
		}

		void start() {
			this.startNanos = System.nanoTime();
			this.handshakeDone = false;
			this.connected = false;
			this.stream = new EventStreamReader(this);
			try {
				this.channel = SocketChannel.open();
				this.channel.configureBlocking(false);
				this.channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
				if (!this.reader) {
					this.channel.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
				}
				this.channel.bind(this.source);
				if (this.channel.connect(this.target)) {
					sendRequest();
					this.channel.register(LoadWorker.this.selector, SelectionKey.OP_READ, this);
				}
				else {
					this.channel.register(LoadWorker.this.selector, SelectionKey.OP_CONNECT, this);
				}
			}
			catch (IOException ex) {
				failed();
			}
		}

		void finishConnect() throws IOException {
			this.channel.finishConnect();
			sendRequest();
			this.channel.keyFor(LoadWorker.this.selector).interestOps(SelectionKey.OP_READ);
		}

		private void sendRequest() throws IOException {
			StringBuilder request = new StringBuilder(512).append("GET ")
				.append(this.path)
				.append(" HTTP/1.1\r\nHost: ")
				.append(this.target.getHostString())
				.append(':')
				.append(this.target.getPort())
				.append("\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n");
			if (this.lastId != null) {
				request.append("Last-Event-ID: ").append(new String(this.lastId, StandardCharsets.UTF_8)).append("\r\n");
			}
			request.append("\r\n");
			ByteBuffer buffer = ByteBuffer.wrap(request.toString().getBytes(StandardCharsets.UTF_8));
			while (buffer.hasRemaining()) {
				if (this.channel.write(buffer) == 0) {
					throw new IOException("request did not fit the socket buffer");
				}
			}
		}

		void read() throws IOException {
			ByteBuffer buffer = LoadWorker.this.readBuffer;
			while (true) {
				buffer.clear();
				int n = this.channel.read(buffer);
				if (n < 0) {
					if (!this.handshakeDone && LoadWorker.this.failuresLogged++ < 5) {
						System.err.println("closed before connected after " + this.stream.head().replace("\r\n", " | "));
					}
					LoadWorker.this.closedByServer++;
					failed();
					return;
				}
				if (n == 0) {
					return;
				}
				buffer.flip();
				buffer.get(LoadWorker.this.readBytes, 0, n);
				this.stream.feed(LoadWorker.this.readBytes, 0, n);
				if (this.stream.isStopped()) {
					ended();
					return;
				}
				if (!this.reader && this.connected) {
					// A non-reading client stops reading once it is connected.
					this.channel.keyFor(LoadWorker.this.selector).interestOps(0);
					return;
				}
				if (n < buffer.capacity()) {
					return;
				}
			}
		}

		@Override
		public void opened() {
			if (!this.waitConnected) {
				connected();
			}
		}

		@Override
		public boolean event(int kind, byte[] id, String resume, long sequence, long micros) {
			if (id != null) {
				this.lastId = id;
			}
			if (kind == EventStreamReader.CONNECTED) {
				LoadWorker.this.resumes.merge(resume, 1, Integer::sum);
				if (this.waitConnected) {
					connected();
				}
			}
			else if (kind == EventStreamReader.CLOSE) {
				// A client that is to move leaves on sse-close, without waiting for the end.
				return this.followPort > 0;
			}
			else if (kind != EventStreamReader.CONTROL && sequence >= 0) {
				tick(sequence, micros);
			}
			return false;
		}

		private void tick(long seq, long micros) {
			LoadWorker worker = LoadWorker.this;
			if (this.seen == null || seq < worker.s0 || seq > worker.s1) {
				worker.stray++;
				return;
			}
			int index = (int) (seq - worker.s0);
			if (this.seen.get(index)) {
				worker.duplicates++;
				return;
			}
			this.seen.set(index);
			if (seq < this.maxSeq) {
				worker.outOfOrder++;
			}
			this.maxSeq = Math.max(this.maxSeq, seq);
			worker.distinct++;
			long latency = Math.max(0, worker.nowMicros - micros);
			worker.latency.recordValue(Math.min(latency, 3_600_000_000L));
			if (latency > worker.perSeqMax[index]) {
				worker.perSeqMax[index] = latency;
			}
			worker.lastDeliveryMicros = worker.nowMicros;
			worker.lastProgressNanos = System.nanoTime();
		}

		private void connected() {
			if (this.handshakeDone) {
				return;
			}
			this.connected = true;
			this.handshakeDone = true;
			LoadWorker.this.inflight--;
			long now = System.nanoTime();
			LoadWorker.this.connectTimes.recordValue((now - this.startNanos) / 1000);
			if (this.moving) {
				this.moving = false;
				LoadWorker.this.back(now - this.endedNanos);
			}
		}

		void failed() {
			if (this.handshakeDone) {
				ended();
				return;
			}
			this.connected = false;
			closeChannel();
			LoadWorker.this.inflight--;
			if (this.moving) {
				LoadWorker.this.refusals++;
			}
			if (this.attempts < (this.moving ? MOVE_ATTEMPTS : MAX_ATTEMPTS) && !this.abandoned) {
				this.attempts++;
				LoadWorker.this.retries++;
				this.channel = null;
				this.startAtNanos = System.nanoTime() + (this.moving ? backOff() : RETRY_NANOS);
				LoadWorker.this.toStart.add(this);
				return;
			}
			this.handshakeDone = true;
			this.moving = false;
		}

		/** The stream is over (the server ended it, or it broke): a client that is to move, moves. */
		void ended() {
			this.connected = false;
			closeChannel();
			if (this.followPort > 0) {
				move();
			}
		}

		/** Reconnects at once to the port it follows, with its Last-Event-ID. */
		private void move() {
			LoadWorker worker = LoadWorker.this;
			this.target = new InetSocketAddress(this.target.getHostString(), this.followPort);
			this.followPort = 0;
			this.moving = true;
			this.endedNanos = System.nanoTime();
			worker.updateNow();
			worker.left.add(worker.nowMicros);
			this.handshakeDone = false;
			this.channel = null;
			this.abandoned = false;
			this.attempts = 1;
			this.startAtNanos = this.endedNanos;
			worker.toStart.add(this);
		}

		/** The refusal's Retry-After if it gave one, capped, else a short back-off. */
		private long backOff() {
			Matcher retryAfter = RETRY_AFTER.matcher(this.stream.head());
			if (!retryAfter.find()) {
				return MOVE_BACKOFF_NANOS;
			}
			long nanos = Long.parseLong(retryAfter.group(1)) * 1_000_000_000L;
			return Math.max(MOVE_BACKOFF_NANOS, Math.min(nanos, MOVE_BACKOFF_CAP_NANOS));
		}

		void close() {
			this.abandoned = true;
			if (!this.handshakeDone && this.channel != null) {
				LoadWorker.this.inflight--;
			}
			this.handshakeDone = true;
			this.connected = false;
			closeChannel();
		}

		void closeChannel() {
			if (this.channel != null) {
				try {
					this.channel.close();
				}
				catch (IOException ex) {
					// closed anyway
				}
			}
		}

	}

}
