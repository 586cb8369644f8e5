package dev.sseboot.sse.web.jetty;

import dev.sseboot.sse.control.jetty.JettyControlConnectorCustomizer;
import dev.sseboot.sse.web.ConnectionLimits;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.jetty.server.ServerConnector;

import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Sets Jetty's connection limit and accept queue for long-lived streams ({@link
 * ConnectionLimits} says why and how much): the limit unless the application sets
 * {@code server.jetty.max-connections}, the queue unless the application's own server
 * customizer set one. Jetty has no connection limit by default, and queues the JDK's 50
 * accepts.
 */
public final class JettyStreamConnectorCustomizer
		implements WebServerFactoryCustomizer<JettyServletWebServerFactory>, Ordered {

	private static final Log logger = LogFactory.getLog(JettyStreamConnectorCustomizer.class);

	private final boolean maxConnectionsSet;

	private final long openFileLimit;

	/**
	 * Creates the customizer.
	 * @param environment tells whether the application sets server.jetty.max-connections
	 */
	public JettyStreamConnectorCustomizer(Environment environment) {
		this(environment, ConnectionLimits.openFileLimit());
	}

	JettyStreamConnectorCustomizer(Environment environment, long openFileLimit) {
		this.maxConnectionsSet = environment.containsProperty("server.jetty.max-connections");
		this.openFileLimit = openFileLimit;
	}

	@Override
	public void customize(JettyServletWebServerFactory factory) {
		if (!this.maxConnectionsSet) {
			// Boot applies it to the application's connector only, not the control API's.
			factory.setMaxConnections(ConnectionLimits.maxConnections(this.openFileLimit));
			ConnectionLimits.logChosen(logger, "Jetty", factory.getMaxConnections(), this.openFileLimit,
					"server.jetty.max-connections");
		}
		factory.addServerCustomizers((server) -> {
			for (var connector : server.getConnectors()) {
				if (connector instanceof ServerConnector serverConnector && serverConnector.getAcceptQueueSize() == 0
						&& !JettyControlConnectorCustomizer.NAME.equals(serverConnector.getName())) {
					serverConnector.setAcceptQueueSize(ConnectionLimits.ACCEPT_QUEUE);
				}
			}
		});
	}

	/** After Boot's own Jetty customizer, which applies the server.jetty properties first. */
	@Override
	public int getOrder() {
		return 1;
	}

}
