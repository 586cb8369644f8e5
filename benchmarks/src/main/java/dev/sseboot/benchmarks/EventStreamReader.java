package dev.sseboot.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads one SSE response as its bytes arrive, without allocating per event: the HTTP/1.1
 * head, chunked framing, and the fields the load scenarios need of each event (its id, its
 * kind, the {@code resume} of {@code sse-connected}, and data that starts with
 * {@code <sequence> <publish time in micros>}). One reader per connection attempt.
 */
final class EventStreamReader {

	/** An event of the application's. */
	static final int DATA = 1;

	/** {@code sse-connected}. */
	static final int CONNECTED = 2;

	/** A heartbeat or an expiry warning: nothing to count. */
	static final int CONTROL = 3;

	/** {@code sse-close}. */
	static final int CLOSE = 4;

	private static final int LINE_MAX = 256;

	/** Told of the head and of each event. */
	interface Listener {

		/** The head said 200: the stream is open. */
		void opened();

		/**
		 * An event ended.
		 * @param kind one of the kinds above
		 * @param id its id, or {@code null}
		 * @param resume for {@code sse-connected}, how the stream resumed
		 * @param sequence the sequence its data starts with, or -1
		 * @param micros the publish time its data gives
		 * @return whether to stop reading: the rest of the response does not matter
		 */
		boolean event(int kind, byte[] id, String resume, long sequence, long micros);

	}

	private final Listener listener;

	private final StringBuilder head = new StringBuilder();

	private final byte[] headTail = new byte[4];

	private boolean headDone;

	private boolean chunked;

	private int chunkState;

	private long chunkRemaining;

	private final byte[] line = new byte[LINE_MAX];

	private int lineLength;

	private byte[] currentId;

	private int eventType;

	private long dataSeq = -1;

	private long dataMicros;

	private String resume = "none";

	private boolean stopped;

	EventStreamReader(Listener listener) {
		this.listener = listener;
	}

	/** The head as read so far, for messages and {@code Retry-After}. */
	String head() {
		return this.head.toString();
	}

	/** Whether the listener stopped the reading. */
	boolean isStopped() {
		return this.stopped;
	}

	void feed(byte[] bytes, int offset, int length) throws IOException {
		int i = offset;
		int end = offset + length;
		if (!this.headDone) {
			while (i < end && !this.headDone) {
				byte b = bytes[i++];
				this.head.append((char) b);
				this.headTail[0] = this.headTail[1];
				this.headTail[1] = this.headTail[2];
				this.headTail[2] = this.headTail[3];
				this.headTail[3] = b;
				if (b == '\n' && this.headTail[2] == '\r' && this.headTail[1] == '\n') {
					this.headDone = true;
				}
			}
			if (!this.headDone) {
				return;
			}
			String head = this.head.toString();
			if (!head.startsWith("HTTP/1.1 200") && !head.startsWith("HTTP/1.0 200")) {
				throw new IOException("status " + head.substring(0, Math.min(12, head.length())));
			}
			this.chunked = head.toLowerCase().contains("transfer-encoding: chunked");
			this.listener.opened();
		}
		if (!this.chunked) {
			sse(bytes, i, end);
			return;
		}
		while (i < end && !this.stopped) {
			switch (this.chunkState) {
				case 0 -> { // size line
					byte b = bytes[i++];
					if (b == '\n') {
						if (this.chunkRemaining == 0) {
							throw new IOException("stream ended");
						}
						this.chunkState = 1;
					}
					else if (b != '\r') {
						int digit = Character.digit(b, 16);
						if (digit >= 0) {
							this.chunkRemaining = this.chunkRemaining * 16 + digit;
						}
					}
				}
				case 1 -> { // data
					int take = (int) Math.min(this.chunkRemaining, end - i);
					sse(bytes, i, i + take);
					i += take;
					this.chunkRemaining -= take;
					if (this.chunkRemaining == 0) {
						this.chunkState = 2;
					}
				}
				default -> { // CRLF after data
					if (bytes[i++] == '\n') {
						this.chunkState = 0;
					}
				}
			}
		}
	}

	private void sse(byte[] bytes, int from, int to) {
		for (int i = from; i < to && !this.stopped; i++) {
			byte b = bytes[i];
			if (b == '\n') {
				line();
				this.lineLength = 0;
			}
			else if (b != '\r' && this.lineLength < LINE_MAX) {
				this.line[this.lineLength++] = b;
			}
		}
	}

	private void line() {
		if (this.lineLength == 0) {
			dispatch();
			return;
		}
		if (startsWith("id:")) {
			int start = valueStart(3);
			this.currentId = Arrays.copyOfRange(this.line, start, this.lineLength);
		}
		else if (startsWith("event:")) {
			String name = new String(this.line, valueStart(6), this.lineLength - valueStart(6),
					StandardCharsets.US_ASCII);
			this.eventType = switch (name) {
				case "sse-connected" -> CONNECTED;
				case "heartbeat", "sse-token-expiring" -> CONTROL;
				case "sse-close" -> CLOSE;
				default -> DATA;
			};
		}
		else if (startsWith("data:") && this.dataSeq < 0) {
			int p = valueStart(5);
			if (this.eventType == CONNECTED) {
				String data = new String(this.line, p, this.lineLength - p, StandardCharsets.US_ASCII);
				int at = data.indexOf("\"resume\":\"");
				this.resume = (at >= 0) ? data.substring(at + 10, data.indexOf('"', at + 10)) : "none";
				return;
			}
			long seq = 0;
			int digits = 0;
			while (p < this.lineLength && this.line[p] >= '0' && this.line[p] <= '9') {
				seq = seq * 10 + (this.line[p++] - '0');
				digits++;
			}
			if (digits == 0 || p >= this.lineLength || this.line[p] != ' ') {
				return;
			}
			p++;
			long micros = 0;
			while (p < this.lineLength && this.line[p] >= '0' && this.line[p] <= '9') {
				micros = micros * 10 + (this.line[p++] - '0');
			}
			this.dataSeq = seq;
			this.dataMicros = micros;
		}
	}

	private boolean startsWith(String prefix) {
		if (this.lineLength < prefix.length()) {
			return false;
		}
		for (int i = 0; i < prefix.length(); i++) {
			if (this.line[i] != prefix.charAt(i)) {
				return false;
			}
		}
		return true;
	}

	private int valueStart(int after) {
		return (after < this.lineLength && this.line[after] == ' ') ? after + 1 : after;
	}

	private void dispatch() {
		this.stopped = this.listener.event(this.eventType, this.currentId, this.resume, this.dataSeq,
				this.dataMicros);
		this.currentId = null;
		this.eventType = 0;
		this.dataSeq = -1;
	}

}
