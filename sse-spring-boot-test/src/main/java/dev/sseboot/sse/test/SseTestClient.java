package dev.sseboot.sse.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client for tests against a running application (such as
 * {@code @SpringBootTest(webEnvironment = RANDOM_PORT)}): it opens streams over a real
 * HTTP connection and parses {@code text/event-stream} as browsers do, so a test can wait
 * for the next event by name, resume with {@code Last-Event-ID} and read why the server
 * closed a stream. The starter's own tests use it too.
 * <pre class="code">
 * SseTestClient client = new SseTestClient(port);
 * try (SseTestClient.Stream stream = client.openWithBearer("/sse?channel=orders", token)) {
 *     orders.ship("42");
 *     assertThat(stream.next("order-shipped").data()).contains("42");
 * }
 * </pre>
 */
public final class SseTestClient {

	private static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final int port;

	private final String baseUrl;

	/**
	 * Creates a client of an application listening on 127.0.0.1.
	 * @param port its port, e.g. from {@code @LocalServerPort}
	 */
	public SseTestClient(int port) {
		this.port = port;
		this.baseUrl = "http://127.0.0.1:" + port;
	}

	/**
	 * Opens a stream with the token in an {@code Authorization: Bearer} header that
	 * resumes after an event id, as a browser reconnecting with {@code Last-Event-ID}.
	 * @param pathAndQuery e.g. {@code /sse?channel=chat}
	 * @param token the token
	 * @param lastEventId the id of the last event the client received
	 * @return the open stream, or the error response
	 */
	public Stream resume(String pathAndQuery, String token, String lastEventId) {
		return open(pathAndQuery, Map.of("Authorization", "Bearer " + token, "Last-Event-ID", lastEventId));
	}

	/**
	 * Opens a stream.
	 * @param pathAndQuery e.g. {@code /sse?channel=chat}
	 * @param headers request headers
	 * @return the open stream, or the error response
	 */
	public Stream open(String pathAndQuery, Map<String, String> headers) {
		Stream stream = openPaused(pathAndQuery, headers);
		stream.startReading();
		return stream;
	}

	/**
	 * Opens a stream but does not read it until {@link Stream#startReading()}: a client
	 * that stops reading, so that the server's writes back up.
	 * @param pathAndQuery e.g. {@code /sse?channel=chat}
	 * @param headers request headers
	 * @return the open stream, or the error response
	 */
	public Stream openPaused(String pathAndQuery, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.baseUrl + pathAndQuery))
			.header("Accept", "text/event-stream")
			.GET();
		headers.forEach(request::header);
		try {
			HttpResponse<InputStream> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
			return new Stream(response);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not connect to " + pathAndQuery, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Opens a stream with a token in the query.
	 * @param path e.g. {@code /sse}
	 * @param token the token
	 * @param query further query parameters, e.g. {@code channel=chat}, or empty
	 * @return the open stream, or the error response
	 */
	public Stream openWithQueryToken(String path, String token, String query) {
		return open(path + "?token=" + token + (query.isEmpty() ? "" : "&" + query), Map.of());
	}

	/**
	 * Opens a stream with a token in the {@code Authorization} header.
	 * @param pathAndQuery e.g. {@code /sse?channel=chat}
	 * @param token the token
	 * @return the open stream, or the error response
	 */
	public Stream openWithBearer(String pathAndQuery, String token) {
		return open(pathAndQuery, Map.of("Authorization", "Bearer " + token));
	}

	/**
	 * Opens a stream with the token in an {@code Authorization} header of a given scheme
	 * spelling, e.g. {@code bearer}.
	 * @param pathAndQuery e.g. {@code /sse?channel=chat}
	 * @param scheme the scheme as sent
	 * @param token the token
	 * @return the open stream, or the error response
	 */
	public Stream openWithAuthorization(String pathAndQuery, String scheme, String token) {
		return open(pathAndQuery, Map.of("Authorization", scheme + " " + token));
	}

	/**
	 * Reads one field of a JSON object, such as the {@code connectionId} of
	 * {@code sse-connected}.
	 * @param json the JSON object
	 * @param field the field
	 * @return the field, or {@code null} if absent
	 */
	public static JsonNode json(String json, String field) {
		return JSON.readTree(json).get(field);
	}

	/**
	 * Sends a plain request, for endpoints that are not streams.
	 * @param method the method, e.g. {@code GET} or {@code OPTIONS}
	 * @param pathAndQuery e.g. {@code /api/hello}
	 * @param headers request headers
	 * @return the response, body read as text
	 */
	public HttpResponse<String> send(String method, String pathAndQuery, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.baseUrl + pathAndQuery))
			.method(method, HttpRequest.BodyPublishers.noBody());
		headers.forEach(request::header);
		try {
			return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not send " + method + " " + pathAndQuery, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Sends a request byte for byte as given, for what an HTTP client refuses to send:
	 * malformed percent-encoding, control or Latin-1 characters in headers, paths the
	 * client would normalize. Reads the response head and, for a stream, up to the end of
	 * its {@code sse-connected} event, then closes the connection.
	 * @param requestLine e.g. {@code GET /sse?token=%ZZ HTTP/1.1}
	 * @param headers request headers, sent as ISO-8859-1
	 * @return the response
	 */
	public RawResponse sendRaw(String requestLine, Map<String, String> headers) {
		StringBuilder head = new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1:").append(this.port)
			.append("\r\nConnection: close\r\n");
		headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
		head.append("\r\n");
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5000);
			socket.setSoTimeout((int) DEFAULT_WAIT.toMillis());
			socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
			ByteArrayOutputStream received = new ByteArrayOutputStream();
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[8192];
			int read;
			while ((read = in.read(buffer)) != -1) {
				received.write(buffer, 0, read);
				if (RawResponse.CONNECTED.matcher(received.toString(StandardCharsets.UTF_8)).find()) {
					break;
				}
			}
			return RawResponse.parse(received.toString(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not send " + requestLine, ex);
		}
	}

	/**
	 * A response read from a raw socket.
	 * @param status the status code
	 * @param headers the headers, names in lower case
	 * @param body the body as received, chunked encoding left in
	 */
	public record RawResponse(int status, Map<String, String> headers, String body) {

		private static final Pattern CONNECTED = Pattern.compile("event: sse-connected\ndata: [^\n]*\n\n");

		static RawResponse parse(String response) {
			int end = response.indexOf("\r\n\r\n");
			if (end < 0) {
				throw new AssertionError("No complete response head: " + response);
			}
			String[] lines = response.substring(0, end).split("\r\n");
			Map<String, String> headers = new HashMap<>();
			for (int i = 1; i < lines.length; i++) {
				int colon = lines[i].indexOf(':');
				headers.putIfAbsent(lines[i].substring(0, colon).toLowerCase(Locale.ROOT),
						lines[i].substring(colon + 1).strip());
			}
			return new RawResponse(Integer.parseInt(lines[0].split(" ")[1]), headers, response.substring(end + 4));
		}

		public String header(String name) {
			return this.headers.get(name.toLowerCase(Locale.ROOT));
		}

	}

	/**
	 * One received event.
	 * @param id the id, or {@code null}
	 * @param name the event name ({@code message} when none was sent)
	 * @param data the data lines joined with {@code \n}
	 * @param retry the retry field, or {@code null}
	 */
	public record Event(String id, String name, String data, String retry) {

		/**
		 * Reads a text field of the JSON data.
		 * @param field the field
		 * @return its text, or {@code null} if absent
		 */
		public String field(String field) {
			JsonNode node = json(this.data, field);
			return (node != null) ? node.asString() : null;
		}

	}

	/**
	 * An open stream read on its own thread, or an error response.
	 */
	public static final class Stream implements AutoCloseable {

		private static final String CONNECTED = "sse-connected";

		private final HttpResponse<InputStream> response;

		private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

		private final List<String> comments = new ArrayList<>();

		private Thread reader;

		private volatile boolean ended;

		private volatile String errorBody;

		Stream(HttpResponse<InputStream> response) {
			this.response = response;
			if (response.statusCode() != 200) {
				try (InputStream body = response.body()) {
					this.errorBody = new String(body.readAllBytes(), StandardCharsets.UTF_8);
				}
				catch (IOException ex) {
					this.errorBody = "";
				}
				this.ended = true;
			}
		}

		/**
		 * Starts reading the stream on a thread of its own; events queue up for
		 * {@link #next()}.
		 */
		public synchronized void startReading() {
			if (this.reader == null && this.response.statusCode() == 200) {
				this.reader = new Thread(this::read, "sse-test-reader");
				this.reader.setDaemon(true);
				this.reader.start();
			}
		}

		public int status() {
			return this.response.statusCode();
		}

		public String header(String name) {
			return this.response.headers().firstValue(name).orElse(null);
		}

		public String errorBody() {
			return this.errorBody;
		}

		/** Whether the server ended the stream (or the client closed it). */
		public boolean ended() {
			return this.ended;
		}

		/**
		 * Waits for the {@code sse-connected} event and returns its connection id.
		 * @return the connection id
		 */
		public String connectionId() {
			Event connected = next(CONNECTED);
			return connected.field("connectionId");
		}

		/**
		 * Waits until the server ended the stream.
		 * @param wait how long at most
		 * @return whether it ended in time
		 */
		public boolean awaitEnd(Duration wait) {
			if (this.reader == null) {
				return true;
			}
			try {
				this.reader.join(wait.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return !this.reader.isAlive();
		}

		public synchronized List<String> comments() {
			return List.copyOf(this.comments);
		}

		/**
		 * Waits for the next event.
		 * @return the event
		 * @throws AssertionError if none arrives in time
		 */
		public Event next() {
			return next(DEFAULT_WAIT);
		}

		public Event next(Duration wait) {
			try {
				Event event = this.events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
				if (event == null) {
					throw new AssertionError("No event within " + wait + (this.ended ? " (stream ended)" : ""));
				}
				return event;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}

		/**
		 * Waits for the server to close the stream and returns why: the {@code reason} of
		 * its {@code sse-close} event, such as {@code revoked} or {@code token-expired}.
		 * @return the reason
		 */
		public String closeReason() {
			return next("sse-close").field("reason");
		}

		/**
		 * Waits for the next event with a given name, skipping others (such as heartbeats).
		 * @param name the event name
		 * @return the event
		 */
		public Event next(String name) {
			return next((event) -> event.name().equals(name), DEFAULT_WAIT);
		}

		public Event next(Predicate<Event> condition, Duration wait) {
			long deadline = System.nanoTime() + wait.toNanos();
			while (true) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new AssertionError("No matching event within " + wait + (this.ended ? " (stream ended)" : ""));
				}
				Event event = next(Duration.ofNanos(left));
				if (condition.test(event)) {
					return event;
				}
			}
		}

		/**
		 * Waits until the server ends the stream, then returns every event not yet taken,
		 * heartbeats included.
		 * @param wait how long to wait for the end
		 * @return the events
		 */
		public List<Event> readToEnd(Duration wait) {
			try {
				this.reader.join(wait.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
			if (this.reader.isAlive()) {
				throw new AssertionError("Stream still open after " + wait);
			}
			List<Event> rest = new ArrayList<>();
			this.events.drainTo(rest);
			return rest;
		}

		/**
		 * Returns the events received so far without waiting, ignoring heartbeats.
		 * @return the events
		 */
		public List<Event> drain() {
			List<Event> drained = new ArrayList<>();
			this.events.drainTo(drained);
			drained.removeIf((event) -> event.name().equals("heartbeat"));
			return drained;
		}

		private void read() {
			EventStreamParser parser = new EventStreamParser(this.events::add, (comment) -> {
				synchronized (this) {
					this.comments.add(comment);
				}
			});
			try {
				parser.parse(this.response.body());
			}
			catch (IOException ex) {
				// closed by the test or reset by the server: both end the stream
			}
			finally {
				this.ended = true;
			}
		}

		/**
		 * Closes the connection from the client side.
		 */
		@Override
		public void close() {
			this.ended = true;
			try {
				this.response.body().close();
			}
			catch (IOException ex) {
				// already closed
			}
		}

	}

}
