package dev.sseboot.sse.control;

import java.net.InetAddress;

import jakarta.servlet.ServletRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The listener of the control API: an extra connector of the embedded server (Tomcat or
 * Jetty), bound to the control address and port, which a container adapter adds. It
 * shares the application's servlet context; {@link ControlRequestFilter} keeps the control
 * API and the application apart.
 */
public final class SseControlServer {

	/**
	 * Request attribute the container adapter sets on every request the control listener
	 * accepted. Requests are told apart by the connector that accepted them, not by their
	 * local port, which stays right with port 0 and when both listeners use one port number
	 * on different addresses. Clients cannot set request attributes, so the mark cannot be
	 * forged.
	 */
	public static final String REQUEST_ATTRIBUTE = SseControlServer.class.getName() + ".CONTROL_REQUEST";

	/**
	 * Connections the control listener accepts at once: a few publishers, not the
	 * thousands of the stream listener, which would count against the open files it
	 * leaves free.
	 */
	public static final int MAX_CONNECTIONS = 256;

	private static final Log logger = LogFactory.getLog(SseControlServer.class);

	private final InetAddress address;

	private final int port;

	private final boolean apiKeyRequired;

	private volatile int localPort = -1;

	/**
	 * Creates the control listener.
	 * @param address the address to bind
	 * @param port the port to bind, 0 for a free one
	 * @param apiKeyRequired whether requests must carry the API key, for the start-up log
	 */
	public SseControlServer(InetAddress address, int port, boolean apiKeyRequired) {
		this.address = address;
		this.port = port;
		this.apiKeyRequired = apiKeyRequired;
	}

	/**
	 * Returns the address the control API listens on.
	 * @return the address
	 */
	public InetAddress getAddress() {
		return this.address;
	}

	/**
	 * Returns the port the control API listens on: the bound one when configured with
	 * port 0.
	 * @return the port, or -1 before the web server started
	 */
	public int getPort() {
		return this.localPort;
	}

	/**
	 * Returns the port to bind, as configured.
	 * @return the port, 0 for a free one
	 */
	public int getConfiguredPort() {
		return this.port;
	}

	/**
	 * Called by the container adapter once its connector listens.
	 * @param localPort the port it bound
	 */
	public void started(int localPort) {
		this.localPort = localPort;
		logger.info("SSE control API listening on " + this.address.getHostAddress() + ":" + localPort
				+ (this.apiKeyRequired ? " (API key required)" : " (no API key: loopback only)"));
	}

	/**
	 * Returns whether the control connector accepted a request.
	 * @param request the request
	 * @return whether it arrived on the control address and port
	 */
	static boolean accepted(ServletRequest request) {
		return request.getAttribute(REQUEST_ATTRIBUTE) != null;
	}

}
