package dev.sseboot.sse.web.tomcat;

import dev.sseboot.sse.error.SseErrorResponder;
import dev.sseboot.sse.web.StreamPath;
import java.util.Arrays;

import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

/**
 * Adds the stream endpoint's valves to Tomcat: one gives each stream request the
 * {@link dev.sseboot.sse.web.ClientConnection} through which the broker learns that its
 * client closed the connection, and aborts it; the other answers the requests that Tomcat
 * refuses on the stream path before they reach the application with the starter's JSON.
 */
public final class StreamValveCustomizer implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> {

	private final String path;

	private final SseErrorResponder errors;

	/**
	 * Creates the customizer.
	 * @param path the stream endpoint's path within the application
	 * @param errors writes the error bodies
	 */
	public StreamValveCustomizer(String path, SseErrorResponder errors) {
		this.path = path;
		this.errors = errors;
	}

	@Override
	public void customize(ConfigurableTomcatWebServerFactory factory) {
		factory.addContextCustomizers((context) -> {
			String streamPath = context.getPath() + this.path;
			context.getPipeline().addValve(new ClientConnectionValve(streamPath));
			if (context.getParent() instanceof StandardHost host) {
				// The JSON valve must come after the error report valve to answer before it.
				// Spring Boot adds one before this runs; otherwise Tomcat would add its own
				// at start, after this one, so it is added here in its place.
				if (ErrorReportValve.class.getName().equals(host.getErrorReportValveClass()) && Arrays
					.stream(host.getPipeline().getValves())
					.noneMatch((valve) -> valve instanceof ErrorReportValve)) {
					host.getPipeline().addValve(new ErrorReportValve());
				}
				host.getPipeline().addValve(new StreamErrorValve(new StreamPath(streamPath), this.errors));
			}
		});
	}

}
