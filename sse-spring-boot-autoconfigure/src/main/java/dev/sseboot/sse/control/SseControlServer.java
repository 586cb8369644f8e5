package dev.sseboot.sse.control;

import java.io.IOException;
import java.net.InetAddress;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.coyote.AbstractProtocol;

import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

/**
 * The listener of the control API: an extra connector of the embedded Tomcat, bound to
 * the control address and port. It shares the application's servlet context;
 * {@link ControlRequestFilter} keeps the control API and the application apart.
 */
public final class SseControlServer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

	/** Request attribute set on every request the control connector accepted. */
	static final String CONTROL_REQUEST_ATTRIBUTE = SseControlServer.class.getName() + ".CONTROL_REQUEST";

	private static final Log logger = LogFactory.getLog(SseControlServer.class);

	/**
	 * Connections the control listener accepts at once: a few publishers, not Tomcat's
	 * 8192, which would count against the open files the stream connector leaves free.
	 */
	static final int MAX_CONNECTIONS = 256;

	private final InetAddress address;

	private final Connector connector;

	/**
	 * Creates the control listener.
	 * @param address the address to bind
	 * @param port the port to bind, 0 for a free one
	 * @param apiKeyRequired whether requests must carry the API key, for the start-up log
	 */
	public SseControlServer(InetAddress address, int port, boolean apiKeyRequired) {
		this.address = address;
		this.connector = new Connector(TomcatWebServerFactory.DEFAULT_PROTOCOL);
		this.connector.setPort(port);
		if (this.connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol) {
			protocol.setAddress(address);
			// Mostly idle: do not keep Tomcat's default ten spare threads waiting.
			protocol.setMinSpareThreads(1);
			protocol.setMaxConnections(MAX_CONNECTIONS);
		}
		this.connector.addLifecycleListener((event) -> {
			if (Lifecycle.AFTER_START_EVENT.equals(event.getType())) {
				logger.info("SSE control API listening on " + address.getHostAddress() + ":" + getPort()
						+ (apiKeyRequired ? " (API key required)" : " (no API key: loopback only)"));
			}
		});
	}

	@Override
	public void customize(TomcatServletWebServerFactory factory) {
		factory.addAdditionalConnectors(this.connector);
		factory.addEngineValves(new ControlRequestMarker(this.connector));
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
		return this.connector.getLocalPort();
	}

	/**
	 * Returns whether the control connector accepted a request.
	 * @param request the request
	 * @return whether it arrived on the control address and port
	 */
	static boolean accepted(ServletRequest request) {
		return request.getAttribute(CONTROL_REQUEST_ATTRIBUTE) != null;
	}

	/**
	 * Marks the requests of the control connector. Requests are told apart by the
	 * connector that accepted them, not by their local port, which stays right with port
	 * 0 and when both listeners use one port number on different addresses. Clients
	 * cannot set request attributes, so the mark cannot be forged.
	 */
	private static final class ControlRequestMarker extends ValveBase {

		private final Connector connector;

		private ControlRequestMarker(Connector connector) {
			super(true);
			this.connector = connector;
		}

		@Override
		public void invoke(Request request, Response response) throws IOException, ServletException {
			if (request.getConnector() == this.connector) {
				request.setAttribute(CONTROL_REQUEST_ATTRIBUTE, Boolean.TRUE);
			}
			getNext().invoke(request, response);
		}

	}

}
