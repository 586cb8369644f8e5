package dev.sseboot.sse.web.jetty;

import dev.sseboot.sse.error.SseErrorResponder;
import dev.sseboot.sse.web.StreamPath;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

/**
 * Puts the stream endpoint's error handler in front of Jetty's server-level one, which
 * answers the requests Jetty refuses before they reach the application.
 */
public final class JettyStreamErrorCustomizer implements WebServerFactoryCustomizer<JettyServletWebServerFactory> {

	private final String path;

	private final SseErrorResponder errors;

	/**
	 * Creates the customizer.
	 * @param path the stream endpoint's path within the application
	 * @param errors writes the error bodies
	 */
	public JettyStreamErrorCustomizer(String path, SseErrorResponder errors) {
		this.path = path;
		this.errors = errors;
	}

	@Override
	public void customize(JettyServletWebServerFactory factory) {
		factory.addServerCustomizers((server) -> {
			ServletContextHandler context = server.getDescendant(ServletContextHandler.class);
			String contextPath = (context == null || "/".equals(context.getContextPath())) ? ""
					: context.getContextPath();
			// Jetty puts in its own at start when there is none.
			Request.Handler delegate = (server.getErrorHandler() != null) ? server.getErrorHandler()
					: new ErrorHandler();
			server.setErrorHandler(new StreamErrorHandler(delegate, new StreamPath(contextPath + this.path),
					this.errors));
		});
	}

}
