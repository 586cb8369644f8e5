package dev.sseboot.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The physical ceiling: a single-threaded Java NIO server that writes the bytes of each
 * publish request, rendered once, straight to every subscribed socket in one write,
 * keeping only what a socket did not take. No framework, no authentication, no replay. Same trigger endpoints as the bench
 * app. Usage: {@code RawFanoutServer <port>}.
 */
public final class RawFanoutServer {

	private static final byte[] STREAM_HEADERS = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
			+ "Cache-Control: no-cache\r\nConnection: close\r\n\r\nevent: sse-connected\ndata: {}\n\n")
		.getBytes(StandardCharsets.US_ASCII);

	private final Selector selector;

	private final List<Client> subscribers = new ArrayList<>();

	private final Map<String, Client> byUser = new HashMap<>();

	private RawFanoutServer(int port) throws IOException {
		this.selector = Selector.open();
		ServerSocketChannel server = ServerSocketChannel.open();
		server.bind(new InetSocketAddress("127.0.0.1", port), 4096);
		server.configureBlocking(false);
		server.register(this.selector, SelectionKey.OP_ACCEPT);
	}

	public static void main(String[] args) throws IOException {
		new RawFanoutServer(Integer.parseInt(args[0])).run();
	}

	private void run() throws IOException {
		while (true) {
			this.selector.select();
			Iterator<SelectionKey> keys = this.selector.selectedKeys().iterator();
			while (keys.hasNext()) {
				SelectionKey key = keys.next();
				keys.remove();
				if (!key.isValid()) {
					continue;
				}
				try {
					if (key.isAcceptable()) {
						accept(key);
					}
					else {
						Client client = (Client) key.attachment();
						if (key.isWritable()) {
							client.flush();
						}
						if (key.isValid() && key.isReadable()) {
							client.read();
						}
					}
				}
				catch (IOException ex) {
					Object attachment = key.attachment();
					if (attachment instanceof Client client) {
						client.close();
					}
				}
			}
		}
	}

	private void accept(SelectionKey key) throws IOException {
		SocketChannel channel;
		while ((channel = ((ServerSocketChannel) key.channel()).accept()) != null) {
			channel.configureBlocking(false);
			channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
			Client client = new Client(channel);
			client.key = channel.register(this.selector, SelectionKey.OP_READ, client);
		}
	}

	private void handle(Client client, String target) throws IOException {
		String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
		Map<String, String> query = query(target);
		switch (path) {
			case "/sse" -> {
				client.subscriber = true;
				client.user = query.getOrDefault("user", "anonymous");
				this.subscribers.add(client);
				this.byUser.put(client.user, client);
				client.send(STREAM_HEADERS);
			}
			case "/bench/publish" -> {
				int count = Integer.parseInt(query.get("count"));
				long seq = Long.parseLong(query.get("seq"));
				int pad = Integer.parseInt(query.getOrDefault("pad", "0"));
				long t = Long.parseLong(query.getOrDefault("t", "0"));
				// The ceiling: one write per subscriber per publish request, however many events.
				java.io.ByteArrayOutputStream frames = new java.io.ByteArrayOutputStream();
				for (int i = 0; i < count; i++) {
					frames.writeBytes(frame(seq + i, t, pad));
				}
				byte[] bytes = frames.toByteArray();
				// A failed write removes its subscriber: iterate over a copy.
				for (Client subscriber : this.subscribers.toArray(new Client[0])) {
					subscriber.send(bytes);
				}
				respond(client, "{\"published\":" + count + "}");
			}
			case "/bench/users" -> {
				int from = Integer.parseInt(query.get("from"));
				int to = Integer.parseInt(query.get("to"));
				long seq = Long.parseLong(query.get("seq"));
				int pad = Integer.parseInt(query.getOrDefault("pad", "0"));
				for (int user = from; user < to; user++) {
					Client subscriber = this.byUser.get("user-" + user);
					if (subscriber != null) {
						subscriber.send(frame(seq, 0, pad));
					}
				}
				respond(client, "{\"published\":" + (to - from) + "}");
			}
			case "/bench/stats" -> {
				System.gc();
				long rss = 0;
				for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
					if (line.startsWith("VmRSS:")) {
						rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
					}
				}
				Runtime runtime = Runtime.getRuntime();
				respond(client, "{\"heapUsed\":" + (runtime.totalMemory() - runtime.freeMemory()) + ",\"rss\":" + rss
						+ ",\"connections\":" + this.subscribers.size() + "}");
			}
			default -> respond(client, "{}");
		}
	}

	private static byte[] frame(long seq, long t, int pad) {
		String data = (t > 0) ? BenchTrigger.data(seq, t, pad) : BenchTrigger.data(seq, pad);
		return ("id: " + seq + "\nevent: tick\ndata: " + data + "\n\n")
			.getBytes(StandardCharsets.UTF_8);
	}

	private static void respond(Client client, String json) throws IOException {
		byte[] body = json.getBytes(StandardCharsets.UTF_8);
		client.send(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		client.send(body);
	}

	private static Map<String, String> query(String target) {
		Map<String, String> query = new HashMap<>();
		int start = target.indexOf('?');
		if (start >= 0) {
			for (String pair : target.substring(start + 1).split("&")) {
				int eq = pair.indexOf('=');
				if (eq > 0) {
					query.put(pair.substring(0, eq), pair.substring(eq + 1));
				}
			}
		}
		return query;
	}

	private final class Client {

		private final SocketChannel channel;

		private SelectionKey key;

		private final ByteBuffer in = ByteBuffer.allocate(4096);

		private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();

		private boolean subscriber;

		private String user;

		Client(SocketChannel channel) {
			this.channel = channel;
		}

		void read() throws IOException {
			int n = this.channel.read(this.in);
			if (n < 0) {
				close();
				return;
			}
			if (this.subscriber) {
				this.in.clear();
				return;
			}
			// Requests carry no body: handle each complete header block.
			while (true) {
				String text = new String(this.in.array(), 0, this.in.position(), StandardCharsets.US_ASCII);
				int end = text.indexOf("\r\n\r\n");
				if (end < 0) {
					return;
				}
				String requestLine = text.substring(0, text.indexOf("\r\n"));
				String[] parts = requestLine.split(" ");
				int consumed = end + 4;
				this.in.flip();
				this.in.position(consumed);
				this.in.compact();
				handle(this, parts[1]);
				if (this.subscriber) {
					return;
				}
			}
		}

		void send(byte[] bytes) throws IOException {
			if (!this.channel.isOpen()) {
				return;
			}
			if (!this.pending.isEmpty()) {
				this.pending.add(ByteBuffer.wrap(bytes));
				return;
			}
			ByteBuffer buffer = ByteBuffer.wrap(bytes);
			try {
				this.channel.write(buffer);
			}
			catch (IOException ex) {
				close();
				return;
			}
			if (buffer.hasRemaining()) {
				this.pending.add(buffer);
				this.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
			}
		}

		void flush() throws IOException {
			while (!this.pending.isEmpty()) {
				ByteBuffer buffer = this.pending.peek();
				this.channel.write(buffer);
				if (buffer.hasRemaining()) {
					return;
				}
				this.pending.poll();
			}
			this.key.interestOps(SelectionKey.OP_READ);
		}

		void close() {
			if (this.subscriber) {
				RawFanoutServer.this.subscribers.remove(this);
				RawFanoutServer.this.byUser.remove(this.user, this);
			}
			this.pending.clear();
			try {
				this.channel.close();
			}
			catch (IOException ex) {
				// gone already
			}
		}

	}

}
