package dev.sseboot.sse.web.tomcat;

import dev.sseboot.sse.web.ConnectionLimits;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.coyote.AbstractProtocol;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Sets Tomcat's connection limit and accept queue for long-lived streams, each only if the
 * application does not set it ({@link ConnectionLimits} says why and how much).
 */
public final class StreamConnectorCustomizer
		implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

	private static final Log logger = LogFactory.getLog(StreamConnectorCustomizer.class);

	private final boolean maxConnectionsSet;

	private final boolean acceptCountSet;

	private final long openFileLimit;

	/**
	 * Creates the customizer.
	 * @param environment tells which server.tomcat properties the application sets
	 */
	public StreamConnectorCustomizer(Environment environment) {
		this(environment, ConnectionLimits.openFileLimit());
	}

	StreamConnectorCustomizer(Environment environment, long openFileLimit) {
		this.maxConnectionsSet = environment.containsProperty("server.tomcat.max-connections");
		this.acceptCountSet = environment.containsProperty("server.tomcat.accept-count");
		this.openFileLimit = openFileLimit;
	}

	@Override
	public void customize(ConfigurableTomcatWebServerFactory factory) {
		// A connector customizer, as Boot's own: those run after protocol handler customizers.
		factory.addConnectorCustomizers((connector) -> {
			if (connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol) {
				if (!this.maxConnectionsSet) {
					protocol.setMaxConnections(ConnectionLimits.maxConnections(this.openFileLimit));
					ConnectionLimits.logChosen(logger, "Tomcat", protocol.getMaxConnections(), this.openFileLimit,
							"server.tomcat.max-connections");
				}
				if (!this.acceptCountSet) {
					protocol.setAcceptCount(Math.max(protocol.getAcceptCount(), ConnectionLimits.ACCEPT_QUEUE));
				}
			}
		});
	}

	/** After Boot's own Tomcat customizer, which applies the server.tomcat defaults first. */
	@Override
	public int getOrder() {
		return 1;
	}

}
