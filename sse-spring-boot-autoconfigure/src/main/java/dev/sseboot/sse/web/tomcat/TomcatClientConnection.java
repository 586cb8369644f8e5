package dev.sseboot.sse.web.tomcat;

import dev.sseboot.sse.web.ClientConnection;
import org.apache.catalina.connector.ClientAbortException;
import org.apache.coyote.ActionCode;
import org.apache.coyote.Request;

/**
 * The connection of a stream request on Tomcat. Tomcat does not watch the connection of an
 * async request that has read its (empty) body, so a client's close is learned by asking:
 * a non-blocking read that finds the end of input, or a read error.
 * <p>
 * Tomcat reuses its request objects: once the stream's request has ended (its id
 * changed, or it never went async), the connection is no longer the stream's, counts as
 * closed, and is never read from or aborted again.
 */
final class TomcatClientConnection implements ClientConnection {

	private final Request request;

	private final String requestId;

	private volatile boolean ended;

	TomcatClientConnection(Request request) {
		this.request = request;
		this.requestId = request.getRequestId();
	}

	/**
	 * Marks the request ended without an async stream, such as when the stream was
	 * refused.
	 */
	void end() {
		this.ended = true;
	}

	@Override
	public boolean isClosedByClient() {
		if (!isCurrent()) {
			return true;
		}
		// Tomcat reports the end of input (or a read error) as one byte available each
		// time it is asked. Bytes the client did send, such as a stray CR LF after its
		// request, it keeps and reports once: the second question tells them apart.
		return hasInput() && hasInput();
	}

	private boolean hasInput() {
		this.request.action(ActionCode.AVAILABLE, Boolean.TRUE);
		return this.request.getAvailable() > 0;
	}

	@Override
	public void abort() {
		if (isCurrent()) {
			// Discards what is buffered and closes the connection.
			this.request.getResponse()
				.action(ActionCode.CLOSE_NOW, new ClientAbortException("Stream aborted by the server"));
			// Tomcat ends the async request with that error only when it next processes the
			// connection, which a connection closed from outside its threads does not always
			// get: a graceful shutdown then waited 30 s for the request. This ends it anyway.
			try {
				this.request.action(ActionCode.ASYNC_COMPLETE, null);
			}
			catch (IllegalStateException ex) {
				// Already ending with the error.
			}
		}
	}

	private boolean isCurrent() {
		return !this.ended && this.requestId.equals(this.request.getRequestId());
	}

}
