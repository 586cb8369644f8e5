package dev.sseboot.sse.diagnostics;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.tomcat.ConnectorStartFailedException;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Tells a control API that could not listen because its port is taken, rather than
 * the server's general words about a connector: it is the second port of the application,
 * and its fix is the starter's property.
 */
class ControlPortInUseFailureAnalyzer implements FailureAnalyzer {

	private static final boolean TOMCAT_PRESENT = ClassUtils
		.isPresent("org.springframework.boot.tomcat.ConnectorStartFailedException", null);

	private final Environment environment;

	ControlPortInUseFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		if (!this.environment.getProperty("sse.control.enabled", Boolean.class, false)) {
			return null;
		}
		int controlPort = this.environment.getProperty("sse.control.port", Integer.class, 8001);
		String address = this.environment.getProperty("sse.control.address", "127.0.0.1");
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			int port = (cause instanceof PortInUseException portInUse) ? portInUse.getPort()
					: TOMCAT_PRESENT ? TomcatFailures.port(cause) : -1;
			if (port > 0 && port == controlPort) {
				return new FailureAnalysis(
						"The SSE control API could not listen on " + address + ":" + port
								+ ": the port is in use, or the address is not this machine's.",
						"Stop the process that holds port " + port + ", or set sse.control.port to a free port "
								+ "(0 picks one; the SseControlServer bean tells which).",
						failure);
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

	/** Tomcat's failure, in a class of its own, loaded only where Tomcat is. */
	private static final class TomcatFailures {

		static int port(Throwable failure) {
			return (failure instanceof ConnectorStartFailedException connector) ? connector.getPort() : -1;
		}

	}

}
