package dev.sseboot.sse.broker;

import org.slf4j.MDC;

/**
 * Puts a stream's connection id, and its user id where the application allows it, in the
 * logging MDC for the log lines about it: they appear in structured logs
 * ({@code logging.structured.format.console}) and in patterns with {@code %X}.
 */
final class StreamMdc implements AutoCloseable {

	/** The MDC key of the stream's connection id. */
	static final String CONNECTION_ID = "sse.connectionId";

	/** The MDC key of the stream's user id, when {@code sse.logging.include-user-id} is on. */
	static final String USER_ID = "sse.userId";

	private final boolean withUserId;

	private StreamMdc(SseStream stream, boolean withUserId) {
		this.withUserId = withUserId;
		MDC.put(CONNECTION_ID, stream.id());
		if (withUserId) {
			MDC.put(USER_ID, stream.principal().userId());
		}
	}

	/**
	 * Puts a stream in the MDC until {@link #close()}.
	 * @param stream the stream
	 * @param withUserId whether its user id goes in too
	 * @return what takes it out again
	 */
	static StreamMdc of(SseStream stream, boolean withUserId) {
		return new StreamMdc(stream, withUserId);
	}

	@Override
	public void close() {
		MDC.remove(CONNECTION_ID);
		if (this.withUserId) {
			MDC.remove(USER_ID);
		}
	}

}
