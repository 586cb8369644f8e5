package dev.sseboot.sse.web.tomcat;

import java.lang.management.ManagementFactory;

import com.sun.management.UnixOperatingSystemMXBean;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.coyote.AbstractProtocol;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Sets Tomcat's connection limit and accept queue for long-lived streams, each only if the
 * application does not set it. With Tomcat's defaults a node holds at most 8192
 * connections, streams included, and a reconnect burst overflows the 100 queued accepts:
 * the dropped SYNs are retried after a second or more. The connection limit stays below
 * the process's open-file limit, so that a flood of connections (slowloris clients
 * included) is refused by Tomcat before it takes the descriptors the rest of the
 * application needs.
 */
public final class StreamConnectorCustomizer
		implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

	private static final Log logger = LogFactory.getLog(StreamConnectorCustomizer.class);

	/** Connections Tomcat accepts when the application does not say: streams are long-lived. */
	public static final int MAX_CONNECTIONS = 30_000;

	/** Connections the kernel queues before Tomcat accepts them (capped by net.core.somaxconn). */
	public static final int ACCEPT_COUNT = 4096;

	/** Tomcat's own connection limit, which a small open-file limit forces the starter below. */
	private static final int TOMCAT_DEFAULT_MAX_CONNECTIONS = 8192;

	/** Open files left to the rest of the application at least: jars, logs, pools, clients. */
	static final int MIN_RESERVED_FILES = 256;

	private final boolean maxConnectionsSet;

	private final boolean acceptCountSet;

	private final long openFileLimit;

	/**
	 * Creates the customizer.
	 * @param environment tells which server.tomcat properties the application sets
	 */
	public StreamConnectorCustomizer(Environment environment) {
		this(environment, openFileLimit());
	}

	StreamConnectorCustomizer(Environment environment, long openFileLimit) {
		this.maxConnectionsSet = environment.containsProperty("server.tomcat.max-connections");
		this.acceptCountSet = environment.containsProperty("server.tomcat.accept-count");
		this.openFileLimit = openFileLimit;
	}

	/**
	 * Returns the connection limit for a process allowed a number of open files: the
	 * files less a tenth (at least {@value #MIN_RESERVED_FILES}) for the rest of the
	 * application, at most {@value #MAX_CONNECTIONS}.
	 * @param openFileLimit the process's open-file limit, or a negative number if unknown
	 * @return the connection limit
	 */
	static int maxConnections(long openFileLimit) {
		if (openFileLimit < 0) {
			return MAX_CONNECTIONS;
		}
		long reserved = Math.max(MIN_RESERVED_FILES, openFileLimit / 10);
		return (int) Math.max(1, Math.min(MAX_CONNECTIONS, openFileLimit - reserved));
	}

	private static long openFileLimit() {
		return (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix)
				? unix.getMaxFileDescriptorCount() : -1;
	}

	@Override
	public void customize(ConfigurableTomcatWebServerFactory factory) {
		// A connector customizer, as Boot's own: those run after protocol handler customizers.
		factory.addConnectorCustomizers((connector) -> {
			if (connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol) {
				if (!this.maxConnectionsSet) {
					protocol.setMaxConnections(maxConnections(this.openFileLimit));
					String chosen = "Tomcat accepts at most " + protocol.getMaxConnections() + " connections"
							+ ((this.openFileLimit >= 0) ? " (open-file limit " + this.openFileLimit + ")" : "");
					if (protocol.getMaxConnections() < TOMCAT_DEFAULT_MAX_CONNECTIONS) {
						logger.warn(chosen + ", fewer than Tomcat's default: raise the open-file limit (ulimit -n)");
					}
					else {
						logger.info(chosen + "; set server.tomcat.max-connections, and raise the open-file limit, "
								+ "for more streams");
					}
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
