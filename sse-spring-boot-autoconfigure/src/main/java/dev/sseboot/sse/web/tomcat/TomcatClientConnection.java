package dev.sseboot.sse.web.tomcat;

import dev.sseboot.sse.web.ClientConnection;
import org.apache.catalina.connector.ClientAbortException;
import org.apache.coyote.ActionCode;
import org.apache.coyote.Request;

/**
 * The connection of a stream request on Tomcat. Tomcat does not watch the connection of an
 * async request that has read its (empty) body, so a client's close is learned by asking:
 * a non-blocking read that finds the end of input (or any byte, which a stream client
 * must not send) means the client is gone.
 */
final class TomcatClientConnection implements ClientConnection {

	private final Request request;

	TomcatClientConnection(Request request) {
		this.request = request;
	}

	@Override
	public boolean isClosedByClient() {
		// Tomcat reads the socket without blocking and reports the end of input (or a
		// read error) as one byte available.
		this.request.action(ActionCode.AVAILABLE, Boolean.TRUE);
		return this.request.getAvailable() > 0;
	}

	@Override
	public void abort() {
		// Discards what is buffered and closes the connection; Tomcat then ends the async
		// request with this error, as it does when a write fails.
		this.request.getResponse()
			.action(ActionCode.CLOSE_NOW, new ClientAbortException("Stream aborted by the server"));
	}

}
