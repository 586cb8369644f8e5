package dev.sseboot.sse.web.tomcat;

import dev.sseboot.sse.web.ClientConnection;
import jakarta.servlet.AsyncContext;
import org.apache.catalina.connector.ClientAbortException;
import org.apache.catalina.connector.Request;
import org.apache.coyote.ActionCode;

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

	private final Request servletRequest;

	private final org.apache.coyote.Request request;

	private final String requestId;

	private volatile boolean ended;

	TomcatClientConnection(Request request) {
		this.servletRequest = request;
		this.request = request.getCoyoteRequest();
		this.requestId = this.request.getRequestId();
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
			// Taken while the request is the stream's: once Tomcat has recycled the request,
			// this context refuses to complete, where the request would serve another.
			AsyncContext async = this.servletRequest.isAsyncStarted() ? this.servletRequest.getAsyncContext() : null;
			// Discards what is buffered and closes the connection, dropping what the kernel
			// still holds for the client too.
			SocketReset.onClose(this.request);
			this.request.getResponse()
				.action(ActionCode.CLOSE_NOW, new ClientAbortException("Stream aborted by the server"));
			// Tomcat ends the async request with that error only when it next processes the
			// connection, which a connection closed from outside its threads does not always
			// get: a graceful shutdown then waited 30 s for the request. This ends it anyway.
			if (async != null) {
				try {
					async.complete();
				}
				catch (IllegalStateException ex) {
					// Ended meanwhile, with the error.
				}
			}
		}
	}

	private boolean isCurrent() {
		return !this.ended && this.requestId.equals(this.request.getRequestId());
	}

}
