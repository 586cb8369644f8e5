package dev.sseboot.sse.control.tomcat;

import java.io.IOException;

import dev.sseboot.sse.control.SseControlServer;
import jakarta.servlet.ServletException;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.AbstractProtocol;

import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

/**
 * Adds the control API's listener to Tomcat: a connector of its own, and an engine valve
 * that marks the requests it accepted.
 */
public final class TomcatControlConnectorCustomizer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

	private final SseControlServer control;

	/**
	 * Creates the customizer.
	 * @param control the control listener's address and port
	 */
	public TomcatControlConnectorCustomizer(SseControlServer control) {
		this.control = control;
	}

	@Override
	public void customize(TomcatServletWebServerFactory factory) {
		Connector connector = new Connector(TomcatWebServerFactory.DEFAULT_PROTOCOL);
		connector.setPort(this.control.getConfiguredPort());
		if (connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol) {
			protocol.setAddress(this.control.getAddress());
			// Mostly idle: do not keep Tomcat's default ten spare threads waiting.
			protocol.setMinSpareThreads(1);
			protocol.setMaxConnections(SseControlServer.MAX_CONNECTIONS);
		}
		connector.addLifecycleListener((event) -> {
			if (Lifecycle.AFTER_START_EVENT.equals(event.getType())) {
				this.control.started(connector.getLocalPort());
			}
		});
		factory.addAdditionalConnectors(connector);
		factory.addEngineValves(new ControlRequestMarker(connector));
	}

	/**
	 * Marks the requests of the control connector.
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
				request.setAttribute(SseControlServer.REQUEST_ATTRIBUTE, Boolean.TRUE);
			}
			getNext().invoke(request, response);
		}

	}

}
