package dev.sseboot.sse.web;

/**
 * What the servlet container can tell about, and do with, the connection of a stream
 * request beyond the Servlet API: whether the client closed it, and closing it at once.
 * A container adapter puts one in the request attribute {@link #ATTRIBUTE}; without one,
 * a closed client is noticed on the next failed write, and an aborted stream's response
 * is completed normally.
 */
public interface ClientConnection {

	/** The request attribute that holds the connection of a stream request. */
	String ATTRIBUTE = ClientConnection.class.getName();

	/**
	 * Returns whether the client closed the connection (or at least its sending side), or
	 * the request has ended. Never blocks.
	 * @return whether the client is gone
	 */
	boolean isClosedByClient();

	/**
	 * Closes the connection without sending what is still buffered for it, and ends the
	 * request with an error, which the container reports to the async request's listeners.
	 * Does nothing once the request has ended.
	 */
	void abort();

	/**
	 * Told once a write to the stream failed, as when the client went away. Tomcat ends
	 * such a request itself; where the container does not, the adapter ends it here.
	 */
	default void writeFailed() {
	}

}
