package dev.sseboot.sse.web;

import org.apache.coyote.AbstractProtocol;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Raises Tomcat's connection limit and accept queue for long-lived streams, each only if
 * the application does not set it. With Tomcat's defaults a node holds at most 8192
 * connections, streams included, and a reconnect burst overflows the 100 queued accepts:
 * the dropped SYNs are retried after a second or more.
 */
public final class StreamConnectorCustomizer
		implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

	/** Connections Tomcat accepts when the application does not say: streams are long-lived. */
	public static final int MAX_CONNECTIONS = 30_000;

	/** Connections the kernel queues before Tomcat accepts them (capped by net.core.somaxconn). */
	public static final int ACCEPT_COUNT = 4096;

	private final boolean maxConnectionsSet;

	private final boolean acceptCountSet;

	/**
	 * Creates the customizer.
	 * @param environment tells which server.tomcat properties the application sets
	 */
	public StreamConnectorCustomizer(Environment environment) {
		this.maxConnectionsSet = environment.containsProperty("server.tomcat.max-connections");
		this.acceptCountSet = environment.containsProperty("server.tomcat.accept-count");
	}

	@Override
	public void customize(ConfigurableTomcatWebServerFactory factory) {
		// A connector customizer, as Boot's own: those run after protocol handler customizers.
		factory.addConnectorCustomizers((connector) -> {
			if (connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol) {
				if (!this.maxConnectionsSet) {
					protocol.setMaxConnections(Math.max(protocol.getMaxConnections(), MAX_CONNECTIONS));
				}
				if (!this.acceptCountSet) {
					protocol.setAcceptCount(Math.max(protocol.getAcceptCount(), ACCEPT_COUNT));
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
