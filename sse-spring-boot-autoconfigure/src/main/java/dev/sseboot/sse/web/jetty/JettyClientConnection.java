package dev.sseboot.sse.web.jetty;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;

import dev.sseboot.sse.web.ClientConnection;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.BufferUtil;

/**
 * The HTTP/1.1 connection of a stream request on Jetty. Jetty does not read from a
 * connection while its request is being handled, so a client's close is learned by asking:
 * a non-blocking read of the plain socket that finds the end of input, or a read error.
 * Over TLS the read would run Jetty's decryption outside its own reads, so there a closed
 * client is noticed on the next failed write (a heartbeat at the latest).
 */
final class JettyClientConnection implements ClientConnection {

	private final Connection connection;

	private final HttpServletRequest request;

	JettyClientConnection(Connection connection, HttpServletRequest request) {
		this.connection = connection;
		this.request = request;
	}

	@Override
	public boolean isClosedByClient() {
		EndPoint endPoint = this.connection.getEndPoint();
		if (!endPoint.isOpen() || endPoint.isInputShutdown()) {
			return true;
		}
		if (!(endPoint instanceof SocketChannelEndPoint)) {
			return false;
		}
		ByteBuffer buffer = BufferUtil.allocate(64);
		try {
			int read;
			while ((read = endPoint.fill(buffer)) > 0) {
				while (buffer.hasRemaining()) {
					byte b = buffer.get();
					if (b != '\r' && b != '\n') {
						// A pipelined request, which would wait behind a stream that does not
						// end: close, and let the client send it again on a new connection.
						return true;
					}
				}
				BufferUtil.clear(buffer);
			}
			return read < 0;
		}
		catch (IOException ex) {
			return true;
		}
	}

	/** Jetty keeps a request whose write failed active, its socket open, until it is ended. */
	@Override
	public void writeFailed() {
		abort();
	}

	/**
	 * Makes the close a reset ({@code SO_LINGER} 0): what the kernel still holds for a
	 * client that stopped reading is dropped at once, instead of waiting for it for minutes
	 * in {@code FIN_WAIT1}. The connection loses data anyway.
	 */
	private void resetOnClose() {
		if (this.connection.getEndPoint() instanceof SocketChannelEndPoint endPoint) {
			try {
				endPoint.getChannel().setOption(StandardSocketOptions.SO_LINGER, 0);
			}
			catch (IOException | RuntimeException ex) {
				// Closed meanwhile: a plain close then.
			}
		}
	}

	@Override
	public void abort() {
		// Before the completion, which may close the connection itself.
		resetOnClose();
		// Completed first: once closed, Jetty fails the request (reported to its async
		// listeners as when a write fails) but keeps it active, and a graceful shutdown
		// waits for it, until something completes it.
		try {
			if (this.request.isAsyncStarted()) {
				this.request.getAsyncContext().complete();
			}
		}
		catch (IllegalStateException ex) {
			// Completed meanwhile.
		}
		this.connection.close();
	}

}
