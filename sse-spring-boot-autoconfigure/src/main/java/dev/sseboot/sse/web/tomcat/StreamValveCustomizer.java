package dev.sseboot.sse.web.tomcat;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

/**
 * Adds the stream endpoint's valve to Tomcat: it gives each stream request the
 * {@link dev.sseboot.sse.web.ClientConnection} through which the broker learns that its
 * client closed the connection, and aborts it.
 */
public final class StreamValveCustomizer implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> {

	private final String path;

	/**
	 * Creates the customizer.
	 * @param path the stream endpoint's path within the application
	 */
	public StreamValveCustomizer(String path) {
		this.path = path;
	}

	@Override
	public void customize(ConfigurableTomcatWebServerFactory factory) {
		factory.addContextCustomizers((context) -> {
			String streamPath = context.getPath() + this.path;
			context.getPipeline().addValve(new ClientConnectionValve(streamPath));
		});
	}

}
