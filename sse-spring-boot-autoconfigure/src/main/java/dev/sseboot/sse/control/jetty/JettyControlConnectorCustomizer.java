package dev.sseboot.sse.control.jetty;

import dev.sseboot.sse.control.SseControlServer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;

import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

/**
 * Adds the control API's listener to Jetty: a connector of its own, limited to
 * {@value SseControlServer#MAX_CONNECTIONS} connections, and a handler that marks the
 * requests it accepted.
 */
public final class JettyControlConnectorCustomizer implements WebServerFactoryCustomizer<JettyServletWebServerFactory> {

	/** The name of the control API's connector. */
	public static final String NAME = "sse-control";

	private final SseControlServer control;

	/**
	 * Creates the customizer.
	 * @param control the control listener's address and port
	 */
	public JettyControlConnectorCustomizer(SseControlServer control) {
		this.control = control;
	}

	@Override
	public void customize(JettyServletWebServerFactory factory) {
		factory.addServerCustomizers((server) -> {
			ServerConnector connector = new ServerConnector(server);
			connector.setName(NAME);
			connector.setHost(this.control.getAddress().getHostAddress());
			connector.setPort(this.control.getConfiguredPort());
			connector.addEventListener(new LifeCycle.Listener() {
				@Override
				public void lifeCycleStarted(LifeCycle event) {
					JettyControlConnectorCustomizer.this.control.started(connector.getLocalPort());
				}
			});
			server.addConnector(connector);
			server.addBean(new NetworkConnectionLimit(SseControlServer.MAX_CONNECTIONS, connector));
			server.setHandler(new ControlRequestMarker(connector, server.getHandler()));
		});
	}

	/**
	 * Marks the requests of the control connector.
	 */
	private static final class ControlRequestMarker extends Handler.Wrapper {

		private final ServerConnector connector;

		private ControlRequestMarker(ServerConnector connector, Handler handler) {
			super(handler);
			this.connector = connector;
		}

		@Override
		public boolean handle(Request request, Response response, Callback callback) throws Exception {
			if (request.getConnectionMetaData().getConnector() == this.connector) {
				request.setAttribute(SseControlServer.REQUEST_ATTRIBUTE, Boolean.TRUE);
			}
			return super.handle(request, response, callback);
		}

	}

}
